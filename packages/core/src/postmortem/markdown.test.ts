import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cell,
  code,
  formatDuration,
  inline,
  isTimeZone,
  oneLine,
  paragraph,
  timeFormatter,
} from "./markdown";

describe("Markdown neutralisation", () => {
  it.each([
    ["a\nb\r\nc\u2028d", "a b c d"],
    ["  tabs\tand\u0007bell  ", "tabs andbell"],
  ])("oneLine(%j) = %j", (input, expected) => {
    expect(oneLine(input)).toBe(expected);
  });

  it.each([
    ["# heading", "\\# heading"],
    ["> quote", "\\> quote"],
    ["- item", "\\- item"],
    ["+ item", "\\+ item"],
    ["* item", "\\* item"],
    ["1. item", "1\\. item"],
    ["12) item", "12\\) item"],
    ["```js", "\\```js"],
    ["~~~", "\\~~~"],
    ["---", "\\---"],
    ["===", "\\==="],
    ["| a | b |", "\\| a | b |"],
    ["<b>bold</b> <!-- c -->", "\\<b>bold\\</b> \\<!-- c -->"],
    ["title #", "title \\#"],
    ["plain text", "plain text"],
    ["5xx rate 12%", "5xx rate 12%"],
  ])("inline(%j) = %j", (input, expected) => {
    expect(inline(input)).toBe(expected);
  });

  it("escapes every pipe in a table cell, swallowing backslashes that would unescape it", () => {
    expect(cell("a|b\\|c")).toBe("a\\|b\\|c");
    expect(cell("| lead")).toBe("\\| lead");
  });

  it("keeps paragraphs' line breaks but neutralises each line", () => {
    expect(paragraph("first\n# second\n\n\n- third\n")).toBe("first\n\\# second\n\n\\- third");
  });

  it.each([
    ["plain", "`plain`"],
    ["has `one` tick", "``has `one` tick``"],
    ["``double``", "``` ``double`` ```"],
    ["a|b", "`a|b`"],
    ["", ""],
  ])("code(%j) = %j", (input, expected) => {
    expect(code(input)).toBe(expected);
  });

  it("code spans in tables escape pipes", () => {
    expect(code("a|b", true)).toBe("`a\\|b`");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [0.4, "0s"],
    [45, "45s"],
    [120, "2m"],
    [3725, "1h 2m 5s"],
    [90_061, "1d 1h 1m 1s"],
    [-90, "-1m 30s"],
  ])("%d s → %s", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe("timeFormatter", () => {
  const ZONES = [
    "Europe/Paris",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "UTC",
  ];

  it("formats UTC and the team's zone", () => {
    const t = timeFormatter("Europe/Paris");
    expect(t.isUtc).toBe(false);
    expect(t.utc("2026-03-14T09:42:13.274Z")).toBe("2026-03-14 09:42:13 UTC");
    expect(t.local("2026-03-14T09:42:13.274Z")).toBe("2026-03-14 10:42:13 GMT+1");
    expect(t.both("2026-03-14T09:42:13.274Z")).toBe("2026-03-14 09:42:13 UTC (10:42:13 GMT+1)");
    expect(t.both("2026-03-14T23:30:00.000Z")).toBe("2026-03-14 23:30:00 UTC (2026-03-15 00:30:00 GMT+1)");
    expect(timeFormatter("UTC").both("2026-03-14T09:42:13.274Z")).toBe("2026-03-14 09:42:13 UTC");
  });

  it("follows daylight saving changes", () => {
    const t = timeFormatter("Europe/Paris");
    // 2026-03-29 01:00 UTC: CET → CEST.
    expect(t.local("2026-03-29T00:59:59.000Z")).toBe("2026-03-29 01:59:59 GMT+1");
    expect(t.local("2026-03-29T01:00:00.000Z")).toBe("2026-03-29 03:00:00 GMT+2");
  });

  it("agrees with Intl for any instant (the per-15-minute offset cache is exact)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.parse("1990-01-01T00:00:00Z"), max: Date.parse("2040-01-01T00:00:00Z") }),
        (zone, ms) => {
          const iso = new Date(ms).toISOString();
          const p: Record<string, string> = {};
          const f = new Intl.DateTimeFormat("en-GB", {
            timeZone: zone,
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
            hour: "2-digit",
            minute: "2-digit",
            second: "2-digit",
            hourCycle: "h23",
            timeZoneName: "shortOffset",
          });
          for (const part of f.formatToParts(new Date(ms))) p[part.type] = part.value;
          expect(timeFormatter(zone).local(iso)).toBe(
            `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`,
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("knows IANA zones", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
