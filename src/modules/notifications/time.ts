import { MINUTE } from "../../platform/clock";

/**
 * Local time in a member's IANA time zone, with Intl.DateTimeFormat (the runtime's tz database, DST
 * included). Formatters are cached: building one is far costlier than using it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  hour: number;
  minute: number;
  /** Minutes after local midnight. */
  minutes: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function localTime(now: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(now))) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour,
    minute,
    minutes: hour * 60 + minute,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ""),
  };
}

export interface QuietHours {
  /** Minutes after local midnight; `start` > `end` spans midnight (e.g. 22:00–07:00). */
  start: number;
  end: number;
}

/**
 * How long push and email must wait because of quiet hours: 0 outside them, else the time until they
 * end. Time-zone offsets are whole minutes, so the local seconds equal the UTC seconds. A DST change
 * inside the quiet period can make this an hour off; the delivery checks again when it runs.
 */
export function quietDelayMs(now: number, quiet: QuietHours | null, timeZone: string): number {
  if (!quiet || quiet.start === quiet.end) return 0;
  const { minutes } = localTime(now, timeZone);
  const inside =
    quiet.start < quiet.end
      ? minutes >= quiet.start && minutes < quiet.end
      : minutes >= quiet.start || minutes < quiet.end;
  if (!inside) return 0;
  const left = (quiet.end - minutes + 24 * 60) % (24 * 60);
  return Math.max(1000, left * MINUTE - (now % MINUTE));
}

export function formatHhMm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export function parseHhMm(value: string): number {
  const [h, m] = value.split(":").map(Number);
  return h! * 60 + m!;
}
