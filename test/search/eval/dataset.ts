/**
 * The search evaluation set (npm run search:eval): posts written the way members of an Arabic-first
 * professional network write them, and queries the way people type them, each labelled with the
 * phenomenon it tests, the posts it must find (`rel`) and the posts it must NOT show in its top 10
 * (`not`: a different word that a careless normalization or stemmer would conflate).
 *
 * Relevance is lexical: a post is relevant when it contains the query's words in some spelling, with or
 * without attached prefixes, hashtag underscores, diacritics or typos — not when it is merely about the
 * same subject in other words. Queries are specific enough that the relevant set is small and complete.
 * The labels were written before the engine was tuned on them; do not relabel a query to make it pass.
 */

export type Phenomenon =
  | "hamza"
  | "ta_marbuta"
  | "alef_maqsura"
  | "alef"
  | "tatweel"
  | "tashkeel"
  | "digits"
  | "article"
  | "clitics"
  | "hashtag"
  | "multiword"
  | "dialect"
  | "arabizi"
  | "mixed"
  | "precision_ar"
  | "en_plural"
  | "en_accents"
  | "precision_en"
  | "misspelled";

export interface PhenomenonSpec {
  label: string;
  /** An Arabic phenomenon (the goal asks ≥ 0.9 recall@10 on each). */
  arabic: boolean;
  /** The recall@10 this phenomenon must reach. */
  goal: number;
}

export const PHENOMENA: Record<Phenomenon, PhenomenonSpec> = {
  hamza: { label: "hamza forms (أ إ آ ء ؤ ئ)", arabic: true, goal: 0.9 },
  ta_marbuta: { label: "ta marbuta (ة ↔ ه)", arabic: true, goal: 0.9 },
  alef_maqsura: { label: "alef maqsura (ى ↔ ي)", arabic: true, goal: 0.9 },
  alef: { label: "alef variants (أ إ آ ٱ ↔ ا)", arabic: true, goal: 0.9 },
  tatweel: { label: "tatweel (ـ) in text or query", arabic: true, goal: 0.9 },
  tashkeel: { label: "tashkeel (harakat, shadda, tanwin)", arabic: true, goal: 0.9 },
  digits: { label: "digits (Arabic-Indic, Persian ↔ 0-9)", arabic: true, goal: 0.9 },
  article: { label: "definite article on one side", arabic: true, goal: 0.9 },
  clitics: { label: "clitic prefixes (و ف ب ك ل لل)", arabic: true, goal: 0.9 },
  hashtag: { label: "hashtag ↔ the same words", arabic: true, goal: 0.9 },
  multiword: { label: "multi-word", arabic: true, goal: 0.9 },
  dialect: { label: "Gulf / Egyptian / Levantine spellings", arabic: true, goal: 0.9 },
  arabizi: { label: "Arabizi (Latin-script Arabic)", arabic: true, goal: 0.9 },
  mixed: { label: "English inside Arabic, cross-script names", arabic: true, goal: 0.9 },
  precision_ar: { label: "Arabic look-alikes (must not conflate)", arabic: true, goal: 0.9 },
  en_plural: { label: "English plural / singular / possessive", arabic: false, goal: 0.9 },
  en_accents: { label: "Latin accents", arabic: false, goal: 0.9 },
  precision_en: { label: "English look-alikes (must not conflate)", arabic: false, goal: 0.9 },
  misspelled: { label: "misspelled query (one edit)", arabic: false, goal: 0.6 },
};

/** Goals over the whole set. */
export const GOALS = { recall: 0.95, mustNotInTop10: 0 } as const;

export interface EvalQuery {
  q: string;
  ph: Phenomenon;
  rel: string[];
  not?: string[];
}

export const DOCS: Record<string, string> = {
  // ─── Hamza ──────────────────────────────────────────────────────────────────────────────────────────
  hz_masool1: "تم تعيين مسؤول جديد عن الموارد البشرية في شركتنا، بالتوفيق له",
  hz_masool2: "المسئول عن التسويق الرقمي سيعقد لقاء مفتوحا مع الفريق يوم الخميس",
  hz_qara: "قرأت اليوم مقالا رائعا عن إدارة المشاريع الرشيقة",
  hz_mutamar: "انطلاق مؤتمر الأمن السيبراني في أبوظبي الأسبوع القادم بمشاركة ٤٠ دولة",
  hz_rais: "رئيس الفريق قدم عرضا مفصلا عن خطة الربع الثالث",
  hz_haia: "هيئة الاتصالات تعلن عن لوائح جديدة لحماية بيانات المستخدمين",
  hz_ashab: "نصائح لكتابة سيرة ذاتية تلفت انتباه أصحاب العمل",
  hz_saiq: "سائق التوصيل وصل قبل الموعد بعشر دقائق، خدمة ممتازة",
  hz_qaima: "القائمة النهائية للمرشحين ستعلن غدا صباحا",
  hz_asila: "جلسة أسئلة وأجوبة مع خبراء التوظيف مساء اليوم عبر زووم",
  hz_bati: "الإنترنت بطيء جدا اليوم في المكتب ولا أستطيع رفع الملفات",
  hz_shai: "كل شيء جاهز لإطلاق المنتج الجديد نهاية الشهر",
  hz_shati: "منظر الشاطئ في جدة عند الغروب لا يوصف",
  hz_qiraa: "قراءة الكتب يوميا عادة غيرت حياتي المهنية",
  hz_shuun: "إدارة شؤون الموظفين تطلب تحديث البيانات قبل نهاية الشهر",
  hz_biaa: "البيئة الصحية في العمل تزيد الإنتاجية وتقلل الغياب",
  hz_mabadi: "المبادئ الأساسية للتصميم الجيد: البساطة ثم البساطة",
  hz_israa: "إسراء حصلت على جائزة أفضل مهندسة في المسابقة الوطنية",
  hz_amal: "آمال كبيرة على الموسم الجديد من برنامج المسرعات",
  hz_maa: "شرب الماء بانتظام أثناء العمل مهم لتركيزك",
  hz_ma: "ما أجمل العمل مع فريق متعاون يفهمك",
  hz_sual: "عندي سؤال عن تأشيرة العمل في الإمارات، هل من خبير؟",
  hz_sal: "سال الوادي بعد الأمطار الغزيرة والطرق مغلقة",
  hz_masuliya: "المسؤولية الاجتماعية للشركات ليست رفاهية",
  hz_bir: "حفر بئر جديدة في القرية بدعم من المتطوعين",

  // ─── Ta marbuta ─────────────────────────────────────────────────────────────────────────────────────
  tm_jamia: "تخرجت من جامعة الملك سعود تخصص هندسة برمجيات بمرتبة الشرف",
  tm_madrasa: "افتتاح مدرسه جديده في حي النرجس بطاقة ٨٠٠ طالب",
  tm_mudira: "الشركة تبحث عن مديرة تسويق بخبرة خمس سنوات على الأقل",
  tm_rihla: "رحلة عمل قصيره الى الدوحه لحضور معرض التوظيف",
  tm_mubadara: "مبادرة تطوعية لتنظيف الشواطئ يوم السبت، من يشارك؟",
  tm_fursa: "فرصه تدريب صيفيه للطلاب في قسم تحليل البيانات",
  tm_maktaba: "مكتبة الملك فهد الوطنية تمدد ساعات العمل خلال الاختبارات",
  tm_maktab: "مكتب المحاماة ينتقل إلى مقر جديد في حي العليا",
  tm_qahwa: "قهوة الصباح مع الزملاء أفضل بداية ليوم طويل",
  tm_warsha: "ورشه عمل عن الذكاء الاصطناعي التوليدي للمعلمين",
  tm_muhadara: "محاضرة عن ريادة الأعمال في جامعة القاهرة الأحد القادم",
  tm_mudarris: "مدرس رياضيات يشارك طرقه في تبسيط المسائل",
  tm_madrasa2: "المدرسة الدولية تعلن عن وظائف للمعلمين",

  // ─── Alef maqsura ───────────────────────────────────────────────────────────────────────────────────
  am_mustawa: "حصلت على ترقية إلى مستوى مدير أول بعد ثلاث سنوات",
  am_mustashfa: "مستشفى الملك فيصل التخصصي يعلن عن وظائف تمريض",
  am_mustafa: "مصطفى يشارك تجربته في العمل عن بعد من إسطنبول",
  am_multaqa: "ملتقى رواد الأعمال في الرياض يجمع أكثر من ٢٠٠ مستثمر",
  am_mabna: "المبنى الجديد للشركة صديق للبيئة ويعمل بالطاقة الشمسية",
  am_ali: "نبارك للمهندس علي الأحمد حصوله على الماجستير",
  am_huda: "هدى تطلق مبادرة لتعليم البرمجة للفتيات",

  // ─── Alef variants ──────────────────────────────────────────────────────────────────────────────────
  al_ahmad: "أحمد انضم إلى فريقنا كمحلل بيانات، أهلا بك",
  al_ilan: "إعلان: نبحث عن مطور واجهات أمامية يجيد React",
  al_akhir: "آخر موعد للتسجيل في الهاكاثون يوم الأحد القادم",
  al_wasla: "بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ نبدأ أول يوم في المشروع",
  al_istiqala: "استقالة المدير التنفيذي تفاجئ السوق",
  al_idara: "الإدارة العليا توافق على ميزانية التدريب",

  // ─── Tatweel ────────────────────────────────────────────────────────────────────────────────────────
  tw_mabrook: "مبــــــروك للفريق على الإنجاز الكبيـــر 🎉",
  tw_ai: "الـAI سيغير طريقة عملنا أسرع مما نتوقع",
  tw_nora: "تهنئة خاصة لزمـيـلتنا نـورة بمناسبة الترقية",
  tw_hijri: "عام ١٤٤٥هـ كان عاما مليئا بالتحديات والفرص",
  tw_jeddah: "جــدة غير 🌊 صباح الخير من الكورنيش",
  tw_ramadan: "رمضـــان مبارك وكل عام وأنتم بخير",
  tw_tech: "التقنيـة المالية تحتاج كوادر مؤهلة",

  // ─── Tashkeel ───────────────────────────────────────────────────────────────────────────────────────
  ts_ilm: "الْعِلْمُ نُورٌ وَالْجَهْلُ ظَلَامٌ",
  ts_muhandisa: "مُهَنْدِسَةُ بَرْمَجِيَّاتٍ تَبْحَثُ عَنْ فُرْصَةٍ جَدِيدَةٍ فِي الْخُبَرِ",
  ts_muhasib: "وظيفة شاغرة: محاسب قانوني معتمد لشركة تجزئة",
  ts_musammim: "نبحث عن مصمم جرافيك مبدع للانضمام لفريقنا",
  ts_shukr: "شُكْرًا لِكُلِّ مَنْ حَضَرَ اللِّقَاءَ أَمْسِ",
  ts_qudwa: "القُدْوَة الحَسَنَة فِي القِيَادَة",

  // ─── Digits ─────────────────────────────────────────────────────────────────────────────────────────
  dg_vision: "رؤية ٢٠٣٠ تفتح آفاقا جديدة للشباب في قطاع السياحة",
  dg_vision_en: "Vision 2030 is creating new opportunities in tourism",
  dg_discount: "خصم ٥٠٪ على جميع الدورات حتى نهاية الشهر",
  dg_growth: "نسبة النمو بلغت ۱۵٪ هذا العام في قطاع التجزئة",
  dg_meeting: "اجتماع الساعة 10 صباحا في القاعة رقم ٣",
  dg_covid: "covid19 غيّر مفهوم العمل عن بعد إلى الأبد",
  dg_5g: "شبكات 5G ستغطي المدن الكبرى قريبا",
  dg_phone: "للتواصل: ٠٥٥١٢٣٤٥٦٧",
  dg_salary: "راتب يبدأ من 15000 ريال مع تأمين طبي",
  dg_year: "2024 كانت سنة التحول الرقمي لشركتنا",

  // ─── Definite article ───────────────────────────────────────────────────────────────────────────────
  ar_ai: "الذكاء الاصطناعي يغير سوق العمل بسرعة",
  ar_ai2: "تطبيقات ذكاء اصطناعي في الرعاية الصحية",
  ar_maarad: "معرض الكتاب الدولي يفتح أبوابه للزوار",
  ar_kitab: "كتاب جديد عن القيادة في الأزمات",
  ar_bank: "البنك المركزي يرفع أسعار الفائدة ربع نقطة",
  ar_foodbank: "بنك الطعام يحتاج متطوعين هذا الأسبوع",
  ar_cars: "السيارات الكهربائية تنتشر في المملكة بسرعة",
  ar_security: "مطلوب خبير أمن سيبراني لبنك محلي",
  ar_sharika: "شركة ناشئة في مجال التقنية المالية تبحث عن شريك مؤسس",
  ar_hukuma: "حكومة دبي تطلق منصة رقمية للخدمات",
  ar_hukuma2: "الحكومة الرقمية توفر الوقت والجهد",

  // ─── Clitics ────────────────────────────────────────────────────────────────────────────────────────
  cl_cairo: "سافرت للقاهرة لحضور مؤتمر التقنية العربي",
  cl_engineers: "والمهندسون السعوديون أثبتوا كفاءتهم في المشاريع الكبرى",
  cl_education: "فالتعليم هو الاستثمار الحقيقي في المستقبل",
  cl_support: "كالعادة فريق الدعم الفني كان رائعا وسريعا",
  cl_dubai: "لدبي سحر خاص في فصل الشتاء",
  cl_grads: "وبالتوفيق لجميع الخريجين والخريجات هذا العام",
  cl_launch: "فريقنا يعمل بجد لإطلاق النسخة الثانية من التطبيق",
  cl_jeddah: "نقلنا المكتب لجدة الشهر الماضي والفريق سعيد",
  cl_thanks: "وشكرا لكل من ساهم في نجاح الفعالية",
  cl_riyadh: "وصلنا بالسلامة إلى الرياض بعد رحلة طويلة",
  cl_bidubai: "اجتماع مهم بدبي مع العملاء الأسبوع المقبل",
  cl_walqahira: "بين الرياض والقاهرة ثلاث ساعات طيران فقط",
  cl_fal: "فالمهم أن تبدأ ولو بخطوة صغيرة",
  cl_kal: "كالمحترفين أنجزوا المهمة في يومين",

  // ─── Look-alikes (precision) ────────────────────────────────────────────────────────────────────────
  pr_karim: "كريم عبدالله مدير المبيعات الجديد في فرع الشرقية",
  pr_reem: "ريم حصلت على شهادة PMP الاحترافية",
  pr_fikra: "فكرة المشروع بدأت من نقاش عابر في المقهى",
  pr_kura: "كرة القدم تجمع موظفي الشركة كل خميس",
  pr_kulliya: "كلية الهندسة تستضيف يوم المهنة الأسبوع المقبل",
  pr_leh: "ليه الشركات بتطلب خبرة من الخريجين الجدد؟",
  pr_kabir: "كبير المهندسين شرح لنا تفاصيل المشروع",
  pr_wahid: "واحد من أهم الدروس التي تعلمتها: اسأل مبكرا",
  pr_ahad: "الاجتماع الشهري يوم الأحد في العاشرة",
  pr_harr: "الجو حر جدا في الصيف، انتبهوا لأنفسكم",
  pr_bahr: "رحلة بحرية مع الفريق في البحر الأحمر",
  pr_walid: "وليد انضم لفريق المبيعات هذا الشهر",
  pr_zaki: "زكي يعمل مهندسا للشبكات منذ عشر سنوات",
  pr_thaki: "هاتف ذكي بسعر منافس للطلاب",
  pr_alam: "العالم يتغير بسرعة ومهاراتنا يجب أن تتغير معه",
  pr_new: "New office opening in Riyadh next month",
  pr_news: "Breaking news: the merger is now official",
  pr_java: "Java developer needed for our backend services",
  pr_javascript: "JavaScript tips for cleaner frontend code",
  pr_car: "Car rental discounts for all employees this summer",
  pr_career: "Career advice: how to negotiate your salary",
  pr_goods: "Goods and services tax explained in five minutes",
  pr_good: "Good morning team, great week ahead",
  pr_art: "Art exhibition at the cultural center this weekend",
  pr_article: "Article: ten lessons from my first startup",
  pr_apple: "Apple announced new products for developers",
  pr_applied: "Applied statistics course starts Monday",
  pr_use: "We use Python for data analysis and reporting",
  pr_users: "Users reported a bug in the login page",

  // ─── English plural, singular, possessive ──────────────────────────────────────────────────────────
  en_engineers: "Our company hired five new engineers this quarter",
  en_engineer: "Looking for an engineer with cloud experience",
  en_cities: "Three cities are competing to host the next expo",
  en_city: "Riyadh is a city that never sleeps",
  en_report: "The company's annual report is finally out",
  en_companies: "Top 10 companies to work for in the Gulf",
  en_movies: "Best movies about entrepreneurship",
  en_movie: "This movie changed how I think about leadership",
  en_interviews: "Tips for job interviews at tech startups",
  en_interview: "My first interview at a startup went great",
  en_analysts: "Data analysts' salaries rose this year",
  en_analyst: "The analyst presented the quarterly results",
  en_courses: "Free courses on machine learning for beginners",
  en_course: "This course on cloud computing is excellent",
  en_policies: "New policies for remote work announced",
  en_policy: "The remote work policy was updated today",
  en_boxes: "Boxes of donations were delivered to the shelter",
  en_team_success: "Our team's success story in three slides",
  en_teams: "Teams across the region joined the hackathon",
  en_mgmt: "Project management certification tips",
  en_recruit: "Our recruitment process takes two weeks",
  en_cyber: "Cybersecurity awareness month starts today",
  en_linkedin: "Update your LinkedIn profile before applying",
  en_software: "Software engineer position at a Riyadh fintech",
  en_women: "Women in tech: stories that inspire",
  en_laptop: "Laptops for students at discounted prices",
  en_bus: "The bus to the office was late again",
  en_buses: "Electric buses arrive next year",
  en_glasses: "Smart glasses are the next big thing",
  en_glass: "A glass of water before every meeting",
  en_hobbies: "Hobbies that make you a better manager",
  en_hobby: "My hobby is photography",

  // ─── Accents ────────────────────────────────────────────────────────────────────────────────────────
  ac_cafe: "Café meetup for founders in Dubai on Thursday",
  ac_resume: "Our résumé workshop is fully booked",
  ac_naive: "Naïve approaches to pricing rarely work",
  ac_conf: "Conférence sur l'intelligence artificielle à Paris",
  ac_sao: "Remote team from São Paulo joined today",

  // ─── Hashtags ───────────────────────────────────────────────────────────────────────────────────────
  ht_ai: "فخورون بإطلاق منصتنا الجديدة #الذكاء_الاصطناعي #ريادة_الأعمال",
  ht_ml: "Excited to join the #MachineLearning team at a fintech startup",
  ht_ml_text: "Great discussion today about machine learning in healthcare",
  ht_vision: "#رؤية_2030 تدعم الصناعات المحلية",
  ht_vision2: "#رؤية2030 طموح وطن لا يعرف المستحيل",
  ht_remote: "#العمل_عن_بعد أصبح خيارا دائما في شركتنا",
  ht_remote_text: "العمل عن بعد يحتاج أدوات تواصل فعالة",
  ht_ds: "#datascience bootcamp applications are open now",
  ht_ds_text: "Why data science teams need domain experts",
  ht_foundation: "#يوم_التأسيس ذكرى نفخر بها جميعا",
  ht_foundation_text: "احتفلنا بيوم التأسيس في المكتب بالقهوة والتمر",
  ht_cyber: "#الأمن_السيبراني مسؤولية الجميع وليس قسم التقنية فقط",
  ht_remote_en: "#RemoteWork is here to stay",
  ht_aiglued: "#الذكاءالاصطناعي سيغير التعليم خلال عشر سنوات",
  ht_mental: "#الصحة_النفسية في بيئة العمل مهمة",
  ht_mental_text: "الصحة النفسية للموظفين أولوية لكل مدير",
  ht_season: "#موسم_الرياض يبدأ الشهر القادم",
  ht_season_text: "تذاكر موسم الرياض نفدت في ساعة",
  ht_startup: "Building in public: day 30 of my #StartupJourney",
  ht_startup_text: "Lessons from my startup journey so far",

  // ─── Multi-word ─────────────────────────────────────────────────────────────────────────────────────
  mw_civil: "مطلوب مهندس مدني للعمل في مشروع نيوم",
  mw_elec: "مهندس كهرباء بخبرة عشر سنوات يبحث عن فرصة في الرياض",
  mw_neom: "مشروع نيوم يوظف آلاف الشباب السعودي",
  mw_pm: "Senior product manager role in Riyadh",
  mw_design: "Product design internship in Jeddah",
  mw_muhandisan: "أعمل مهندسا في شركة أرامكو منذ ثلاث سنوات",
  mw_data_riyadh: "وظائف علم البيانات في الرياض تتضاعف",

  // ─── Misspelling targets ────────────────────────────────────────────────────────────────────────────
  ms_fintech: "التكنولوجيا المالية تنمو بسرعة في المنطقة",

  // ─── Dialects ───────────────────────────────────────────────────────────────────────────────────────
  dl_gahwa: "گهوة الصبح مع الشباب في الديوانية ما تتفوت",
  dl_dahab: "الشغل ده محتاج ناس عندها خبرة في الدهب والمجوهرات",
  dl_dhahab: "أسعار الذهب ترتفع لأعلى مستوى في ستة أشهر",
  dl_ktir: "في كتير فرص شغل بمجال التسويق هالفترة",
  dl_kathir: "هناك الكثير من الفرص في قطاع السياحة",
  dl_talata: "عندنا تلات وظايف فاضية في قسم المبيعات",
  dl_thalath: "ثلاث وظائف جديدة في قسم الموارد البشرية",
  dl_chai: "چاي الضحى مع الزملاء",
  dl_shai: "شاي أخضر بدل القهوة الثالثة",
  dl_wayed: "الشغل وايد زين اليوم الحمدلله",
  dl_izzay: "ازاي تكتب سيرة ذاتية في ساعة؟",
  dl_zabit: "ظابط الأمن في المبنى ساعدني اليوم",
  dl_dabit: "ضابط اتصال لمشاريع البنية التحتية مطلوب",
  dl_shoo: "شو رأيكم بالعمل من المقهى؟",

  // ─── Arabizi targets ────────────────────────────────────────────────────────────────────────────────
  az_yalla: "يلا نبدأ الأسبوع بنشاط وحماس",
  az_ramadan: "رمضان كريم وكل عام وأنتم بخير",
  az_marhaba: "مرحبا بالجميع في مجموعتنا الجديدة للمطورين",
  az_sabah: "صباح الخير يا أصدقاء، يوم موفق للجميع",
  az_mabrook: "مبروك التخرج يا بطل",

  // ─── Mixed scripts ──────────────────────────────────────────────────────────────────────────────────
  mx_iphone: "اشتريت iPhone جديد والكاميرا رهيبة",
  mx_python: "تعلمت Python في ثلاثة أشهر فقط",
  mx_python_ar: "أفضل كورس لتعلم البايثون للمبتدئين",
  mx_excel: "الـ Excel أهم أداة للمحاسب",
  mx_excel_ar: "دورة اكسل متقدمة للمحاسبين",
  mx_meeting: "Meeting with the team في الرياض next week",
  mx_ux: "حضرت ورشة UX Design في دبي وكانت مفيدة",
  mx_jeddah: "Our Jeddah office وفريق جدة مميز",
  mx_linkedin: "حدثت ملفي على لينكدإن اليوم",
  mx_google: "مقابلة عمل في جوجل الأسبوع القادم",
  mx_google2: "قوقل تفتح مكتبا جديدا في الرياض",
  mx_zoom: "اجتماع زووم بعد ساعة",

  // ─── Everyday posts (background: they make ranking and over-matching matter) ───────────────────────
  f_ar01: "سعيد بالانضمام إلى فريق التحول الرقمي في وزارة الصحة",
  f_ar02: "نصيحة اليوم: لا تقبل أول عرض وظيفي دون تفاوض",
  f_ar03: "اليوم أكملت عشر سنوات في مجال الموارد البشرية، شكرا لكل من دعمني",
  f_ar04: "نبحث عن متدربين في مجال تطوير الويب، الخبرة غير مطلوبة",
  f_ar05: "كيف تدير وقتك بين العمل والدراسة؟ شاركوني تجاربكم",
  f_ar06: "إطلاق تطبيق جديد لحجز المواعيد الطبية",
  f_ar07: "حضرت اليوم منتدى الاستثمار السعودي وكان مليئا بالأفكار",
  f_ar08: "من أهم صفات القائد الاستماع قبل الكلام",
  f_ar09: "فريق المبيعات حقق المستهدف السنوي قبل موعده",
  f_ar10: "التسويق بالمحتوى أصبح ضرورة لكل شركة صغيرة",
  f_ar11: "دورة مجانية في تحليل البيانات باستخدام بايثون تبدأ الأحد",
  f_ar12: "تجربتي في العمل الحر: سنة من التعلم والتحديات",
  f_ar13: "الاستقالة ليست فشلا، أحيانا هي بداية جديدة",
  f_ar14: "أبحث عن شريك لمشروع في مجال التجارة الإلكترونية",
  f_ar15: "افتتاح فرع جديد لشركتنا في المنطقة الشرقية",
  f_ar16: "التدريب التعاوني فرصة ذهبية لطلاب الجامعات",
  f_ar17: "أفضل الممارسات في كتابة البريد الإلكتروني الرسمي",
  f_ar18: "الصبر مفتاح النجاح في المقابلات الوظيفية",
  f_ar19: "انتهينا من المرحلة الأولى لمشروع البنية التحتية",
  f_ar20: "شاركت في تحكيم مسابقة الابتكار لطلاب الثانوية",
  f_ar21: "الموظف السعيد ينتج أكثر، هذه حقيقة أثبتتها الدراسات",
  f_ar22: "لقاء ممتع مع طلاب قسم علوم الحاسب عن سوق العمل",
  f_ar23: "المرونة في ساعات العمل تزيد ولاء الموظفين",
  f_ar24: "أول يوم في الوظيفة الجديدة، دعواتكم",
  f_ar25: "نظام الرواتب الجديد سيطبق من الشهر القادم",
  f_ar26: "التصميم الجيد يحل المشكلة قبل أن يزين الواجهة",
  f_ar27: "تعلمت من مديري السابق أن الوضوح أهم من السرعة",
  f_ar28: "معرض التوظيف السنوي في الظهران بمشاركة خمسين جهة",
  f_ar29: "مطلوب محاسب بخبرة سنتين في شركة مقاولات",
  f_ar30: "كل عام وأنتم بخير بمناسبة اليوم الوطني",
  f_ar31: "هل تنصحون بشهادة CFA للعاملين في الاستثمار؟",
  f_ar32: "الطاقة المتجددة قطاع واعد للمهندسين الشباب",
  f_ar33: "الخدمات اللوجستية تحتاج حلولا تقنية مبتكرة",
  f_ar34: "نقاش مفيد اليوم حول مستقبل العمل في المنطقة",
  f_ar35: "العمل التطوعي يبني مهارات لا تعلمها الجامعة",
  f_ar36: "أبشركم بحصولي على شهادة في الحوسبة السحابية",
  f_ar37: "توقفوا عن إرسال السيرة الذاتية نفسها لكل الشركات",
  f_ar38: "جلسة حوارية عن تمكين المرأة في بيئة العمل",
  f_ar39: "أفضل طريقة لتعلم لغة جديدة هي الممارسة اليومية",
  f_ar40: "المنتج الناجح يبدأ من فهم احتياج العميل",
  f_ar41: "سوق العقار يشهد نشاطا ملحوظا هذا الربع",
  f_ar42: "تعرفوا على فريقنا الجديد في قسم خدمة العملاء",
  f_ar43: "شكرا لإدارة الجامعة على تنظيم يوم المهنة",
  f_ar44: "التخطيط المالي الشخصي يبدأ من أول راتب",
  f_ar45: "الأمن الغذائي من أولويات المرحلة القادمة",
  f_ar46: "ورشة عن مهارات العرض والإلقاء يوم الثلاثاء",
  f_ar47: "السفر للعمل متعب لكنه يفتح أبوابا كثيرة",
  f_ar48: "ابدأ يومك بقائمة مهام قصيرة وواضحة",
  f_ar49: "مشاريع الإسكان الجديدة في شمال المدينة",
  f_ar50: "الاجتماعات الطويلة تقتل الإنتاجية، اختصروا",
  f_ar51: "مطلوب معلمة لغة إنجليزية لمدرسة أهلية",
  f_ar52: "تجربة العمل في شركة عائلية تختلف كثيرا",
  f_ar53: "أنهيت اليوم برنامج القيادة التنفيذية",
  f_ar54: "وظيفة مدير مشروع في قطاع الطاقة",
  f_ar55: "النوم الكافي سر التركيز في العمل",
  f_ar56: "نحتاج مطورين يفهمون احتياجات السوق المحلي",
  f_ar57: "أطلقنا اليوم الموقع الجديد للشركة بحلة مختلفة",
  f_ar58: "الحمد لله تم قبولي في برنامج الماجستير",
  f_ar59: "التقاعد المبكر حلم يحتاج خطة مالية",
  f_ar60: "تحديات سلاسل الإمداد بعد الجائحة",
  f_en01: "Thrilled to announce I've joined a fintech startup as head of growth",
  f_en02: "Five lessons I learned from my first year as a manager",
  f_en03: "We are hiring: backend developer with Go experience",
  f_en04: "Networking is about giving before asking",
  f_en05: "Our quarterly all-hands was full of good questions",
  f_en06: "How to write a cover letter that gets read",
  f_en07: "Remote onboarding checklist for new hires",
  f_en08: "Proud of our support team for handling the launch week",
  f_en09: "The best leaders I worked with listened more than they talked",
  f_en10: "Looking for recommendations on project tracking tools",
  f_en11: "Just finished a marathon training plan while working full time",
  f_en12: "Design systems save time when the whole team uses them",
  f_en13: "Attending the logistics summit in Dammam next week",
  f_en14: "Salary transparency helps everyone negotiate fairly",
  f_en15: "Open source contributions changed my career",
  f_en16: "Tips for presenting to executives: start with the answer",
  f_en17: "Our clinic is hiring nurses for the night shift",
  f_en18: "Burnout is real; take your vacation days",
  f_en19: "Data privacy regulations are tightening across the region",
  f_en20: "Customer feedback is the cheapest research you can do",
  f_en21: "Happy to share that our app reached one million downloads",
  f_en22: "Mentorship program applications close on Friday",
  f_en23: "Renewable energy jobs are growing faster than expected",
  f_en24: "What is the best way to learn SQL quickly?",
  f_en25: "Congratulations to our interns on their graduation",
  f_en26: "A short thread on pricing strategy for SaaS",
  f_en27: "Volunteering weekend at the food bank with colleagues",
  f_en28: "Supply chain roles are in high demand",
  f_en29: "Reading list for aspiring product managers",
  f_en30: "Our office moved to a bigger space downtown",
  f_en31: "Quick reminder: update your passwords regularly",
  f_en32: "The hospital opened a new research wing",
  f_mx01: "Happy to share: حصلت على وظيفة جديدة as a data engineer",
  f_mx02: "أنصح بكتاب Atomic Habits لكل من يريد تغيير عاداته",
  f_mx03: "Deadline الأسبوع القادم، ركزوا يا فريق",
  f_mx04: "فعالية Demo Day للشركات الناشئة يوم الخميس",
  f_mx05: "جربت ChatGPT في كتابة التقارير ووفر علي وقت كثير",
  f_mx06: "Feedback الفريق كان إيجابيا جدا على النسخة الجديدة",
  f_mx07: "مقابلة عمل على Teams الساعة الرابعة",
  f_mx08: "تعلم Figma أفضل استثمار للمصممين",
};

// Posts that share one phrase in any spelling (kept together so a query's relevant set is complete).
const AI_AR = ["ar_ai", "ar_ai2", "tm_warsha", "ht_ai", "ht_aiglued"];
const ML_EN = ["ht_ml", "ht_ml_text", "en_courses"];
const REMOTE_AR = ["ht_remote", "ht_remote_text", "am_mustafa", "dg_covid"];
const REMOTE_EN = ["ht_remote_en", "en_policies", "en_policy"];
const VISION = ["dg_vision", "ht_vision", "ht_vision2"];
const ENGINEER_EN = ["en_engineers", "en_engineer", "en_software", "f_mx01"];
const CYBER_AR = ["hz_mutamar", "ar_security", "ht_cyber"];
const COFFEE = ["tm_qahwa", "dl_gahwa", "dl_shai", "ht_foundation_text"];
const THANKS = ["cl_thanks", "ts_shukr", "f_ar03", "f_ar43"];
const JOBS_PL = ["am_mustashfa", "tm_madrasa2", "mw_data_riyadh", "dl_talata", "dl_thalath"];

export const QUERIES: EvalQuery[] = [
  // Hamza: spelled with another carrier, without hamza, or with hamza where the post has none.
  { q: "مسئول", ph: "hamza", rel: ["hz_masool1", "hz_masool2"] },
  { q: "مسؤول التسويق", ph: "hamza", rel: ["hz_masool2"] },
  { q: "ادارة المشاريع", ph: "hamza", rel: ["hz_qara"] },
  { q: "موتمر الامن السيبراني", ph: "hamza", rel: ["hz_mutamar"] },
  { q: "ابوظبي", ph: "hamza", rel: ["hz_mutamar"] },
  { q: "هيئه الاتصالات", ph: "hamza", rel: ["hz_haia"] },
  { q: "اصحاب العمل", ph: "hamza", rel: ["hz_ashab"] },
  { q: "سايق التوصيل", ph: "hamza", rel: ["hz_saiq"] },
  { q: "قايمة المرشحين", ph: "hamza", rel: ["hz_qaima"] },
  { q: "الاسئله والاجوبه", ph: "hamza", rel: ["hz_asila"] },
  { q: "الانترنت بطئ", ph: "hamza", rel: ["hz_bati"] },
  { q: "كل شئ جاهز", ph: "hamza", rel: ["hz_shai"] },
  { q: "الشاطىء", ph: "hamza", rel: ["hz_shati"] },
  { q: "قرائة الكتب", ph: "hamza", rel: ["hz_qiraa"] },
  { q: "شئون الموظفين", ph: "hamza", rel: ["hz_shuun"] },
  { q: "البيئه الصحيه", ph: "hamza", rel: ["hz_biaa"] },
  { q: "المبادىء الاساسية", ph: "hamza", rel: ["hz_mabadi"] },
  { q: "اسراء", ph: "hamza", rel: ["hz_israa"] },
  { q: "امال كبيره", ph: "hamza", rel: ["hz_amal"] },
  { q: "ماء", ph: "hamza", rel: ["hz_maa"], not: ["hz_ma"] },
  { q: "سؤال تاشيرة", ph: "hamza", rel: ["hz_sual"] },
  { q: "سؤال", ph: "hamza", rel: ["hz_sual"], not: ["hz_sal"] },
  { q: "مسئولية", ph: "hamza", rel: ["hz_masuliya", "ht_cyber"] },
  { q: "بير", ph: "hamza", rel: ["hz_bir"], not: ["pr_kabir"] },
  { q: "رئيس الفريق", ph: "hamza", rel: ["hz_rais"] },
  { q: "جايزة افضل مهندسة", ph: "hamza", rel: ["hz_israa"] },

  // Ta marbuta written as ه on either side.
  { q: "جامعه الملك سعود", ph: "ta_marbuta", rel: ["tm_jamia"] },
  { q: "مدرسة جديدة", ph: "ta_marbuta", rel: ["tm_madrasa"] },
  { q: "مديره تسويق", ph: "ta_marbuta", rel: ["tm_mudira"] },
  { q: "رحلة قصيرة الدوحة", ph: "ta_marbuta", rel: ["tm_rihla"] },
  { q: "مبادره تطوعيه", ph: "ta_marbuta", rel: ["tm_mubadara"] },
  { q: "فرصة تدريب صيفية", ph: "ta_marbuta", rel: ["tm_fursa"] },
  {
    q: "مكتبة",
    ph: "ta_marbuta",
    rel: ["tm_maktaba"],
    not: ["tm_maktab", "hz_bati", "cl_jeddah", "ht_foundation_text"],
  },
  { q: "مكتب المحاماه", ph: "ta_marbuta", rel: ["tm_maktab"], not: ["tm_maktaba"] },
  { q: "قهوه الصباح", ph: "ta_marbuta", rel: ["tm_qahwa"] },
  { q: "ورشة عمل الذكاء الاصطناعي", ph: "ta_marbuta", rel: ["tm_warsha"] },
  { q: "محاضره رياده الاعمال", ph: "ta_marbuta", rel: ["tm_muhadara"] },
  { q: "المدرسه الدوليه", ph: "ta_marbuta", rel: ["tm_madrasa2"] },

  // Alef maqsura written as ي.
  { q: "مستشفي الملك فيصل", ph: "alef_maqsura", rel: ["am_mustashfa"] },
  { q: "مصطفي", ph: "alef_maqsura", rel: ["am_mustafa"] },
  { q: "ملتقي رواد الاعمال", ph: "alef_maqsura", rel: ["am_multaqa"] },
  { q: "مستوي مدير اول", ph: "alef_maqsura", rel: ["am_mustawa"] },
  { q: "المبني الجديد", ph: "alef_maqsura", rel: ["am_mabna"] },
  { q: "علي الاحمد", ph: "alef_maqsura", rel: ["am_ali"] },
  { q: "هدي البرمجة", ph: "alef_maqsura", rel: ["am_huda"] },

  // Alef forms.
  { q: "احمد محلل بيانات", ph: "alef", rel: ["al_ahmad"] },
  { q: "اعلان مطور واجهات", ph: "alef", rel: ["al_ilan"] },
  { q: "اخر موعد للتسجيل الهاكاثون", ph: "alef", rel: ["al_akhir"] },
  { q: "الرحمن الرحيم", ph: "alef", rel: ["al_wasla"] },
  { q: "إستقالة المدير", ph: "alef", rel: ["al_istiqala"] },
  { q: "الأدارة العليا", ph: "alef", rel: ["al_idara"] },

  // Tatweel in the post or in the query.
  { q: "مبروك الانجاز", ph: "tatweel", rel: ["tw_mabrook"] },
  { q: "AI سيغير", ph: "tatweel", rel: ["tw_ai"] },
  { q: "زميلتنا نورة", ph: "tatweel", rel: ["tw_nora"] },
  { q: "1445", ph: "tatweel", rel: ["tw_hijri"] },
  { q: "جدة غير", ph: "tatweel", rel: ["tw_jeddah"] },
  { q: "رمضان مبارك", ph: "tatweel", rel: ["tw_ramadan"] },
  { q: "الإنجـــاز الكبيـر", ph: "tatweel", rel: ["tw_mabrook"] },
  { q: "التقنية المالية كوادر", ph: "tatweel", rel: ["tw_tech"] },
  { q: "نـــورة", ph: "tatweel", rel: ["tw_nora"] },

  // Tashkeel in the post or in the query.
  { q: "العلم نور", ph: "tashkeel", rel: ["ts_ilm"] },
  { q: "مهندسة برمجيات الخبر", ph: "tashkeel", rel: ["ts_muhandisa"] },
  { q: "مُحَاسِب قَانُونِيّ", ph: "tashkeel", rel: ["ts_muhasib"] },
  { q: "مُصَمِّم جرافيك", ph: "tashkeel", rel: ["ts_musammim"] },
  { q: "شكرا لكل من حضر", ph: "tashkeel", rel: ["ts_shukr"] },
  { q: "القدوة الحسنة", ph: "tashkeel", rel: ["ts_qudwa"] },
  { q: "الجَهْل", ph: "tashkeel", rel: ["ts_ilm"] },

  // Digits in any script, glued to letters or not.
  { q: "رؤية 2030", ph: "digits", rel: VISION },
  { q: "٢٠٣٠", ph: "digits", rel: [...VISION, "dg_vision_en"] },
  { q: "خصم 50%", ph: "digits", rel: ["dg_discount"] },
  { q: "نمو 15%", ph: "digits", rel: ["dg_growth"] },
  { q: "القاعة رقم 3", ph: "digits", rel: ["dg_meeting"] },
  { q: "covid 19", ph: "digits", rel: ["dg_covid"] },
  { q: "5g", ph: "digits", rel: ["dg_5g"] },
  { q: "0551234567", ph: "digits", rel: ["dg_phone"] },
  { q: "١٥٠٠٠ ريال", ph: "digits", rel: ["dg_salary"] },
  { q: "٢٠٢٤", ph: "digits", rel: ["dg_year"] },

  // The definite article on one side only.
  { q: "ذكاء اصطناعي", ph: "article", rel: AI_AR },
  { q: "معرض كتاب دولي", ph: "article", rel: ["ar_maarad"] },
  { q: "كتاب القيادة", ph: "article", rel: ["ar_kitab"] },
  { q: "بنك مركزي", ph: "article", rel: ["ar_bank"] },
  { q: "بنك الطعام", ph: "article", rel: ["ar_foodbank"] },
  { q: "سيارات كهربائية", ph: "article", rel: ["ar_cars"] },
  { q: "الأمن السيبراني", ph: "article", rel: CYBER_AR },
  { q: "الشركة الناشئة التقنية المالية", ph: "article", rel: ["ar_sharika"] },
  { q: "حكومة رقمية", ph: "article", rel: ["ar_hukuma", "ar_hukuma2"] },

  // Attached conjunctions, prepositions and لل.
  { q: "القاهرة مؤتمر التقنية", ph: "clitics", rel: ["cl_cairo"] },
  { q: "المهندسون السعوديون", ph: "clitics", rel: ["cl_engineers"] },
  { q: "التعليم الاستثمار الحقيقي", ph: "clitics", rel: ["cl_education"] },
  { q: "الدعم الفني", ph: "clitics", rel: ["cl_support"] },
  { q: "دبي الشتاء", ph: "clitics", rel: ["cl_dubai"] },
  { q: "التوفيق للخريجين", ph: "clitics", rel: ["cl_grads"] },
  { q: "اطلاق النسخة الثانية", ph: "clitics", rel: ["cl_launch"] },
  { q: "المكتب جدة", ph: "clitics", rel: ["cl_jeddah"] },
  { q: "شكرا الفعالية", ph: "clitics", rel: ["cl_thanks"] },
  { q: "الرياض رحلة طويلة", ph: "clitics", rel: ["cl_riyadh"] },
  { q: "دبي العملاء", ph: "clitics", rel: ["cl_bidubai"] },
  { q: "القاهرة الرياض طيران", ph: "clitics", rel: ["cl_walqahira"] },
  { q: "المهم خطوة صغيرة", ph: "clitics", rel: ["cl_fal"] },
  { q: "المحترفين المهمة", ph: "clitics", rel: ["cl_kal"] },

  // Arabic look-alikes: a stemmer that strips a first letter, or a typeahead, must not conflate them.
  { q: "ريم", ph: "precision_ar", rel: ["pr_reem"], not: ["pr_karim"] },
  { q: "كريم", ph: "precision_ar", rel: ["pr_karim", "az_ramadan"], not: ["pr_reem"] },
  { q: "كرة", ph: "precision_ar", rel: ["pr_kura"], not: ["pr_fikra"] },
  { q: "فكرة المشروع", ph: "precision_ar", rel: ["pr_fikra"], not: ["pr_kura"] },
  { q: "ليه", ph: "precision_ar", rel: ["pr_leh"], not: ["pr_kulliya"] },
  { q: "كلية الهندسة", ph: "precision_ar", rel: ["pr_kulliya"], not: ["pr_leh"] },
  {
    q: "الاحد",
    ph: "precision_ar",
    rel: ["pr_ahad", "al_akhir", "tm_muhadara", "f_ar11"],
    not: ["pr_wahid"],
  },
  { q: "حر", ph: "precision_ar", rel: ["pr_harr", "f_ar12"], not: ["pr_bahr"] },
  { q: "البحر", ph: "precision_ar", rel: ["pr_bahr"], not: ["pr_harr"] },
  { q: "وليد", ph: "precision_ar", rel: ["pr_walid"] },
  { q: "ذكي", ph: "precision_ar", rel: ["pr_thaki"], not: ["pr_zaki"] },
  { q: "زكي", ph: "precision_ar", rel: ["pr_zaki"], not: ["pr_thaki"] },
  { q: "علم", ph: "precision_ar", rel: ["ts_ilm", "mw_data_riyadh"], not: ["pr_alam"] },
  { q: "مدرس", ph: "precision_ar", rel: ["tm_mudarris"], not: ["tm_madrasa", "tm_madrasa2", "f_ar51"] },

  // English look-alikes.
  {
    q: "news",
    ph: "precision_en",
    rel: ["pr_news"],
    not: ["pr_new", "dg_vision_en", "pr_apple", "en_engineers", "en_policies", "f_en07", "f_en32"],
  },
  { q: "new office", ph: "precision_en", rel: ["pr_new"], not: ["pr_news"] },
  { q: "java", ph: "precision_en", rel: ["pr_java"], not: ["pr_javascript"] },
  { q: "javascript", ph: "precision_en", rel: ["pr_javascript"], not: ["pr_java"] },
  { q: "car", ph: "precision_en", rel: ["pr_car"], not: ["pr_career", "f_en15"] },
  { q: "good", ph: "precision_en", rel: ["pr_good", "f_en05"], not: ["pr_goods"] },
  { q: "goods", ph: "precision_en", rel: ["pr_goods"], not: ["pr_good", "f_en05"] },
  { q: "art", ph: "precision_en", rel: ["pr_art"], not: ["pr_article", "ac_conf"] },
  { q: "apple", ph: "precision_en", rel: ["pr_apple"], not: ["pr_applied"] },
  { q: "use python", ph: "precision_en", rel: ["pr_use"], not: ["pr_users"] },
  { q: "users", ph: "precision_en", rel: ["pr_users"], not: ["pr_use"] },

  // English plural, singular and possessive on either side.
  { q: "engineers", ph: "en_plural", rel: ENGINEER_EN },
  { q: "engineer", ph: "en_plural", rel: ENGINEER_EN },
  { q: "city", ph: "en_plural", rel: ["en_cities", "en_city"] },
  { q: "cities", ph: "en_plural", rel: ["en_cities", "en_city"] },
  { q: "company's report", ph: "en_plural", rel: ["en_report"] },
  { q: "companies", ph: "en_plural", rel: ["en_companies", "en_report", "en_engineers"] },
  { q: "movie", ph: "en_plural", rel: ["en_movies", "en_movie"] },
  { q: "movies", ph: "en_plural", rel: ["en_movies", "en_movie"] },
  { q: "interviews startup", ph: "en_plural", rel: ["en_interviews", "en_interview"] },
  { q: "analyst salaries", ph: "en_plural", rel: ["en_analysts"] },
  { q: "analysts", ph: "en_plural", rel: ["en_analysts", "en_analyst"] },
  { q: "courses", ph: "en_plural", rel: ["en_courses", "en_course", "pr_applied"] },
  { q: "policy remote work", ph: "en_plural", rel: ["en_policies", "en_policy"] },
  { q: "box donations", ph: "en_plural", rel: ["en_boxes"] },
  { q: "team's success", ph: "en_plural", rel: ["en_team_success"] },
  { q: "teams hackathon", ph: "en_plural", rel: ["en_teams"] },
  { q: "story", ph: "en_plural", rel: ["en_team_success", "en_women"] },
  { q: "buses", ph: "en_plural", rel: ["en_buses", "en_bus"] },
  { q: "glass", ph: "en_plural", rel: ["en_glass", "en_glasses"] },
  { q: "hobby", ph: "en_plural", rel: ["en_hobbies", "en_hobby"] },
  { q: "laptop", ph: "en_plural", rel: ["en_laptop"] },

  // Latin accents.
  { q: "cafe founders", ph: "en_accents", rel: ["ac_cafe"] },
  { q: "resume workshop", ph: "en_accents", rel: ["ac_resume"] },
  { q: "naive pricing", ph: "en_accents", rel: ["ac_naive"] },
  { q: "conference paris", ph: "en_accents", rel: ["ac_conf"] },
  { q: "sao paulo", ph: "en_accents", rel: ["ac_sao"] },
  { q: "Résumé", ph: "en_accents", rel: ["ac_resume"] },

  // Hashtags ↔ the same words in text, both ways; underscores, camelCase and glued tags.
  { q: "#الذكاء_الاصطناعي", ph: "hashtag", rel: AI_AR },
  { q: "الذكاء الاصطناعي", ph: "hashtag", rel: AI_AR },
  { q: "machine learning", ph: "hashtag", rel: ML_EN },
  { q: "#MachineLearning", ph: "hashtag", rel: ML_EN },
  { q: "#رؤية_2030", ph: "hashtag", rel: VISION },
  { q: "#العمل_عن_بعد", ph: "hashtag", rel: REMOTE_AR },
  { q: "data science", ph: "hashtag", rel: ["ht_ds", "ht_ds_text"] },
  { q: "#DataScience", ph: "hashtag", rel: ["ht_ds", "ht_ds_text"] },
  { q: "يوم التأسيس", ph: "hashtag", rel: ["ht_foundation", "ht_foundation_text"] },
  { q: "#يوم_التاسيس", ph: "hashtag", rel: ["ht_foundation", "ht_foundation_text"] },
  { q: "remote work", ph: "hashtag", rel: REMOTE_EN },
  { q: "#الصحه_النفسيه", ph: "hashtag", rel: ["ht_mental", "ht_mental_text"] },
  { q: "موسم الرياض", ph: "hashtag", rel: ["ht_season", "ht_season_text"] },
  { q: "#موسم_الرياض", ph: "hashtag", rel: ["ht_season", "ht_season_text"] },
  { q: "startup journey", ph: "hashtag", rel: ["ht_startup", "ht_startup_text"] },
  { q: "الذكاء الاصطناعي التعليم", ph: "hashtag", rel: ["ht_aiglued"] },
  { q: "#ريادة_الاعمال", ph: "hashtag", rel: ["ht_ai", "tm_muhadara"] },

  // Several words.
  { q: "مهندس مدني نيوم", ph: "multiword", rel: ["mw_civil"] },
  { q: "مهندس كهرباء", ph: "multiword", rel: ["mw_elec"], not: ["mw_civil"] },
  { q: "نيوم", ph: "multiword", rel: ["mw_civil", "mw_neom"] },
  { q: "product manager riyadh", ph: "multiword", rel: ["mw_pm"] },
  { q: "product design jeddah", ph: "multiword", rel: ["mw_design"] },
  { q: "مهندس ارامكو", ph: "multiword", rel: ["mw_muhandisan"] },
  { q: "وظائف علم البيانات الرياض", ph: "multiword", rel: ["mw_data_riyadh"] },
  { q: "مهندس الرياض", ph: "multiword", rel: ["mw_elec"] },
  { q: "فرصة في الرياض مهندس", ph: "multiword", rel: ["mw_elec"] },

  // One edit away (substitution, deletion, insertion or transposition).
  { q: "مهندص مدني", ph: "misspelled", rel: ["mw_civil"] },
  { q: "الزكاء الاصطناعي", ph: "misspelled", rel: AI_AR },
  { q: "جامعة الملك سعوود", ph: "misspelled", rel: ["tm_jamia"] },
  { q: "mangement certification", ph: "misspelled", rel: ["en_mgmt"] },
  { q: "enginer", ph: "misspelled", rel: ENGINEER_EN },
  { q: "machne learning", ph: "misspelled", rel: ML_EN },
  { q: "recruitmnet", ph: "misspelled", rel: ["en_recruit"] },
  { q: "cybersecurty", ph: "misspelled", rel: ["en_cyber"] },
  { q: "تكنلوجيا المالية", ph: "misspelled", rel: ["ms_fintech"] },
  { q: "الاستثمر الحقيقي", ph: "misspelled", rel: ["cl_education"] },
  { q: "برمجيت", ph: "misspelled", rel: ["tm_jamia", "ts_muhandisa"] },
  { q: "مسشتفى الملك فيصل", ph: "misspelled", rel: ["am_mustashfa"] },
  { q: "محاسب قانوي", ph: "misspelled", rel: ["ts_muhasib"] },
  { q: "الانتجية", ph: "misspelled", rel: ["hz_biaa", "f_ar50"] },
  { q: "linkedn", ph: "misspelled", rel: ["en_linkedin"] },
  { q: "salry", ph: "misspelled", rel: ["pr_career", "en_analysts", "f_en14"] },
  { q: "sofware engineer", ph: "misspelled", rel: ["en_software"] },
  { q: "internhsip", ph: "misspelled", rel: ["mw_design"] },
  { q: "مصمم جرافك", ph: "misspelled", rel: ["ts_musammim"] },
  { q: "الامن السيبرني", ph: "misspelled", rel: CYBER_AR },
  { q: "hackthon", ph: "misspelled", rel: ["en_teams"] },
  { q: "الهكاثون", ph: "misspelled", rel: ["al_akhir"] },
  { q: "exprience", ph: "misspelled", rel: ["en_engineer", "f_en03"] },

  // Dialect spellings (Gulf گ چ, Egyptian and Levantine ث→ت, ذ→د, ئ→ي, ض/ظ).
  { q: "قهوة", ph: "dialect", rel: COFFEE },
  { q: "الذهب", ph: "dialect", rel: ["dl_dahab", "dl_dhahab"] },
  { q: "دهب", ph: "dialect", rel: ["dl_dahab", "dl_dhahab"] },
  { q: "كثير فرص", ph: "dialect", rel: ["dl_ktir", "dl_kathir"] },
  { q: "ثلاث وظائف", ph: "dialect", rel: ["dl_talata", "dl_thalath"] },
  { q: "شاي", ph: "dialect", rel: ["dl_chai", "dl_shai"] },
  { q: "وظايف", ph: "dialect", rel: JOBS_PL },
  { q: "ضابط", ph: "dialect", rel: ["dl_zabit", "dl_dabit"] },
  { q: "ظابط الامن", ph: "dialect", rel: ["dl_zabit"] },
  { q: "شو رايكم", ph: "dialect", rel: ["dl_shoo"] },
  { q: "سيرة ذاتية", ph: "dialect", rel: ["hz_ashab", "dl_izzay", "f_ar37"] },

  // Arabizi: Arabic typed in Latin letters and digits.
  { q: "mohandes madani", ph: "arabizi", rel: ["mw_civil"] },
  { q: "mohandes kahraba", ph: "arabizi", rel: ["mw_elec"] },
  { q: "shukran", ph: "arabizi", rel: THANKS },
  { q: "mabrook", ph: "arabizi", rel: ["tw_mabrook", "az_mabrook"] },
  { q: "yalla", ph: "arabizi", rel: ["az_yalla"] },
  { q: "ramadan kareem", ph: "arabizi", rel: ["az_ramadan"] },
  { q: "marhaba", ph: "arabizi", rel: ["az_marhaba"] },
  { q: "sabah el kheir", ph: "arabizi", rel: ["az_sabah", "tw_jeddah"] },
  { q: "jami3a", ph: "arabizi", rel: ["tm_jamia", "tm_muhadara"] },

  // English words inside Arabic posts, and the same name in both scripts.
  { q: "iphone", ph: "mixed", rel: ["mx_iphone"] },
  { q: "ايفون", ph: "mixed", rel: ["mx_iphone"] },
  { q: "python", ph: "mixed", rel: ["mx_python", "mx_python_ar", "pr_use", "f_ar11"] },
  { q: "بايثون", ph: "mixed", rel: ["mx_python", "mx_python_ar", "pr_use", "f_ar11"] },
  { q: "excel", ph: "mixed", rel: ["mx_excel", "mx_excel_ar"], not: ["en_course"] },
  { q: "UX design دبي", ph: "mixed", rel: ["mx_ux"] },
  { q: "الرياض meeting", ph: "mixed", rel: ["mx_meeting"] },
  { q: "linkedin", ph: "mixed", rel: ["en_linkedin", "mx_linkedin"] },
  { q: "google", ph: "mixed", rel: ["mx_google", "mx_google2"] },
  { q: "جوجل", ph: "mixed", rel: ["mx_google", "mx_google2"] },
  { q: "zoom", ph: "mixed", rel: ["mx_zoom", "hz_asila"] },
  { q: "Jeddah office", ph: "mixed", rel: ["mx_jeddah"] },
  { q: "chatgpt التقارير", ph: "mixed", rel: ["f_mx05"] },
];
