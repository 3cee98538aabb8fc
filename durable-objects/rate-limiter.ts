/** The RateLimiter Durable Object class (one per subject); its code lives in the platform layer. */
export { RateLimiter } from "../src/platform/rate-limiter";
