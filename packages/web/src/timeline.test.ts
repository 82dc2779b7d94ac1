import { describe, expect, it } from "vitest";
import { byMinuteNewestFirst, escalationState, kindInfo, latestUpdate, shownUnder } from "./timeline";
import type { TimelineEntry } from "./types";

const entry = (id: string, kind: string, at: string, summary = kind): TimelineEntry => ({
  id,
  kind,
  at,
  summary,
  actor: { type: "system", id: "firebreak" },
  data: {},
});

describe("the timeline as people read it", () => {
  it("labels every kind, never showing a raw one", () => {
    expect(kindInfo("incident.alarm_transition")).toEqual({ label: "Alarm", icon: "📈", group: "alarms" });
    expect(kindInfo("page.requested").group).toBe("paging");
    expect(kindInfo("incident.something_new")).toEqual({
      label: "Something new",
      icon: "•",
      group: "people",
    });
    expect(kindInfo("escalation.brand_new").group).toBe("paging");
  });

  it("hides paging noise by default; each filter shows its group", () => {
    const entries = [
      entry("1", "incident.declared", "2026-03-29T03:12:00Z"),
      entry("2", "page.requested", "2026-03-29T03:12:01Z"),
      entry("3", "incident.alarm_transition", "2026-03-29T03:12:02Z"),
      entry("4", "page.acknowledged", "2026-03-29T03:14:00Z"),
    ];
    const ids = (f: Parameters<typeof shownUnder>[1]) =>
      entries.filter((e) => shownUnder(e, f)).map((e) => e.id);
    expect(ids("default")).toEqual(["1", "3", "4"]);
    expect(ids("all")).toEqual(["1", "2", "3", "4"]);
    expect(ids("paging")).toEqual(["2"]);
    expect(ids("alarms")).toEqual(["3"]);
    expect(ids("people")).toEqual(["1", "4"]);
  });

  it("puts the newest first and groups by minute", () => {
    const groups = byMinuteNewestFirst([
      entry("a", "incident.declared", "2026-03-29T03:12:05Z"),
      entry("b", "page.requested", "2026-03-29T03:12:40Z"),
      entry("c", "page.acknowledged", "2026-03-29T03:14:00Z"),
    ]);
    expect(groups.map((g) => [g.minute, g.entries.map((e) => e.id)])).toEqual([
      ["2026-03-29T03:14", ["c"]],
      ["2026-03-29T03:12", ["b", "a"]],
    ]);
  });

  it("finds the latest stakeholder update", () => {
    expect(
      latestUpdate([
        entry("u1", "incident.update_posted", "2026-03-29T03:20:00Z", "first"),
        entry("u2", "incident.update_posted", "2026-03-29T03:40:00Z", "second"),
        entry("x", "incident.status_changed", "2026-03-29T03:50:00Z"),
      ])?.id,
    ).toBe("u2");
    expect(latestUpdate([])).toBeUndefined();
  });

  it("says which level is being paged since when, only while nobody has acknowledged", () => {
    const pages = [
      { level: 1, requestedAt: "2026-03-29T03:12:00Z" },
      { level: 2, requestedAt: "2026-03-29T03:17:00Z" },
      { level: 2, requestedAt: "2026-03-29T03:17:01Z" },
    ];
    expect(escalationState("declared", pages)).toEqual({ level: 2, since: "2026-03-29T03:17:00Z" });
    expect(
      escalationState("declared", [...pages, { level: "fallback", requestedAt: "2026-03-29T03:40:00Z" }]),
    ).toEqual({
      level: "fallback",
      since: "2026-03-29T03:40:00Z",
    });
    expect(escalationState("acknowledged", pages)).toBeUndefined();
    expect(escalationState("declared", [])).toBeUndefined();
    expect(escalationState("declared", null)).toBeUndefined();
  });
});
