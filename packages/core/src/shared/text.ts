/**
 * Text as it enters Firebreak (API bodies, Slack commands and modals, alarm names and
 * descriptions): well-formed UTF-16 and no control characters where they have no place.
 *
 * - A lone surrogate (half of a UTF-16 pair, e.g. `"\ud800"` in JSON) becomes U+FFFD: such a
 *   string has no UTF-8 form, so anything that encodes it (`encodeURIComponent` in the SNS query
 *   protocol, `TextEncoder`, a URL) fails or mangles it.
 * - One-line text (titles, names) keeps no control characters: line breaks and tabs become a
 *   space, the other C0/C1 controls (NUL, ESC, DEL…) go.
 * - Multi-line text (descriptions, updates, summaries) keeps `\n` and `\t`; `\r\n` and a lone
 *   `\r` become `\n`; the other controls go.
 */

/** `text` with every lone surrogate replaced by U+FFFD. */
export function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
}

const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** One-line text: well-formed, line breaks and tabs as a space, no other control characters. */
export function singleLineText(text: string): string {
  return wellFormed(text).replace(LINE_BREAKS, " ").replace(CONTROLS, "");
}

/** Multi-line text: well-formed, `\n` line breaks, tabs kept, no other control characters. */
export function multiLineText(text: string): string {
  return wellFormed(text)
    .replace(/\r\n?|\u0085|\u2028|\u2029/g, "\n")
    .replace(CONTROLS, "");
}
