import { ValidationError } from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import { parseSince } from "./since";

const NOW = new Date("2026-03-14T09:42:13.274Z");
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe("parseSince", () => {
  it.each([
    ["30d", ago(30 * 86_400_000)],
    ["12h", ago(12 * 3_600_000)],
    ["2w", ago(14 * 86_400_000)],
    [" 7D ", ago(7 * 86_400_000)],
    ["1h", ago(3_600_000)],
    ["2026-03-01", "2026-03-01T00:00:00.000Z"],
    ["2026-03-01T08:00:00Z", "2026-03-01T08:00:00.000Z"],
    ["2026-03-01T08:00:00.5Z", "2026-03-01T08:00:00.500Z"],
    ["2026-03-01T09:30:00+01:00", "2026-03-01T08:30:00.000Z"],
    ["2026-03-01T08:00", "2026-03-01T08:00:00.000Z"],
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
    ["2026-03-14T09:42:13.274Z", NOW.toISOString()],
  ])("%s → %s", (text, expected) => {
    expect(parseSince(text, NOW).toISOString()).toBe(expected);
  });

  it.each([
    ["", "expected a duration"],
    ["30", "expected a duration"],
    ["d30", "expected a duration"],
    ["-5d", "expected a duration"],
    ["yesterday", "expected a duration"],
    ["30y", 'unknown unit "y"'],
    ["30m", 'unknown unit "m"'],
    ["0d", "must be positive"],
    ["2026-02-30", "not a calendar date"],
    ["2025-02-29", "not a calendar date"],
    ["2026-13-01", "not a calendar date"],
    ["2026-03-01T25:00Z", "out of range"],
    ["2099-01-01", "in the future"],
    ["03/01/2026", "expected a duration"],
  ])("rejects %j with a clear ValidationError (%s)", (text, message) => {
    try {
      parseSince(text, NOW);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const e = error as ValidationError;
      expect(e.code).toBe("validation_failed");
      expect(e.message).toContain(message);
      expect(e.issues).toEqual([{ path: "since", message: expect.stringContaining(message) }]);
    }
  });

  it("defaults now to the current time", () => {
    const before = Date.now();
    const since = parseSince("1h").getTime();
    expect(since).toBeGreaterThanOrEqual(before - 3_600_000);
    expect(since).toBeLessThanOrEqual(Date.now() - 3_600_000);
  });
});
