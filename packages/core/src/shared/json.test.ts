import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonBoundsError, jsonBoundsProblem, MAX_JSON_DEPTH, parseBoundedJson } from "./json";

const nested = (depth: number, inner = "1") => `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;

describe("parseBoundedJson", () => {
  it("parses JSON within the bounds", () => {
    expect(parseBoundedJson('{"a":[1,{"b":"}]\\"{["}],"c":null}')).toEqual({
      a: [1, { b: '}]"{[' }],
      c: null,
    });
    expect(parseBoundedJson(nested(MAX_JSON_DEPTH))).toBeDefined();
  });

  it("refuses nesting deeper than the bound before parsing", () => {
    const error = (() => {
      try {
        parseBoundedJson(nested(MAX_JSON_DEPTH + 1));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(JsonBoundsError);
    expect(error).toMatchObject({ reason: "too_deep" });
    // Brackets inside strings are text, not nesting.
    expect(jsonBoundsProblem(JSON.stringify({ text: "[".repeat(1000) }))).toBeUndefined();
    // A million levels: refused at once, no stack overflow.
    expect(jsonBoundsProblem(nested(1_000_000))?.reason).toBe("too_deep");
  });

  it("refuses a key carried twice, escaped or not, at any depth, when asked", () => {
    const twice = '{"team":{"id":"T0EVIL"},"team":{"id":"T08FBRK9Q2L"}}';
    expect(jsonBoundsProblem(twice)).toBeUndefined();
    expect(jsonBoundsProblem(twice, { uniqueKeys: true })).toMatchObject({
      reason: "duplicate_key",
      message: 'the JSON carries the key "team" twice',
    });
    expect(jsonBoundsProblem('{"a":{"team_id":1,"team\\u005fid":2}}', { uniqueKeys: true })?.reason).toBe(
      "duplicate_key",
    );
    // The same key in two different objects, and values equal to keys, are fine.
    expect(jsonBoundsProblem('{"a":{"id":"id"},"b":{"id":"a"},"c":["a","a"]}', { uniqueKeys: true })).toBe(
      undefined,
    );
  });

  it("reports malformed JSON as a syntax problem", () => {
    expect(() => parseBoundedJson("{")).toThrow(JsonBoundsError);
    expect(() => parseBoundedJson("")).toThrow(expect.objectContaining({ reason: "syntax" }));
  });

  it("never throws anything but JsonBoundsError, and agrees with JSON.parse within the bounds", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.json({ depthSize: "medium" })), (text) => {
        let expected: unknown;
        let valid = true;
        try {
          expected = JSON.parse(text);
        } catch {
          valid = false;
        }
        try {
          const parsed = parseBoundedJson(text, { uniqueKeys: true });
          expect(valid).toBe(true);
          expect(parsed).toEqual(expected);
        } catch (error) {
          expect(error).toBeInstanceOf(JsonBoundsError);
        }
      }),
    );
  });
});
