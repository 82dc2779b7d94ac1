import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The stylesheet's colours per theme: each `--name: light-dark(light, dark)` of `:root` gives the
 * light theme its first colour and the dark theme its second (a plain colour is both's).
 */
const css = readFileSync(new URL("./styles.css", import.meta.url), "utf8");
const root = /:root\s*\{([^}]*)\}/.exec(css)![1]!;
const pairs = [
  ...root.matchAll(/--([\w-]+):\s*(?:light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)|(#[0-9a-f]{6}))/gi),
].map((m) => [m[1]!, m[2] ?? m[4]!, m[3] ?? m[4]!] as const);
const blocks = [
  { selector: "light", vars: Object.fromEntries(pairs.map(([name, light]) => [name, light])) },
  { selector: "dark", vars: Object.fromEntries(pairs.map(([name, , dark]) => [name, dark])) },
];

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

describe("form fields are visible (WCAG 1.4.11: non-text contrast ≥ 3:1)", () => {
  const themes = blocks.filter((b) => b.vars.surface && b.vars["control-border"]);
  it("every theme defines the field border", () => {
    expect(themes.map((t) => t.selector)).toEqual(["light", "dark"]);
    // Both themes are chosen by color-scheme: the system's, or the theme button's pin.
    expect(css).toMatch(/:root\s*\{[^}]*color-scheme: light dark;/);
    expect(css).toContain(':root[data-theme="light"] {\n  color-scheme: light;');
    expect(css).toContain(':root[data-theme="dark"] {\n  color-scheme: dark;');
  });
  it.each(themes.map((t) => [t.selector, t.vars] as const))(
    "%s: against the surface and the page",
    (_, vars) => {
      expect(contrast(vars["control-border"]!, vars.surface!)).toBeGreaterThanOrEqual(3);
      expect(contrast(vars["control-border"]!, vars.bg!)).toBeGreaterThanOrEqual(3);
    },
  );
});

describe("the status page's history bars are visible (WCAG 1.4.11)", () => {
  const themes = blocks.filter((b) => b.vars.surface && b.vars["ok-text"] && b.vars.sev3 && b.vars.danger);
  it.each(themes.map((t) => [t.selector, t.vars] as const))(
    "%s: operational, degraded and outage bars against the card",
    (_, vars) => {
      for (const bar of [vars["ok-text"]!, vars.sev3!, vars.danger!])
        expect(contrast(bar, vars.surface!)).toBeGreaterThanOrEqual(3);
    },
  );
  it("is checked in every theme", () => expect(themes.length).toBe(2));
});
