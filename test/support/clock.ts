import { advanceClockForTests, systemClock } from "../../src/platform/clock";

/**
 * Moves the test clock to one second after the start of a rate-limit window. Limits count in fixed
 * windows aligned to the epoch (src/platform/rate-limiter.ts), so a burst meant to reach a limit
 * could otherwise straddle two windows and never be refused. Call it right before the burst.
 */
export function startOfFreshWindow(windowMs: number): void {
  advanceClockForTests(windowMs - (systemClock.now() % windowMs) + 1000);
}
