import MarkdownIt from "markdown-it";

/**
 * Markdown → an HTML string, safe by construction (no DOM needed, so it is unit-tested in Node):
 * raw HTML in the Markdown is escaped and shown as text (html: false), text is never linkified, and
 * a link or image keeps its URL only for the safe schemes (http, https, mailto) or a relative URL
 * (#section, /path); `javascript:`, `data:`, `vbscript:`, `file:` and any other scheme become plain
 * text. The dashboard still runs the result through DOMPurify (markdown.ts) and inserts it as a
 * DOM fragment.
 */
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);

/** A link's URL (as markdown-it normalised it: entities decoded, percent-encoded) is kept only if safe. */
export function isSafeLink(url: string): boolean {
  // Browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:").
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const scheme = SCHEME.exec(url.replace(/[\u0000-\u0020\u007f]/g, ""));
  return scheme ? SAFE_SCHEMES.has(scheme[1]!.toLowerCase()) : true;
}
md.validateLink = isSafeLink;

export function markdownToHtml(markdown: string): string {
  return md.render(markdown);
}

/** Splits off YAML front matter (`---` … `---` at the top); the page shows it apart, as text. */
export function splitFrontMatter(markdown: string): { frontMatter: string | null; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(markdown);
  if (!match) return { frontMatter: null, body: markdown };
  return { frontMatter: match[1]!, body: markdown.slice(match[0].length) };
}
