import { describe, expect, it } from "vitest";
import { ID_PATTERN, idFloorAt, newId, timeOfId } from "../../src/platform/ids";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** The 80 bits after the time as a bigint. */
const tailOf = (id: string) =>
  [...id.slice(10)].reduce((n, ch) => n * 32n + BigInt(ALPHABET.indexOf(ch)), 0n);
/** The last 13 characters (65 bits): what must be fresh randomness in every id. */
const randomOf = (id: string) =>
  [...id.slice(13)].reduce((n, ch) => n * 32n + BigInt(ALPHABET.indexOf(ch)), 0n);
const popcount = (n: bigint) => n.toString(2).replace(/0/g, "").length;

describe("newId: time-sortable and unguessable", () => {
  it("gives ids of one millisecond no predictable relation to each other, and keeps them in order", () => {
    const ms = Date.UTC(2031, 0, 1);
    const ids = Array.from({ length: 500 }, () => newId(ms));
    for (const id of ids) {
      expect(id).toMatch(ID_PATTERN);
      expect(timeOfId(id)).toBe(ms);
    }
    // Strictly increasing within the isolate, so cursors by id still follow creation order.
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);

    for (let i = 1; i < ids.length; i++) {
      const [a, b] = [ids[i - 1]!, ids[i]!];
      // Not "the previous one plus a little": the next id cannot be derived from the one before.
      const step = tailOf(b) - tailOf(a);
      expect(step > 2n ** 32n, `${a} → ${b}`).toBe(true);
      // The random part is fresh: on average half of its 65 bits differ from the previous id's.
      expect(popcount(randomOf(a) ^ randomOf(b))).toBeGreaterThan(8);
    }
    const meanDistance =
      ids.slice(1).reduce((sum, id, i) => sum + popcount(randomOf(ids[i]!) ^ randomOf(id)), 0) /
      (ids.length - 1);
    expect(meanDistance).toBeGreaterThan(28);
    expect(meanDistance).toBeLessThan(37);
  });

  it("sorts ids of later milliseconds after earlier ones and above idFloorAt", () => {
    const t = Date.UTC(2032, 5, 1);
    const a = newId(t);
    const b = newId(t + 1);
    expect(a < b).toBe(true);
    expect(idFloorAt(t + 1) <= b).toBe(true);
    expect(idFloorAt(t + 1) > a).toBe(true);
  });

  it("moves on to the next millisecond when one millisecond's sequence runs out", () => {
    const ms = Date.UTC(2032, 8, 1);
    const ids = Array.from({ length: 40_000 }, () => newId(ms));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(timeOfId(ids[0]!)).toBe(ms);
    expect(timeOfId(ids[ids.length - 1]!)).toBeGreaterThan(ms);
    expect(timeOfId(ids[ids.length - 1]!)).toBeLessThanOrEqual(ms + 3);
  });

  it("stays monotonic when the clock goes back", () => {
    const t = Date.UTC(2033, 0, 1);
    const a = newId(t);
    const b = newId(t - 5_000);
    expect(b > a).toBe(true);
    expect(timeOfId(b)).toBe(t);
  });
});
