import DOMPurify from "dompurify";
import MarkdownIt from "markdown-it";

// Raw HTML in the Markdown is shown as text (html: false); links are not auto-detected. The output
// then goes through DOMPurify anyway, and comes back as a DOM fragment, never as an HTML string.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

// Links leave the dashboard in a new tab, without handing it a window.opener.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/** Splits off YAML front matter (`---` … `---` at the top); the page shows it apart, as text. */
export function splitFrontMatter(markdown: string): { frontMatter: string | null; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(markdown);
  if (!match) return { frontMatter: null, body: markdown };
  return { frontMatter: match[1]!, body: markdown.slice(match[0].length) };
}

export function renderMarkdown(markdown: string): DocumentFragment {
  return DOMPurify.sanitize(md.render(markdown), {
    RETURN_DOM_FRAGMENT: true,
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "input", "button", "img"],
  });
}
