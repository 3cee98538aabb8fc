// Vocabulary for realistic demo members, in Arabic and English.
export const AR_FIRST_F = ["سارة", "ليلى", "نور", "مريم", "فاطمة", "هند", "ريم", "دانة", "لمى", "جود", "رنا", "سلمى", "ياسمين", "هالة", "منى", "آمنة", "رهف", "شهد", "غادة", "عبير"];
export const AR_FIRST_M = ["محمد", "أحمد", "عمر", "خالد", "يوسف", "علي", "حسن", "فيصل", "سلطان", "طارق", "كريم", "ماجد", "سامي", "زياد", "بدر", "ناصر", "عبدالله", "إبراهيم", "مصطفى", "هشام"];
export const AR_LAST = ["العتيبي", "القحطاني", "الشمري", "الحربي", "المصري", "الخطيب", "حداد", "النجار", "السيد", "الزهراني", "الغامدي", "المالكي", "العلي", "الكبيسي", "منصور", "سليمان", "عبدالرحمن", "الأنصاري", "البغدادي", "التونسي"];
export const AR_LATIN = {
  سارة: "sara", ليلى: "layla", نور: "noor", مريم: "maryam", فاطمة: "fatima", هند: "hind", ريم: "reem", دانة: "dana",
  لمى: "lama", جود: "joud", رنا: "rana", سلمى: "salma", ياسمين: "yasmin", هالة: "hala", منى: "mona", آمنة: "amna",
  رهف: "rahaf", شهد: "shahd", غادة: "ghada", عبير: "abeer", محمد: "mohammed", أحمد: "ahmed", عمر: "omar",
  خالد: "khalid", يوسف: "yousef", علي: "ali", حسن: "hassan", فيصل: "faisal", سلطان: "sultan", طارق: "tariq",
  كريم: "karim", ماجد: "majed", سامي: "sami", زياد: "ziad", بدر: "badr", ناصر: "nasser", عبدالله: "abdullah",
  إبراهيم: "ibrahim", مصطفى: "mustafa", هشام: "hisham",
};
export const EN_FIRST = ["Emma", "Olivia", "Sophia", "James", "Liam", "Noah", "Ava", "Mia", "Ethan", "Lucas", "Grace", "Chloe", "Daniel", "Henry", "Isabella", "Jack", "Leo", "Zoe", "Nina", "Ryan"];
export const EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Clark", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell", "Turner"];

export const AR_TITLES = ["مهندسة برمجيات", "مهندس برمجيات", "مدير منتج", "محللة بيانات", "عالم بيانات", "مصممة تجربة المستخدم", "مدير مشاريع", "مسؤولة تسويق رقمي", "محاسب قانوني", "مهندس شبكات", "مستشارة موارد بشرية", "طبيب أسنان", "معلمة رياضيات", "مهندس مدني", "باحثة في الذكاء الاصطناعي"];
export const EN_TITLES = ["Software Engineer", "Product Manager", "Data Analyst", "Data Scientist", "UX Designer", "Project Manager", "Digital Marketing Lead", "Chartered Accountant", "Network Engineer", "HR Consultant", "Cloud Architect", "Civil Engineer", "AI Researcher", "Frontend Developer", "Sales Director"];
export const COMPANIES = ["أرامكو السعودية", "stc", "Careem", "Noon", "Emirates", "Talabat", "Microsoft", "Google", "Amazon", "Vodafone Egypt", "Fawry", "Anghami", "Tabby", "Tamara", "Mrsool", "Jahez", "SABIC", "Etisalat by e&", "Swvl", "Instabug"];
export const SCHOOLS = ["جامعة الملك سعود", "جامعة القاهرة", "American University of Beirut", "American University in Cairo", "جامعة الملك فهد للبترول والمعادن", "Khalifa University", "University of Jordan", "جامعة الإمارات", "Qatar University", "MIT", "University of Oxford", "جامعة عين شمس"];
export const DEGREES = ["بكالوريوس", "ماجستير", "BSc", "MSc", "MBA", "PhD"];
export const FIELDS = ["علوم الحاسب", "هندسة البرمجيات", "Computer Science", "Business Administration", "إدارة الأعمال", "Electrical Engineering", "Data Science", "التسويق"];
export const SKILLS = ["TypeScript", "JavaScript", "Python", "SQL", "Cloudflare Workers", "React", "Node.js", "Kubernetes", "Machine Learning", "Product Management", "تحليل البيانات", "إدارة المشاريع", "التسويق الرقمي", "القيادة", "التواصل", "Figma", "Go", "Rust", "AWS", "Leadership", "Public Speaking", "Excel", "Arabic NLP", "Agile", "DevOps"];
export const CITIES = ["الرياض", "جدة", "دبي", "أبوظبي", "القاهرة", "عمّان", "الدوحة", "بيروت", "الكويت", "الدار البيضاء", "Riyadh", "Dubai", "Cairo", "London", "Berlin"];
export const AR_ABOUT = [
  "شغوفة ببناء منتجات رقمية تخدم المستخدم العربي.",
  "أعمل على حلول الحوسبة السحابية وأحب مشاركة المعرفة.",
  "مهتم بريادة الأعمال والتقنية المالية في المنطقة.",
  "أؤمن بأن البيانات الجيدة تصنع قرارات أفضل.",
];
export const EN_ABOUT = [
  "I build products for the Arabic-speaking web and love mentoring new engineers.",
  "Cloud, edge computing and developer experience. Opinions are my own.",
  "Fintech, growth and everything in between.",
  "Turning messy data into decisions.",
];
