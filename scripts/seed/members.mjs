// Members: users, profiles, preferences, experience, education and skills.
import * as V from "./data.mjs";

export const DEMO_PASSWORD = "majlis-demo-2026";

export const DEMO_MEMBERS = [
  {
    username: "sara",
    displayName: "سارة العتيبي",
    locale: "ar",
    headline: "مهندسة برمجيات في stc | الحوسبة السحابية",
    city: "الرياض",
    company: "stc",
    title: "مهندسة برمجيات",
  },
  {
    username: "omar",
    displayName: "عمر المصري",
    locale: "ar",
    headline: "مدير منتج في Careem",
    city: "دبي",
    company: "Careem",
    title: "مدير منتج",
  },
  {
    username: "layla",
    displayName: "ليلى حداد",
    locale: "ar",
    headline: "عالمة بيانات | الذكاء الاصطناعي للغة العربية",
    city: "عمّان",
    company: "Anghami",
    title: "عالمة بيانات",
  },
  {
    username: "john",
    displayName: "John Carter",
    locale: "en",
    headline: "Cloud Architect at Microsoft",
    city: "London",
    company: "Microsoft",
    title: "Cloud Architect",
  },
  {
    username: "emma",
    displayName: "Emma Wilson",
    locale: "en",
    headline: "UX Designer · Arabic-first products",
    city: "Dubai",
    company: "Noon",
    title: "UX Designer",
  },
  {
    username: "admin",
    displayName: "Majlis Admin",
    locale: "en",
    headline: "Platform team",
    city: "Riyadh",
    company: "Majlis",
    title: "Administrator",
    role: "admin",
  },
];

function keyOf(normalizeKey, s) {
  return normalizeKey ? normalizeKey(s) : s.trim().toLowerCase().replace(/\s+/g, " ");
}

export function generateMember(r, i, suffix) {
  const arabic = r.chance(0.6);
  if (arabic) {
    const female = r.chance(0.5);
    const first = r.pick(female ? V.AR_FIRST_F : V.AR_FIRST_M);
    const last = r.pick(V.AR_LAST);
    return {
      username: `${V.AR_LATIN[first]}_${suffix}${i}`.slice(0, 30),
      displayName: `${first} ${last}`,
      locale: "ar",
      headline: `${r.pick(V.AR_TITLES)} في ${r.pick(V.COMPANIES)}`,
      city: r.pick(V.CITIES),
      company: r.pick(V.COMPANIES),
      title: r.pick(V.AR_TITLES),
    };
  }
  const first = r.pick(V.EN_FIRST);
  return {
    username: `${first.toLowerCase()}_${suffix}${i}`.slice(0, 30),
    displayName: `${first} ${r.pick(V.EN_LAST)}`,
    locale: "en",
    headline: `${r.pick(V.EN_TITLES)} at ${r.pick(V.COMPANIES)}`,
    city: r.pick(V.CITIES),
    company: r.pick(V.COMPANIES),
    title: r.pick(V.EN_TITLES),
  };
}

/** Rows for one member. `verified` members can post; everyone shares one password hash (demo only). */
export function memberRows(r, m, { id, now, passwordHash, idAt, normalizeKey }) {
  const createdAt = now - r.int(30, 700) * 86_400_000;
  const about = m.locale === "ar" ? r.pick(V.AR_ABOUT) : r.pick(V.EN_ABOUT);
  const user = {
    id,
    username: m.username,
    email: `${m.username}@majlis.example`,
    email_verified_at: createdAt + 600_000,
    password_hash: passwordHash,
    display_name: m.displayName,
    locale: m.locale,
    role: m.role ?? "member",
    status: "ACTIVE",
    failed_logins: 0,
    locked_until: null,
    deleted_at: null,
    created_at: createdAt,
    updated_at: createdAt,
  };
  const profile = {
    user_id: id,
    headline: m.headline,
    about,
    location: m.city,
    website: null,
    social_links: [],
    translations: {},
    certifications: [],
    languages:
      m.locale === "ar"
        ? [
            { language: "ar", proficiency: "NATIVE" },
            { language: "en", proficiency: "PROFESSIONAL_WORKING" },
          ]
        : [{ language: "en", proficiency: "NATIVE" }],
    avatar_url: null,
    banner_url: null,
    visibility: m.demo || r.chance(0.9) ? "PUBLIC" : "CONNECTIONS",
    show_activity_status: 1,
    allow_messages: m.demo || r.chance(0.85) ? "EVERYONE" : "CONNECTIONS",
    show_email: 0,
    show_connections: 1,
    follower_count: 0,
    following_count: 0,
    connection_count: 0,
    view_count: 0,
    updated_at: createdAt,
  };
  const preferences = {
    user_id: id,
    theme: "SYSTEM",
    feed_sort: "RELEVANCE",
    locale: m.locale,
    updated_at: createdAt,
  };
  const experiences = [
    {
      id: idAt(createdAt + 1),
      user_id: id,
      title: m.title,
      company: m.company,
      company_key: keyOf(normalizeKey, m.company),
      location: m.city,
      employment_type: "FULL_TIME",
      start_date: `20${r.int(15, 23)}-0${r.int(1, 9)}`,
      end_date: null,
      description: null,
      position: 0,
    },
  ];
  if (r.chance(0.6)) {
    const company = r.pick(V.COMPANIES);
    experiences.push({
      id: idAt(createdAt + 2),
      user_id: id,
      title: m.locale === "ar" ? r.pick(V.AR_TITLES) : r.pick(V.EN_TITLES),
      company,
      company_key: keyOf(normalizeKey, company),
      location: r.pick(V.CITIES),
      employment_type: "FULL_TIME",
      start_date: `20${r.int(8, 14)}-0${r.int(1, 9)}`,
      end_date: `20${r.int(15, 19)}-0${r.int(1, 9)}`,
      description: null,
      position: 1,
    });
  }
  const school = r.pick(V.SCHOOLS);
  const educations = [
    {
      id: idAt(createdAt + 3),
      user_id: id,
      school,
      school_key: keyOf(normalizeKey, school),
      degree: r.pick(V.DEGREES),
      field: r.pick(V.FIELDS),
      start_date: `20${r.int(5, 12)}`,
      end_date: `20${r.int(13, 18)}`,
      description: null,
      position: 0,
    },
  ];
  const skills = r.sample(V.SKILLS, r.int(3, 8)).map((name, position) => ({
    id: idAt(createdAt + 4 + position),
    user_id: id,
    name,
    name_key: keyOf(normalizeKey, name),
    endorsement_count: 0,
    position,
  }));
  return { user, profile, preferences, experiences, educations, skills };
}
