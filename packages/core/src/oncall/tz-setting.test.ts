import { ValidationError } from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import { timezoneFromEnv } from "./tz";

describe("timezoneFromEnv (FIREBREAK_TIMEZONE)", () => {
  it("is undefined when unset or blank (UTC then), the zone when known", () => {
    expect(timezoneFromEnv({})).toBeUndefined();
    expect(timezoneFromEnv({ FIREBREAK_TIMEZONE: "  " })).toBeUndefined();
    expect(timezoneFromEnv({ FIREBREAK_TIMEZONE: " Australia/Sydney " })).toBe("Australia/Sydney");
    expect(timezoneFromEnv({ FIREBREAK_TIMEZONE: "UTC" })).toBe("UTC");
  });

  it("refuses a typo or hostile text, naming the variable", () => {
    for (const bad of ["Europe/Londn", "GMT+25", "../../etc/passwd", "Europe/London\nX"]) {
      let thrown: unknown;
      try {
        timezoneFromEnv({ FIREBREAK_TIMEZONE: bad });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, bad).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).message).toContain("FIREBREAK_TIMEZONE");
      expect((thrown as ValidationError).issues).toEqual([
        {
          path: "FIREBREAK_TIMEZONE",
          message: 'expected an IANA time zone such as "Europe/London" or "UTC"',
        },
      ]);
    }
  });
});
