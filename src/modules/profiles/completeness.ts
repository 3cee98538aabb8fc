/**
 * Profile completeness shown to the owner: a score 0-100 and the fields still missing, heaviest first.
 * The weights favour what makes a member findable and trusted (photo, headline, current work, skills).
 */
export const COMPLETENESS_WEIGHTS = {
  avatarUrl: 15,
  headline: 15,
  experience: 20,
  skills: 15, // at least MIN_SKILLS
  about: 10,
  education: 10,
  location: 5,
  bannerUrl: 5,
  languages: 5,
} as const;
export const MIN_SKILLS = 3;

export interface CompletenessInput {
  avatarUrl: string | null;
  bannerUrl: string | null;
  headline: string | null;
  about: string | null;
  location: string | null;
  experience: unknown[];
  education: unknown[];
  skills: unknown[];
  languages: unknown[];
}

export function completeness(p: CompletenessInput): { score: number; missing: string[] } {
  const present: Record<keyof typeof COMPLETENESS_WEIGHTS, boolean> = {
    avatarUrl: !!p.avatarUrl,
    headline: !!p.headline,
    experience: p.experience.length > 0,
    skills: p.skills.length >= MIN_SKILLS,
    about: !!p.about,
    education: p.education.length > 0,
    location: !!p.location,
    bannerUrl: !!p.bannerUrl,
    languages: p.languages.length > 0,
  };
  let score = 0;
  const missing: string[] = [];
  for (const [field, weight] of Object.entries(COMPLETENESS_WEIGHTS) as [keyof typeof present, number][]) {
    if (present[field]) score += weight;
    else missing.push(field);
  }
  return { score, missing };
}
