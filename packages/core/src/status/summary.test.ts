import { describe, expect, it } from "vitest";
import type { Incident } from "../incident/model";
import type { StatusPageConfig } from "../oncall/directory-types";
import { atomFeed, HISTORY_DAYS, type PublicUpdateInput, publicSummary } from "./summary";

const NOW = new Date("2026-03-10T12:00:00.000Z");
const CONFIG: StatusPageConfig = {
  title: "Acme status",
  severities: ["SEV1", "SEV2", "SEV3"],
  services: [
    { service: "checkout", name: "Checkout" },
    { service: "search", name: "Search" },
  ],
};

function incident(over: Partial<Incident>): Incident {
  return {
    id: "01HINTERNALID",
    number: 7,
    title: "db-primary CPU alarm (secret title)",
    severity: "SEV2",
    status: "declared",
    services: ["checkout"],
    locations: [],
    source: "alarm",
    flapping: false,
    createdAt: "2026-03-10T10:00:00.000Z",
    updatedAt: "2026-03-10T10:00:00.000Z",
    version: 1,
    ...over,
  } as Incident;
}

const update = (over: Partial<PublicUpdateInput>): PublicUpdateInput => ({
  incidentId: "01HINTERNALID",
  entryId: "01HENTRY",
  at: "2026-03-10T11:00:00.000Z",
  text: "Checkout is slow; we are on it.",
  public: true,
  ...over,
});

/** Tags balance, entities are the five XML ones, no raw "<" or "&" in text: well-formed basics. */
function wellFormed(doc: string): boolean {
  const body = doc.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: string[] = [];
  for (const token of body.split(/(<[^>]*>)/)) {
    if (token.startsWith("<")) {
      const m =
        /^<(\/?)([A-Za-z][\w:-]*)(?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*\s*(\/?)>$/.exec(
          token,
        );
      if (!m) return false;
      if (m[1]) {
        if (stack.pop() !== m[2]) return false;
      } else if (!m[3]) stack.push(m[2]!);
    } else if (/[<>]|&(?!(?:amp|lt|gt|quot|apos);)/.test(token)) return false;
  }
  return stack.length === 0;
}

describe("publicSummary", () => {
  it("derives each listed service's state from open incidents of the counted severities", () => {
    const s = publicSummary(
      CONFIG,
      [
        incident({ id: "a", severity: "SEV1", services: ["checkout", "internal-only"] }),
        incident({ id: "b", severity: "SEV4", services: ["search"] }),
        incident({ id: "c", severity: "SEV3", services: ["unlisted"] }),
      ],
      [],
      NOW,
    );
    expect(s.services.map((x) => [x.name, x.state])).toEqual([
      ["Checkout", "major_outage"],
      ["Search", "operational"],
    ]);
    expect(s.state).toBe("major_outage");
    const mitigated = publicSummary(CONFIG, [incident({ severity: "SEV1", status: "mitigated" })], [], NOW);
    expect(mitigated.services[0]?.state).toBe("degraded");
    const resolved = publicSummary(
      CONFIG,
      [incident({ status: "resolved", resolvedAt: "2026-03-10T11:00:00.000Z" })],
      [],
      NOW,
    );
    expect(resolved.state).toBe("operational");
  });

  it("keeps 90 daily states per service, the worst of each UTC day, oldest first", () => {
    const s = publicSummary(
      CONFIG,
      [
        incident({
          id: "old",
          severity: "SEV1",
          status: "resolved",
          createdAt: "2026-03-01T23:00:00.000Z",
          resolvedAt: "2026-03-02T01:00:00.000Z",
        }),
        incident({ id: "now", severity: "SEV3" }),
        incident({
          id: "ancient",
          status: "resolved",
          createdAt: "2025-01-01T00:00:00.000Z",
          resolvedAt: "2025-01-02T00:00:00.000Z",
        }),
      ],
      [],
      NOW,
    );
    const history = s.services[0]!.history;
    expect(history).toHaveLength(HISTORY_DAYS);
    expect(history[0]?.date).toBe("2025-12-11");
    expect(history.at(-1)).toEqual({ date: "2026-03-10", state: "degraded" });
    expect(history.filter((d) => d.state !== "operational").map((d) => `${d.date} ${d.state}`)).toEqual([
      "2026-03-01 major_outage",
      "2026-03-02 major_outage",
      "2026-03-10 degraded",
    ]);
    expect(s.services[1]!.history.every((d) => d.state === "operational")).toBe(true);
  });

  it("feeds only public updates of incidents on listed services, newest first, with no internal fields", () => {
    const s = publicSummary(
      CONFIG,
      [incident({ id: "a" }), incident({ id: "b", services: ["unlisted"] })],
      [
        update({ incidentId: "a", entryId: "1", text: "first public" }),
        update({ incidentId: "a", entryId: "2", at: "2026-03-10T11:30:00.000Z", text: "second public" }),
        update({ incidentId: "a", entryId: "3", text: "internal note", public: false }),
        update({ incidentId: "a", entryId: "4", text: "legacy, no flag", public: undefined }),
        update({ incidentId: "b", entryId: "5", text: "unlisted service" }),
        update({ incidentId: "a", entryId: "6", at: "2026-03-11T00:00:00.000Z", text: "future" }),
      ],
      NOW,
    );
    expect(s.updates.map((u) => u.text)).toEqual(["second public", "first public"]);
    expect(s.updates[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      at: "2026-03-10T11:30:00.000Z",
      text: "second public",
      services: ["Checkout"],
    });
    const json = JSON.stringify(s);
    for (const secret of ["secret title", "01HINTERNAL", 'checkout"', "internal note", "unlisted"])
      expect(json).not.toContain(secret);
  });

  it("without a statusPage section lists no services and no updates", () => {
    const s = publicSummary(undefined, [incident({})], [update({})], NOW);
    expect(s).toMatchObject({ title: "Service status", state: "operational", services: [], updates: [] });
  });
});

describe("atomFeed", () => {
  it("is well-formed Atom with hostile text escaped", () => {
    const hostile = `<script>alert(1)</script> ]]> & "quotes" 'apos' \u0001`;
    const s = publicSummary(
      { ...CONFIG, title: "A & B <status>" },
      [incident({})],
      [update({ text: hostile })],
      NOW,
    );
    const feed = atomFeed(s, "https://status.example.com/status/");
    expect(wellFormed(feed)).toBe(true);
    expect(feed).not.toContain("<script>");
    expect(feed).not.toContain("]]>");
    expect(feed).toContain(
      "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; &quot;quotes&quot; &apos;apos&apos; \uFFFD",
    );
    expect(feed).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(feed).toContain("<title>A &amp; B &lt;status&gt;</title>");
    expect(feed).toContain(`<id>urn:firebreak:status:${s.updates[0]!.id}</id>`);
    expect(feed).toContain("<updated>2026-03-10T11:00:00.000Z</updated>");
    expect(feed).toContain('<link rel="self" href="https://status.example.com/status/feed.atom"/>');
    expect(wellFormed("<feed><entry></feed>")).toBe(false);
  });
});
