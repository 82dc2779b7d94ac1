import DOMPurify from "dompurify";
import { markdownToHtml } from "./markdown-html";

export { splitFrontMatter } from "./markdown-html";

// Raw HTML in the Markdown is shown as text and only safe link schemes are kept (markdown-html.ts).
// The output then goes through DOMPurify anyway, and comes back as a DOM fragment, never as an HTML string.

// Links leave the dashboard in a new tab, without handing it a window.opener.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

export function renderMarkdown(markdown: string): DocumentFragment {
  return DOMPurify.sanitize(markdownToHtml(markdown), {
    RETURN_DOM_FRAGMENT: true,
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "input", "button", "img"],
  });
}
