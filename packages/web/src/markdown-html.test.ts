import { describe, expect, it } from "vitest";
import { isSafeLink, markdownToHtml, splitFrontMatter } from "./markdown-html";

/** Every tag name in the output. */
const tags = (html: string) => [...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map((m) => m[1]!.toLowerCase());
/** Every href/src value in the output. */
const urls = (html: string) => [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);

describe("markdownToHtml", () => {
  it("renders headings, lists, paragraphs, emphasis, code and links", () => {
    const html = markdownToHtml(
      "# Summary\n\nThe **deploy** of _v42_ broke `checkout`.\n\n- one\n- two\n\n1. first\n\n[runbook](https://example.com/rb?a=1&b=2)\n",
    );
    expect(html).toContain("<h1>Summary</h1>");
    expect(html).toContain("<strong>deploy</strong>");
    expect(html).toContain("<em>v42</em>");
    expect(html).toContain("<code>checkout</code>");
    expect(html).toContain("<ul>\n<li>one</li>");
    expect(html).toContain("<ol>\n<li>first</li>");
    expect(html).toContain('<a href="https://example.com/rb?a=1&amp;b=2">runbook</a>');
  });

  it("escapes raw HTML: a <script>, an event handler and an <iframe> are text", () => {
    const html = markdownToHtml(
      '<script>alert(1)</script>\n\nHi <img src=x onerror="alert(2)"> there\n\n<iframe src="https://evil.example"></iframe>\n\n<a href="javascript:alert(3)">x</a>',
    );
    expect(tags(html)).toEqual(["p", "p", "p", "p"]);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(2)&quot;&gt;");
    expect(html).not.toMatch(/<(script|img|iframe|a)\b/i);
  });

  it("keeps HTML entities as text: an encoded <script> is shown, never parsed", () => {
    const html = markdownToHtml(
      "&lt;script&gt;alert(1)&lt;/script&gt; &#x3C;img src=x onerror=alert(1)&#x3E; &amp;&quot;",
    );
    expect(tags(html)).toEqual(["p"]);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&amp;&quot;");
  });

  it("drops links and images with unsafe schemes, however they are spelled", () => {
    const hostile = [
      "[a](javascript:alert(1))",
      "[b](JaVaScRiPt:alert(1))",
      "[c](javascript&colon;alert(1))",
      "[d](&#106;avascript:alert(1))",
      "[e](vbscript:msgbox(1))",
      "[f](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
      "[g](file:///etc/passwd)",
      "![h](javascript:alert(1))",
      "![i](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
      "<javascript:alert(1)>",
      "[j]: javascript:alert(1)\n\n[j]",
      "[k](<javascript:alert(1)>)",
    ];
    for (const source of hostile) {
      const html = markdownToHtml(source);
      expect(urls(html), source).toEqual([]);
      expect(html, source).not.toMatch(/<(a|img)\b/);
    }
  });

  it("keeps http, https, mailto and relative links; link text and titles are escaped", () => {
    const html = markdownToHtml(
      '[a](http://x.example) [b](https://x.example) [c](mailto:oncall@x.example) [d](#timeline) [e](/incidents/INC-1) [<b>f</b>](https://x.example "t\\"><script>")',
    );
    expect(urls(html)).toEqual([
      "http://x.example",
      "https://x.example",
      "mailto:oncall@x.example",
      "#timeline",
      "/incidents/INC-1",
      "https://x.example",
    ]);
    expect(html).toContain("&lt;b&gt;f&lt;/b&gt;");
    expect(html).toContain('title="t&quot;&gt;&lt;script&gt;"');
    expect(html).not.toContain("<script");
  });

  it("isSafeLink: a scheme hidden by whitespace or control characters is still seen", () => {
    expect(isSafeLink("java\tscript:alert(1)")).toBe(false);
    expect(isSafeLink(" javascript:alert(1)")).toBe(false);
    expect(isSafeLink("\u0001javascript:alert(1)")).toBe(false);
    expect(isSafeLink("HTTPS://x.example")).toBe(true);
    expect(isSafeLink("relative/path")).toBe(true);
    expect(isSafeLink("java%0ascript:alert(1)")).toBe(true); // not a scheme: a relative path
  });
});

describe("splitFrontMatter", () => {
  it("splits YAML front matter off the top, and only there", () => {
    expect(splitFrontMatter("---\na: 1\n---\n# T\n")).toEqual({ frontMatter: "a: 1", body: "# T\n" });
    expect(splitFrontMatter("# T\n---\na: 1\n---\n").frontMatter).toBeNull();
  });
});
