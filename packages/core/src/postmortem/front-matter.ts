/**
 * The YAML front matter of a postmortem draft, written without a YAML library: the `yaml` package
 * (~116 KB minified) would otherwise be bundled into the Postmortem function for this one small,
 * fixed-shape block. `yaml` stays the reader in tests (front-matter.test.ts parses what this
 * writes, for arbitrary strings, under YAML 1.2 and 1.1).
 *
 * Block style, one key per line (keys are fixed identifiers). Scalars:
 * - numbers, booleans and null plain (`120`, `0.5`, `1e+21`, `null`; `.nan`, `.inf` if ever given);
 * - a string plain when no YAML reader can take it for anything else (a conservative character set,
 *   not a reserved word or number; see `isPlainSafe`), e.g. `INC-42`, `Checkout 5xx above
 *   threshold`, `Europe/Paris`, `2026-03-01T10:00:00.000Z`, the schema URL; every other string JSON-quoted: a JSON string is a
 *   valid YAML double-quoted scalar, and the few characters YAML forbids raw (DEL, C1 controls,
 *   U+2028/9, BOM, U+FFFE/F) are escaped as `\uXXXX` too;
 * - arrays as block lists (`[]` when empty), objects as nested blocks (`{}` when empty).
 */
import { type Postmortem, postmortemSchemaId } from "./types";

export type FrontMatterScalar = string | number | boolean | null;
export type FrontMatterValue =
  | FrontMatterScalar
  | readonly FrontMatterScalar[]
  | { readonly [key: string]: FrontMatterScalar };
export type FrontMatterData = { readonly [key: string]: FrontMatterValue };

const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9 ._/@+:,()'-]*$/;
/** Letters no YAML 1.1 number, timestamp or boolean can contain after a leading digit. */
const NON_NUMERIC_LETTER = /[G-NP-SU-WYg-np-su-wy]/;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** YAML 1.1 and 1.2 booleans and nulls (any case), which a plain scalar must not spell. */
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/i;
const YAML_FORBIDDEN = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A string that reads back as the same string, plain, in YAML 1.2 and 1.1: ASCII letters, digits,
 * spaces and `. _ / @ + : , ( ) ' -` (no `: `, no trailing space or `:`); starting with a letter (not a reserved word), or with a digit and holding a
 * letter no number or timestamp contains (a ULID), or an ISO timestamp (a string in YAML 1.2, the
 * date itself in 1.1); never ending with `:`.
 */
export function isPlainSafe(s: string): boolean {
  if (ISO_TIMESTAMP.test(s)) return true;
  if (!PLAIN.test(s) || s.endsWith(":") || s.endsWith(" ") || s.includes(": ")) return false;
  // `e5` is a float to the yaml package's YAML 1.1 schema.
  if (/^[A-Za-z]/.test(s)) return !RESERVED.test(s) && !/^[eE][0-9_.eE+-]*$/.test(s);
  return NON_NUMERIC_LETTER.test(s);
}

function scalar(value: FrontMatterScalar): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
    return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  }
  if (typeof value !== "string") throw new TypeError(`front matter: unsupported value ${typeof value}`);
  if (isPlainSafe(value)) return value;
  return JSON.stringify(value).replace(
    YAML_FORBIDDEN,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function key(k: string): string {
  if (!KEY.test(k) || !isPlainSafe(k)) throw new TypeError(`front matter: key "${k}" is not an identifier`);
  return k;
}

/** The YAML block (without the `---` fences): one line per key, each ending with a newline. */
export function toYamlBlock(data: FrontMatterData): string {
  const lines: string[] = [];
  for (const [k, value] of Object.entries(data)) {
    if (Array.isArray(value)) {
      if (value.length === 0) lines.push(`${key(k)}: []`);
      else lines.push(`${key(k)}:`, ...value.map((v: FrontMatterScalar) => `  - ${scalar(v)}`));
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value as Record<string, FrontMatterScalar>);
      if (entries.length === 0) lines.push(`${key(k)}: {}`);
      else lines.push(`${key(k)}:`, ...entries.map(([sub, v]) => `  ${key(sub)}: ${scalar(v)}`));
    } else {
      lines.push(`${key(k)}: ${scalar(value as FrontMatterScalar)}`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/** What the front matter of a draft says: the summary a static-site or docs tool can index. */
export function frontMatterData(m: Postmortem) {
  return {
    schema: postmortemSchemaId(m),
    incident: m.incident.key,
    incident_id: m.incident.id,
    title: m.incident.title,
    severity: m.incident.severity,
    services: m.incident.services,
    status: "draft",
    detection: m.detection.source,
    impact_start: m.timestamps.impact_start,
    detected: m.timestamps.detected,
    resolved: m.timestamps.resolved,
    durations_seconds: {
      ttd: m.durations.ttd.seconds,
      tta: m.durations.tta.seconds,
      ttm: m.durations.ttm.seconds,
      ttr: m.durations.ttr.seconds,
    },
    release_involved: m.release_involved.value,
    timezone: m.timezone,
    tags: ["postmortem"],
  } satisfies FrontMatterData;
}

/** The front matter block of a draft, `---` fences included. */
export function frontMatter(m: Postmortem): string {
  return `---\n${toYamlBlock(frontMatterData(m))}---`;
}
