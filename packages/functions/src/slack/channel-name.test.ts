import { describe, expect, it } from "vitest";
import { CHANNEL_NAME_PATTERN, incidentChannelName, MAX_CHANNEL_NAME, slugify } from "./channel-name";

describe("incidentChannelName", () => {
  it.each([
    [7, "Checkout down", "inc-7-checkout-down"],
    [12, "  5xx spike on /api/orders!!  ", "inc-12-5xx-spike-on-api-orders"],
    [3, "Paiement échoué à Zürich", "inc-3-paiement-echoue-a-zurich"],
    [4, "Straße Øresund Łódź", "inc-4-strasse-oresund-lodz"],
    [5, "支付故障", "inc-5"],
    [6, "🔥🔥🔥", "inc-6"],
    [8, "Ｆｕｌｌｗｉｄｔｈ ＡＰＩ", "inc-8-fullwidth-api"],
    [9, "<!channel> <@U123> & friends", "inc-9-channel-u123-friends"],
    [10, "DB__primary -- failover", "inc-10-db-primary-failover"],
  ])("INC-%i %j → %s", (number, title, expected) => {
    const name = incidentChannelName(number, title);
    expect(name).toBe(expected);
    expect(name).toMatch(CHANNEL_NAME_PATTERN);
  });

  it("keeps a 200-character title within 80 characters, without a trailing dash", () => {
    const title = "Payments API returning intermittent 502s for card authorisations in eu-west-1 "
      .repeat(3)
      .slice(0, 200);
    expect(title).toHaveLength(200);
    for (const number of [1, 4242, 999_999_999]) {
      const name = incidentChannelName(number, title);
      expect(name.length).toBeLessThanOrEqual(MAX_CHANNEL_NAME);
      expect(name).toMatch(CHANNEL_NAME_PATTERN);
      expect(name.endsWith("-")).toBe(false);
      expect(name.startsWith(`inc-${number}-payments-api`)).toBe(true);
    }
  });

  it("cuts a 200-character title without word breaks at exactly 80", () => {
    const name = incidentChannelName(1, "x".repeat(200));
    expect(name).toBe(`inc-1-${"x".repeat(74)}`);
    expect(name).toHaveLength(80);
  });

  it("adds -2, -3 … for collisions, still within 80 characters", () => {
    expect(incidentChannelName(7, "Checkout down", 1)).toBe("inc-7-checkout-down-2");
    expect(incidentChannelName(7, "支付故障", 2)).toBe("inc-7-3");
    const long = incidentChannelName(7, "y".repeat(200), 9);
    expect(long).toHaveLength(80);
    expect(long.endsWith("-10")).toBe(true);
    expect(long).toMatch(CHANNEL_NAME_PATTERN);
  });

  it("refuses a bad incident number", () => {
    expect(() => incidentChannelName(0, "x")).toThrow(RangeError);
    expect(() => incidentChannelName(1.5, "x")).toThrow(RangeError);
  });

  it("slugify leaves only lowercase letters, digits and single dashes", () => {
    const slug = slugify("A\u0000B\tC\u200bD—E_F.G");
    expect(slug).toBe("a-b-c-d-e-f-g");
  });
});
