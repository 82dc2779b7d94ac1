import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type FrontMatterData, frontMatter, frontMatterData, isPlainSafe, toYamlBlock } from "./front-matter";
import { generatePostmortem } from "./generate";
import { scriptedIncident } from "./test-support";

/** Reads a block back with the `yaml` package, as YAML 1.2 (core schema) or 1.1 (dates as ISO strings). */
function read(block: string, version: "1.1" | "1.2"): unknown {
  return parse(block, (_key, value) => (value instanceof Date ? value.toISOString() : value), { version });
}

const TRICKY = [
  "",
  " ",
  "yes",
  "No",
  "ON",
  "y",
  "null",
  "Null",
  "~",
  "true",
  "False",
  "123",
  "-1",
  "1e5",
  "1E5",
  "0x1F",
  "0o17",
  "0b101",
  "017",
  "1_000",
  "1:20",
  "1.5",
  ".5",
  ".inf",
  "-.inf",
  ".nan",
  "NaN",
  "Infinity",
  "-a",
  "- a",
  "-",
  "---",
  "...",
  "--- x",
  "a: b",
  "a:",
  "a:b",
  "a #b",
  "#x",
  "a# b",
  ": ",
  "?",
  "? a",
  "2026-01-01",
  "2026-01-01T00:00:00.000Z",
  "2026-01-01 00:00:00",
  "01ARZ3NDEKTSV4RRFFQ69G5FAV",
  "0123456789E0123456789",
  "\u2028",
  "a\u2029b",
  "\u0085",
  "\ufeffBOM",
  "\u007f",
  "\u0000",
  "\ud800",
  "'quoted'",
  "it's",
  '"dq"',
  "[a, b]",
  "{a: b}",
  "&anchor",
  "*alias",
  "!tag",
  "|",
  ">",
  "%YAML",
  "@at",
  "`tick`",
  "a\tb",
  " lead",
  "trail ",
  "a  b",
  "line\nbreak",
  "\r\n",
  "a, b",
  "Checkout (EU), 5xx",
  "Europe/Paris",
  "https://firebreak.dev/schemas/postmortem.v1.json",
  "<<",
  "=",
];

const str = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.stringMatching(/^[A-Za-z0-9 ._/@+:,()'#-]{1,14}$/),
);
const scalar = fc.oneof(
  str,
  fc.double(),
  fc.integer(),
  fc.constantFrom(null, true, false, 0, -0, 1e21, 5e-324, Number.MAX_SAFE_INTEGER),
);
const key = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,12}$/)
  .filter((k) => !/^(y|n|yes|no|on|off|true|false|null)$/.test(k) && !/^e[0-9_e]*$/.test(k));
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 4 }),
  fc.dictionary(key, scalar, { maxKeys: 4, noNullPrototype: true }),
);
const data = fc.dictionary(key, value, { maxKeys: 8, noNullPrototype: true });

describe("toYamlBlock", () => {
  it("reads back as the same data in YAML 1.2 and 1.1, for any strings, numbers and shapes", () => {
    fc.assert(
      fc.property(data, (d) => {
        const block = toYamlBlock(d);
        expect(read(block, "1.2")).toEqual(Object.keys(d).length === 0 ? null : d);
        expect(read(block, "1.1")).toEqual(Object.keys(d).length === 0 ? null : d);
        // Only characters YAML allows raw in a stream (c-printable), whatever the strings held.
        expect(block).not.toMatch(/[^\t\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u);
        // One line per key, list item and nested key: no string ever spans lines.
        const lines = Object.values(d).reduce<number>(
          (n, v) =>
            n +
            1 +
            (Array.isArray(v) ? v.length : v !== null && typeof v === "object" ? Object.keys(v).length : 0),
          0,
        );
        expect(block.split("\n")).toHaveLength(lines + 1);
      }),
      { numRuns: 500 },
    );
  });

  it("reads back every tricky string as itself, plain only when safe", () => {
    for (const s of TRICKY) {
      const block = toYamlBlock({ title: s, services: [s], nested: { a: s } });
      expect(read(block, "1.2"), JSON.stringify(s)).toEqual({ title: s, services: [s], nested: { a: s } });
      expect(read(block, "1.1"), JSON.stringify(s)).toEqual({ title: s, services: [s], nested: { a: s } });
    }
    expect(toYamlBlock({ a: "Checkout 5xx above threshold" })).toBe("a: Checkout 5xx above threshold\n");
    expect(toYamlBlock({ a: "yes" })).toBe('a: "yes"\n');
    expect(toYamlBlock({ a: "x\u2028y" })).toBe('a: "x\\u2028y"\n');
    expect(isPlainSafe("01JQ7PM0000000000000000000")).toBe(true);
    expect(isPlainSafe("0123456789E0123456789")).toBe(false);
  });

  it("writes lists and nested objects as blocks, empty ones inline", () => {
    expect(toYamlBlock({ a: [], b: {}, c: ["x", 1, null], d: { g: 1.5, h: null } })).toBe(
      "a: []\nb: {}\nc:\n  - x\n  - 1\n  - null\nd:\n  g: 1.5\n  h: null\n",
    );
  });

  it("refuses keys that are not identifiers", () => {
    expect(() => toYamlBlock({ "a b": 1 })).toThrow(/key "a b"/);
    expect(() => toYamlBlock({ yes: 1 })).toThrow(/key "yes"/);
    expect(() => toYamlBlock({ e5: 1 })).toThrow(/key "e5"/);
    expect(() => toYamlBlock({ _a: 1 })).toThrow(/key "_a"/);
    expect(() => toYamlBlock({ a: { "x:": 1 } } as FrontMatterData)).toThrow(/key "x:"/);
  });
});

describe("frontMatter of a draft", () => {
  const { incident, timeline } = scriptedIncident();
  const NOW = new Date("2026-03-02T12:00:00.000Z");

  it("writes what the yaml package wrote for an ordinary draft, byte for byte", () => {
    const { metadata, markdown } = generatePostmortem({
      incident,
      timeline,
      timezone: "Europe/Paris",
      now: NOW,
    });
    const block = frontMatter(metadata);
    expect(block).toBe(
      `---\n${stringify(frontMatterData(metadata), { lineWidth: 0, blockQuote: false, doubleQuotedAsJSON: true })}---`,
    );
    expect(markdown.startsWith(`${block}\n`)).toBe(true);
  });

  it("reads back as the draft's summary for any title, services and time zone", () => {
    fc.assert(
      fc.property(
        str,
        fc.array(
          str.filter((s) => s !== ""),
          { maxLength: 3 },
        ),
        fc.constantFrom("UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5"),
        (title, services, timezone) => {
          const { metadata, markdown } = generatePostmortem({
            incident: { ...incident, title, services },
            timeline,
            timezone,
            now: NOW,
          });
          const end = markdown.indexOf("\n---\n", 4);
          const parsed = parse(markdown.slice(4, end + 1));
          expect(parsed).toEqual(frontMatterData(metadata));
          expect(parsed.title).toBe(title);
          expect(parsed.services).toEqual([...new Set(services)]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
