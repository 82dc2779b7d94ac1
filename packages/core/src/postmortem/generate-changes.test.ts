/**
 * Changes before impact (issue 17, item 4): the draft lists the changes recorded to the incident's
 * services in the window before the impact start, and suspects a release when there is one. Pinned
 * instants only: the scripted incident's impact starts at T (2026-03-14T09:40:00Z).
 */
import { describe, expect, it } from "vitest";
import { CHANGE_WINDOW_MS } from "../changes/change";
import {
  CHANGES_BEFORE_IMPACT_LIMIT,
  CHANGES_BEFORE_IMPACT_WINDOW_SECONDS,
  type ChangeRecord,
  generatePostmortem,
} from "./generate";
import { validatePostmortem } from "./schema";
import { manualIncident, scriptedIncident, T, tPlus } from "./test-support";
import { SECTION_TITLES } from "./types";

const NOW = new Date(T + 90 * 60_000);

function change(id: string, minutesFromImpact: number, over: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id,
    service: "checkout",
    summary: `deploy ${id}`,
    at: tPlus(minutesFromImpact),
    source: "api",
    ...over,
  };
}

function draft(changes: readonly ChangeRecord[] | undefined, extra: Record<string, unknown> = {}) {
  const { incident, timeline } = scriptedIncident();
  const result = generatePostmortem({ incident, timeline, now: NOW, changes, ...extra });
  expect(result.metadata.timestamps.impact_start).toBe(tPlus(0));
  return result;
}

function sectionOf(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`no section ${title}`);
  const next = markdown.indexOf("\n## ", start + 4);
  return markdown.slice(start, next === -1 ? undefined : next);
}

const listed = (markdown: string) =>
  sectionOf(markdown, "Changes before impact")
    .split("\n")
    .filter((l) => l.startsWith("- "));

describe("the window", () => {
  it("is two hours, the same as the incident page's changes", () => {
    expect(CHANGES_BEFORE_IMPACT_WINDOW_SECONDS).toBe(7200);
    expect(CHANGES_BEFORE_IMPACT_WINDOW_SECONDS * 1000).toBe(CHANGE_WINDOW_MS);
  });

  it("has its own section, after the timeline", () => {
    expect(SECTION_TITLES.indexOf("Changes before impact")).toBe(SECTION_TITLES.indexOf("Timeline") + 1);
  });
});

describe("a change recorded 20 minutes before an incident (the acceptance test)", () => {
  const deploy = change("01JQ7NZ0000000000000000001", -20, {
    summary: "Deploy checkout v2.14.0",
    link: "https://ci.example.com/checkout/builds/2140",
  });
  const { markdown, metadata } = draft([deploy]);

  it("appears in the draft as a suspected release, with its reference", () => {
    expect(metadata.release_involved).toEqual({
      value: "suspected",
      references: ["01JQ7NZ0000000000000000001"],
    });
    expect(metadata.changes_before_impact).toEqual({
      window_seconds: 7200,
      changes: [
        {
          id: "01JQ7NZ0000000000000000001",
          service: "checkout",
          at: "2026-03-14T09:20:00.000Z",
          summary: "Deploy checkout v2.14.0",
          link: "https://ci.example.com/checkout/builds/2140",
          source: "api",
        },
      ],
    });
    expect(validatePostmortem(metadata)).toEqual({ valid: true });
  });

  it("is listed with its time, how long before the impact, its service, summary, link and reference", () => {
    expect(listed(markdown)).toEqual([
      "- 2026-03-14 09:20:00 UTC, 20m before the impact — **checkout**: [Deploy checkout v2.14.0](<https://ci.example.com/checkout/builds/2140>) (api, reference `01JQ7NZ0000000000000000001`)",
    ]);
  });

  it("says it is a suspicion to confirm, in the summary, the section and the contributing factors", () => {
    expect(sectionOf(markdown, "Summary")).toContain(
      "- **Release involved:** suspected, not confirmed: 1 change was recorded to the incident's services in the 2h before the impact began (see Changes before impact). Confirm it as yes or no.",
    );
    expect(sectionOf(markdown, "Changes before impact")).toContain(
      "**A release is suspected, not established:**",
    );
    expect(sectionOf(markdown, "Contributing factors")).toContain(
      "Release involved: suspected, to confirm (see Changes before impact).",
    );
    expect(markdown).toContain("\nrelease_involved: suspected\n");
  });
});

describe("changes that are not listed (release_involved stays unknown)", () => {
  it.each<[string, ChangeRecord]>([
    ["a change after the impact start", change("after", 1)],
    [
      "a change a millisecond after the impact start",
      { ...change("after-ms", 0), at: "2026-03-14T09:40:00.001Z" },
    ],
    ["a change to another service", change("other", -20, { service: "payments" })],
    ["a change outside the window", change("early", -121)],
    ["a change a millisecond before the window", { ...change("edge", 0), at: "2026-03-14T07:39:59.999Z" }],
    ["a change with an unreadable time", { ...change("bad-time", 0), at: "yesterday" }],
  ])("%s", (_name, c) => {
    const { markdown, metadata } = draft([c]);
    expect(metadata.changes_before_impact).toEqual({ window_seconds: 7200, changes: [] });
    expect(metadata.release_involved).toEqual({ value: "unknown" });
    expect(listed(markdown)).toEqual([]);
    expect(sectionOf(markdown, "Changes before impact")).toContain(
      "_No change to checkout was recorded in the 2h before the impact began (2026-03-14 07:40:00 UTC → 2026-03-14 09:40:00 UTC)._",
    );
    expect(sectionOf(markdown, "Summary")).toContain("- **Release involved:** unknown");
  });

  it("lists a change exactly at the window's start and exactly at the impact start", () => {
    const { metadata } = draft([change("at-start", -120), change("at-impact", 0)]);
    expect(metadata.changes_before_impact?.changes.map((c) => c.id)).toEqual(["at-impact", "at-start"]);
    expect(metadata.release_involved).toEqual({ value: "suspected", references: ["at-impact", "at-start"] });
  });
});

describe("no changes, and duplicates", () => {
  it("no change recorded: unknown, and the section says none was", () => {
    const { markdown, metadata } = draft([]);
    expect(metadata.release_involved).toEqual({ value: "unknown" });
    expect(metadata.changes_before_impact).toEqual({ window_seconds: 7200, changes: [] });
    expect(sectionOf(markdown, "Changes before impact")).toContain("_No change to checkout was recorded");
  });

  it("changes not looked up (no change store): null, unknown, and the section says so", () => {
    const { markdown, metadata } = draft(undefined);
    expect(metadata.release_involved).toEqual({ value: "unknown" });
    expect(metadata.changes_before_impact).toBeNull();
    expect(sectionOf(markdown, "Changes before impact")).toContain(
      "_Changes were not looked up for this draft._",
    );
  });

  it("the same change twice (read for two services, or redelivered) is listed and referenced once", () => {
    const c = change("dup", -20);
    const { markdown, metadata } = draft([c, { ...c }, c]);
    expect(metadata.changes_before_impact?.changes).toHaveLength(1);
    expect(metadata.release_involved).toEqual({ value: "suspected", references: ["dup"] });
    expect(listed(markdown)).toHaveLength(1);
  });

  it("only duplicates of changes that are not listed: still unknown", () => {
    const c = change("late", 5);
    expect(draft([c, c]).metadata.release_involved).toEqual({ value: "unknown" });
  });
});

describe("several changes", () => {
  it("newest first, the same draft whatever the order they were read in", () => {
    const changes = [change("a", -90), change("b", -5), change("c", -45, { service: "checkout" })];
    const one = draft(changes);
    const two = draft([...changes].reverse());
    expect(one.metadata.changes_before_impact?.changes.map((c) => c.id)).toEqual(["b", "c", "a"]);
    expect(one.markdown.replace(/generated_at.*/, "")).toBe(two.markdown.replace(/generated_at.*/, ""));
    expect({ ...one.metadata, generated_at: "" }).toEqual({ ...two.metadata, generated_at: "" });
    expect(sectionOf(one.markdown, "Changes before impact")).toContain(
      "3 changes to checkout recorded in the 2h before the impact began",
    );
  });

  it(`lists at most ${CHANGES_BEFORE_IMPACT_LIMIT}, the newest`, () => {
    const many = Array.from({ length: 30 }, (_, i) => change(`c${String(i).padStart(2, "0")}`, -(i + 1)));
    const { metadata } = draft(many);
    expect(metadata.changes_before_impact?.changes).toHaveLength(CHANGES_BEFORE_IMPACT_LIMIT);
    expect(metadata.changes_before_impact?.changes[0]?.id).toBe("c00");
    expect(metadata.release_involved.references).toHaveLength(CHANGES_BEFORE_IMPACT_LIMIT);
  });

  it("keeps what a person said (yes or no): the changes are listed but not called suspected", () => {
    const { markdown, metadata } = draft([change("d", -20)], {
      release: { value: "no", reference: "checked by the release manager" },
    });
    expect(metadata.release_involved).toEqual({ value: "no", reference: "checked by the release manager" });
    expect(metadata.changes_before_impact?.changes).toHaveLength(1);
    expect(sectionOf(markdown, "Changes before impact")).toContain("Release involved: no.");
  });

  it("an incident with several services lists the changes to each of them, and no others", () => {
    const { incident, timeline } = scriptedIncident();
    const { metadata } = generatePostmortem({
      incident: { ...incident, services: ["checkout", "payments"] },
      timeline,
      now: NOW,
      changes: [
        change("p", -10, { service: "payments" }),
        change("k", -30),
        change("x", -5, { service: "search" }),
      ],
    });
    expect(metadata.changes_before_impact?.changes.map((c) => [c.id, c.service])).toEqual([
      ["p", "payments"],
      ["k", "checkout"],
    ]);
  });

  it("a human-declared incident: the window ends at its declared time", () => {
    const manual = manualIncident();
    const start = Date.parse(generatePostmortem({ ...manual, now: NOW }).metadata.timestamps.impact_start);
    const at = (minutes: number) => new Date(start + minutes * 60_000).toISOString();
    const { metadata } = generatePostmortem({
      ...manual,
      now: NOW,
      changes: [
        { ...change("before", 0), service: manual.incident.services[0]!, at: at(-20) },
        { ...change("after", 0), service: manual.incident.services[0]!, at: at(1) },
      ],
    });
    expect(metadata.release_involved).toEqual({ value: "suspected", references: ["before"] });
  });

  it("untrusted summaries cannot break the list: line breaks, HTML and a missing summary", () => {
    const { markdown } = draft([
      change("evil", -3, { summary: "line one\n## not a heading <script>" }),
      change("empty", -4, { summary: "" }),
    ]);
    const lines = listed(markdown);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("line one ## not a heading \\<script>");
    expect(lines[1]).toContain("(no summary)");
    expect(markdown).not.toMatch(/^## not a heading/m);
  });
});
