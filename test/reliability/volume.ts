import { inject } from "vitest";

/**
 * How much the reliability tests do. `npm run test:reliability` (CI) provides nothing and gets the short
 * runs; vitest.soak.config.ts provides the long ones (`npm run test:soak`, `npm run test:faults`), read
 * from SOAK_* / FAULT_* environment variables there. Volume only: the oracles are the same in both.
 */
export interface Volume {
  /** Fuzzed requests to send in all, spread evenly over the operations; 0: one round per operation. */
  fuzzRequests: number;
  /** Operations fuzzed at once. */
  fuzzConcurrency: number;
  /** Real-time fault run: members of the group (each sends and has devices), messages, restarts. */
  faultMembers: number;
  faultMessages: number;
  faultRestarts: number;
  /** Mean pause (ms) between random disconnects of one receiving device. */
  faultBounceMs: number;
  /**
   * Restart while sends are in flight, the objects one after another (by default sending pauses for a
   * restart): the mode that found the lost-frames gap (realtime-faults.test.ts). With 10 members it made
   * workerd 1.20260426 crash; 6 members run.
   */
  faultRestartUnderLoad: boolean;
}

declare module "vitest" {
  export interface ProvidedContext {
    volume: Volume;
  }
}

export const SHORT: Volume = {
  fuzzRequests: 0,
  fuzzConcurrency: 4,
  faultMembers: 0,
  faultMessages: 0,
  faultRestarts: 1,
  faultBounceMs: 0,
  faultRestartUnderLoad: false,
};

export function volume(): Volume {
  let provided: Partial<Volume> | undefined;
  try {
    provided = inject("volume");
  } catch {
    provided = undefined;
  }
  return { ...SHORT, ...provided };
}
