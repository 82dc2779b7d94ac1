import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { multiLineText, singleLineText, wellFormed } from "./text";

describe("text at the edges", () => {
  it("replaces lone surrogates with U+FFFD and keeps pairs", () => {
    expect(wellFormed("db \ud800 down")).toBe("db \ufffd down");
    expect(wellFormed("\udc00x\ud83d")).toBe("\ufffdx\ufffd");
    expect(wellFormed("fire 🔥")).toBe("fire 🔥");
  });

  it("one-line text: line breaks and tabs become spaces, other controls go", () => {
    expect(singleLineText("checkout\r\n5xx\tspike\u0000\u001b[31m\u007f\u2028!")).toBe(
      "checkout 5xx spike[31m !",
    );
  });

  it("multi-line text keeps \\n and tabs, turns \\r\\n into \\n, drops other controls", () => {
    expect(multiLineText("a\r\nb\rc\n\td\u0007\u0000e\u2028f")).toBe("a\nb\nc\n\tde\nf");
  });

  it("always yields well-formed text without stray controls", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const one = singleLineText(text);
        const many = multiLineText(text);
        expect(one.isWellFormed() && many.isWellFormed()).toBe(true);
        const control = (c: string) => {
          const code = c.charCodeAt(0);
          return code < 0x20 || (code >= 0x7f && code <= 0x9f);
        };
        expect([...one].some((c) => control(c) || c === "\u2028" || c === "\u2029")).toBe(false);
        expect([...many].some((c) => control(c) && c !== "\n" && c !== "\t")).toBe(false);
        expect(() => encodeURIComponent(one + many)).not.toThrow();
      }),
    );
  });
});
