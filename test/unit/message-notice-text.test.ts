import { describe, expect, it } from "vitest";
import { newMessagesPhrase, newMessagesText } from "../../src/modules/conversations/notifications";

describe("the coalesced new-messages notice", () => {
  it("says the count in English, singular for one", () => {
    expect(newMessagesPhrase(1, "en")).toBe("1 new message");
    expect(newMessagesPhrase(2, "en")).toBe("2 new messages");
    expect(newMessagesText(12, "en", "Sara and 4 others")).toBe("Sara and 4 others: 12 new messages");
  });

  it("uses the Arabic form the number asks for: one, dual, 3–10 plural, 11–99 singular, then by the last two digits", () => {
    const cases: [number, string][] = [
      [1, "رسالة جديدة"],
      [2, "رسالتان جديدتان"],
      [3, "3 رسائل جديدة"],
      [10, "10 رسائل جديدة"],
      [11, "11 رسالة جديدة"],
      [12, "12 رسالة جديدة"],
      [99, "99 رسالة جديدة"],
      [100, "100 رسالة جديدة"],
      [101, "101 رسالة جديدة"],
      [102, "102 رسالة جديدة"],
      [103, "103 رسائل جديدة"],
      [110, "110 رسائل جديدة"],
      [111, "111 رسالة جديدة"],
      [1000, "1000 رسالة جديدة"],
    ];
    for (const [n, text] of cases) expect([n, newMessagesPhrase(n, "ar")]).toEqual([n, text]);
    expect(newMessagesText(12, "ar", "سارة و4 أشخاص آخرين")).toBe("سارة و4 أشخاص آخرين: 12 رسالة جديدة");
  });

  it("never says zero or a fraction", () => {
    expect(newMessagesPhrase(0, "en")).toBe("1 new message");
    expect(newMessagesPhrase(2.7, "ar")).toBe("رسالتان جديدتان");
  });
});
