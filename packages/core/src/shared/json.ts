/**
 * JSON from outside, parsed with bounds: a cheap scan of the text before `JSON.parse` refuses
 * nesting deeper than a bound (a deep value is harmless to `JSON.parse` itself, but every
 * recursive walk after it, from schema validation to `JSON.stringify` in a log line, can overflow
 * the stack) and, where asked, an object that carries a key twice (`JSON.parse` keeps the last,
 * another parser may keep the first: a forger's way to show two readers two different values).
 */

/** How deeply nested (objects and arrays) a JSON body from outside may be. */
export const MAX_JSON_DEPTH = 64;

export interface JsonBounds {
  /** Deepest nesting accepted (`{}` and `[]` are depth 1). Default `MAX_JSON_DEPTH`. */
  maxDepth?: number;
  /** Refuse an object that carries the same key twice. Default false. */
  uniqueKeys?: boolean;
}

/** Why a JSON text was refused before (or by) `JSON.parse`. */
export class JsonBoundsError extends Error {
  constructor(
    readonly reason: "too_deep" | "duplicate_key" | "syntax",
    message: string,
  ) {
    super(message);
    this.name = "JsonBoundsError";
  }
}

interface Frame {
  object: boolean;
  /** Inside an object: the next string is a key. */
  expectKey: boolean;
  keys?: Set<string>;
}

/**
 * Scans `text` (without parsing it) for nesting deeper than `maxDepth` and, with `uniqueKeys`,
 * for an object carrying a key twice. Returns the problem, or undefined. Linear in the text's
 * length; malformed JSON is left for `JSON.parse` to refuse.
 */
export function jsonBoundsProblem(text: string, bounds: JsonBounds = {}): JsonBoundsError | undefined {
  const maxDepth = bounds.maxDepth ?? MAX_JSON_DEPTH;
  const stack: Frame[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i += 2;
          continue;
        }
        if (d === 0x22) break;
        i++;
      }
      const top = stack[stack.length - 1];
      if (bounds.uniqueKeys && top?.object && top.expectKey) {
        top.expectKey = false;
        const raw = text.slice(start, Math.min(i, n));
        const key = escaped ? decodeKey(raw) : raw;
        top.keys ??= new Set();
        if (top.keys.has(key))
          return new JsonBoundsError("duplicate_key", `the JSON carries the key "${key.slice(0, 64)}" twice`);
        top.keys.add(key);
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth)
        return new JsonBoundsError("too_deep", `the JSON is nested more than ${maxDepth} levels deep`);
      stack.push({ object: c === 0x7b, expectKey: c === 0x7b });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
    }
  }
  return undefined;
}

/** A key's text with its escapes decoded (`"team\u005fid"` is `team_id`); as written if invalid. */
function decodeKey(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** `JSON.parse(text)` within `bounds`; throws JsonBoundsError (reason `syntax` for bad JSON). */
export function parseBoundedJson(text: string, bounds: JsonBounds = {}): unknown {
  const problem = jsonBoundsProblem(text, bounds);
  if (problem) throw problem;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JsonBoundsError("syntax", (error as Error).message);
  }
}
