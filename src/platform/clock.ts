/**
 * The one source of "now" for services, so expiry, lockouts, polls and trends can be tested without
 * sleeping. Production uses the real clock; tests (which share the Worker's isolate) move it.
 */
export interface Clock {
  now(): number;
}

let offsetMs = 0;

export const systemClock: Clock = {
  now: () => Date.now() + offsetMs,
};

/** Test hook: shift every clock reading by `ms`. Never called by production code. */
export function advanceClockForTests(ms: number): void {
  offsetMs += ms;
}

export function resetClockForTests(): void {
  offsetMs = 0;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
