import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv, Bindings } from "../../platform/env";
import { AppError } from "../../platform/errors";
// Registers the identity error codes this file throws.
import "./errors";

/**
 * Entitlements: what a member's plan lets them do. `entitled(member, feature)` is the one check every
 * gated route uses; a feature nobody gates yet is open to everyone. A source of plans (the premium module)
 * registers itself with `provideEntitlements`; without one every member has the free features only.
 */
export interface EntitlementSource {
  /** The features the member's current plan grants beyond the free ones. */
  featuresOf(env: Bindings, memberId: string, now: number): Promise<ReadonlySet<string>>;
  /** The plans that would grant `feature`, for the refusal's details. */
  plansGranting(feature: string): string[];
}

const gated = new Set<string>();
let source: EntitlementSource | undefined;

/** Declares features that need a plan (a module gating one of its routes calls this when it loads). */
export function gateFeatures(...features: string[]): void {
  for (const f of features) gated.add(f);
}

export function provideEntitlements(provider: EntitlementSource): void {
  source = provider;
}

export async function entitled(
  env: Bindings,
  memberId: string,
  feature: string,
  now: number,
): Promise<boolean> {
  if (!gated.has(feature)) return true;
  if (!source) return false;
  return (await source.featuresOf(env, memberId, now)).has(feature);
}

/** Route middleware: 403 PREMIUM_REQUIRED, naming the plans that grant the feature, unless entitled. */
export function requireEntitlement(feature: string): MiddlewareHandler<AppEnv> {
  return async (c: Context<AppEnv>, next) => {
    const user = c.var.user;
    if (!user) throw new AppError("UNAUTHENTICATED");
    if (!(await entitled(c.env, user.id, feature, c.var.clock.now()))) {
      const plans = source?.plansGranting(feature) ?? [];
      throw new AppError("PREMIUM_REQUIRED", [
        { path: "feature", message: `${feature}: ${plans.join(", ")}` },
      ]);
    }
    await next();
  };
}
