import { ValidationError } from "@firebreak/core/shared/errors";
import { fixture } from "@firebreak/testkit/fixtures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alarmRefOf } from "../alarm/context";
import { normaliseAlarmEvent } from "../alarm/normalise";
import { generatePostmortem } from "./generate";
import { PostmortemInvalidError, validatePostmortem } from "./schema";
import {
  ALARM_ARN,
  ALICE,
  BOB,
  CAROL,
  entryFactory,
  INCIDENT_ID,
  largeTimeline,
  makeIncident,
  manualIncident,
  roleData,
  scriptedIncident,
  T,
  tPlus,
} from "./test-support";
import { DURATION_FORMULAS, SECTION_TITLES } from "./types";

const NOW = new Date(T + 90 * 60_000);

/** ATX headings outside fenced code, in order. */
function headings(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const f = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (f && f[0] === fence[0] && f.length >= fence.length) fence = undefined;
      continue;
    }
    if (f) {
      fence = f;
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) out.push(`${h[1]} ${h[2]}`);
  }
  return out;
}

/** The lines of one `## ` section. */
function sectionOf(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`no section ${title}`);
  const next = markdown.indexOf("\n## ", start + 4);
  return markdown.slice(start, next === -1 ? undefined : next);
}

/** Cells of a table row, split on unescaped pipes. */
function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe("generatePostmortem: the scripted incident", () => {
  const { incident, timeline } = scriptedIncident();
  const result = generatePostmortem({
    incident,
    timeline,
    timezone: "Europe/Paris",
    slo: { target: 0.999, windowDays: 30 },
    now: NOW,
  });
  const m = result.metadata;

  it("has YAML front matter, the title, then every section in order", () => {
    expect(
      result.markdown.startsWith("---\nschema: https://firebreak.dev/schemas/postmortem.v2.json\n"),
    ).toBe(true);
    expect(headings(result.markdown)).toEqual([
      "# INC-42: Checkout 5xx above threshold",
      ...SECTION_TITLES.map((s) => `## ${s}`),
    ]);
  });

  it("takes impact start from the alarm's own state time and states every duration with its formula", () => {
    expect(m.timestamps).toEqual({
      impact_start: tPlus(0),
      impact_start_source: "alarm_state",
      detected: tPlus(2),
      acknowledged: tPlus(5),
      mitigated: tPlus(30),
      resolved: tPlus(60),
    });
    expect(m.durations).toEqual({
      ttd: { seconds: 120, formula: "detected - impact_start" },
      tta: { seconds: 180, formula: "acknowledged - detected" },
      ttm: { seconds: 1800, formula: "mitigated - impact_start" },
      ttr: { seconds: 3600, formula: "resolved - impact_start" },
    });
    expect(Object.values(m.durations).map((d) => d.formula)).toEqual(Object.values(DURATION_FORMULAS));
  });

  it("describes the incident, its detection and its locations", () => {
    expect(m.schema_version).toBe(2);
    expect(m.generated_at).toBe(NOW.toISOString());
    expect(m.timezone).toBe("Europe/Paris");
    expect(m.incident).toEqual({
      id: INCIDENT_ID,
      number: 42,
      key: "INC-42",
      title: "Checkout 5xx above threshold",
      severity: "SEV2",
      status: "resolved",
      services: ["checkout"],
      locations: [{ account: "210987654321", region: "eu-west-1" }],
      accounts: ["210987654321"],
      regions: ["eu-west-1"],
      alarm_arns: [ALARM_ARN],
    });
    expect(m.detection).toEqual({
      source: "alarm",
      alarm: {
        name: "checkout-5xx",
        arn: ALARM_ARN,
        reason: expect.stringContaining("Threshold Crossed"),
        state_timestamp: tPlus(0),
      },
      declared_by: null,
    });
  });

  it("lists responders by role with their intervals: the IC handoff closes Alice's and opens Carol's", () => {
    expect(m.responders).toEqual([
      { role: "ic", person_id: "U-alice", person_name: "Alice Martin", from: tPlus(3), to: tPlus(40) },
      { role: "ic", person_id: "U-carol", person_name: "Carol Diaz", from: tPlus(40), to: tPlus(60) },
    ]);
    const response = sectionOf(result.markdown, "Response");
    expect(response).toContain("| IC | Alice Martin | 2026-03-14 09:43:00 UTC (10:43:00 GMT+1) |");
    expect(response).toContain("(resolved)");
  });

  it("counts pages sent, delivered, failed and acknowledged, and the highest escalation level", () => {
    expect(m.pages).toEqual({
      sent: 2,
      delivered: 1,
      failed: 1,
      acknowledged: 1,
      highest_escalation_level: 2,
      fallback_reached: false,
    });
  });

  it("turns each temporary fix into an action item tagged postmortem", () => {
    expect(m.temporary_fixes).toEqual([
      {
        entry_id: "E00000010",
        text: "Scaled checkout to 12 tasks and disabled the recommendations widget",
        posted_at: tPlus(20),
        posted_by: "Bob Chen",
        action_item_id: "AI-1",
      },
    ]);
    expect(m.action_items).toEqual([
      {
        id: "AI-1",
        title:
          'Follow up the temporary fix "Scaled checkout to 12 tasks and disabled the recommendations widget": revert it or make it permanent',
        owner: "Bob Chen",
        priority: "P1",
        due: "2026-03-21",
        tags: ["postmortem", "temporary-fix"],
        source: "temporary_fix",
        source_entry_id: "E00000010",
      },
    ]);
    expect(sectionOf(result.markdown, "Temporary fixes to roll back")).toContain(
      "- [ ] **AI-1** Scaled checkout to 12 tasks",
    );
    expect(sectionOf(result.markdown, "Action items")).toContain(
      '| AI-1 | Follow up the temporary fix "Scaled checkout to 12 tasks and disabled the recommendations widget": revert it or make it permanent | Bob Chen | P1 | 2026-03-21 | postmortem, temporary-fix |',
    );
  });

  it("charges the impact (impact start → mitigated) to the error budget", () => {
    // budget = 30 × 24 × 60 × (1 − 0.999) = 43.2 minutes; impact = 30 minutes → 69.4444 %.
    expect(m.error_budget).toEqual({
      impact_minutes: 30,
      impact_end_source: "mitigated",
      services: [
        {
          service: "checkout",
          target: 0.999,
          window_days: 30,
          budget_minutes: 43.2,
          consumed_minutes: 30,
          percent_of_budget: 69.4444,
        },
      ],
    });
  });

  it("defaults release_involved to unknown", () => {
    expect(m.release_involved).toEqual({ value: "unknown" });
  });

  it("builds a readable timeline, in UTC and the team's zone: the impact start first, paging one line per level, no raw kinds", () => {
    const rows = sectionOf(result.markdown, "Timeline")
      .split("\n")
      .filter((l) => l.startsWith("| 2026"));
    const paging = timeline.filter((e) => /^(page|escalation)\./.test(e.kind));
    expect(rows.length).toBeLessThan(timeline.length + 1);
    expect(rows.length).toBeGreaterThanOrEqual(timeline.length - paging.length + 1);
    expect(rows[0]).toBe(
      "| 2026-03-14 09:40:00 UTC | 2026-03-14 10:40:00 GMT+1 | **Impact began** (alarm `checkout-5xx` went to ALARM) |",
    );
    for (const r of rows) expect(cells(r)).toHaveLength(3);
    expect(rows.join("\n")).not.toMatch(/\b(incident|page|escalation)\.[a-z_]+/);
    expect(rows.filter((r) => r.includes("**Paged** level 1:"))).toHaveLength(1);
    // The failed page and its error are named under What went wrong.
    expect(sectionOf(result.markdown, "What went wrong")).toContain("carrier rejected | code 21614");
  });

  it("says what went well and what went wrong, each from a fact; where we got lucky stays a question", () => {
    const well = sectionOf(result.markdown, "What went well");
    expect(well).toContain(
      "Fast detection: the alarm `checkout-5xx` opened the incident 2m after the impact began.",
    );
    expect(well).toContain("Acknowledged inside policy: 3m after detection (within 5m).");
    expect(well).toContain("The impact was mitigated 30m before the incident was resolved");
    expect(well).toContain("IC handoff from Alice Martin to Carol Diaz");
    // Not every page was delivered: that is not something that went well.
    expect(well).not.toContain("Every page was delivered");
    const wrong = sectionOf(result.markdown, "What went wrong");
    expect(wrong).toContain("- A page was not delivered:");
    expect(wrong).toContain(
      "- The page escalated to level 2: the earlier levels did not acknowledge in time.",
    );
    expect(wrong).not.toContain("Nobody acknowledged");
    expect(sectionOf(result.markdown, "Where we got lucky")).toContain("No fact on the timeline says. Ask:");
  });

  it("has no lint findings: the quoted alarm reason and 'page to Bob Chen failed' are not blame", () => {
    expect(result.lint).toEqual([]);
    expect(m.lint).toEqual([]);
  });

  it("returns a document that validates", () => {
    expect(validatePostmortem(m)).toEqual({ valid: true });
  });

  it("is deterministic: the same inputs give the same content but for generated_at", () => {
    const again = generatePostmortem({
      incident,
      timeline: [...timeline].reverse(),
      timezone: "Europe/Paris",
      slo: { target: 0.999, windowDays: 30 },
      now: new Date(NOW.getTime() + 3_600_000),
    });
    expect(again.markdown).toBe(result.markdown);
    expect({ ...again.metadata, generated_at: "x" }).toEqual({ ...m, generated_at: "x" });
  });
});

describe("generatePostmortem: a manual incident", () => {
  const { incident, timeline } = manualIncident();
  const { metadata: m, markdown } = generatePostmortem({ incident, timeline, now: NOW });

  it("is detected by a human: impact start is the declared time, and TTD is null (not measured), not 0", () => {
    expect(m.detection).toEqual({
      source: "human",
      alarm: null,
      declared_by: { type: "user", id: "U-alice", name: "Alice Martin" },
    });
    expect(m.timestamps.impact_start).toBe(tPlus(0));
    expect(m.timestamps.impact_start_source).toBe("declared");
    expect(m.durations.ttd).toEqual({ seconds: null, formula: "detected - impact_start" });
    expect(m.durations.tta.seconds).toBe(240);
    expect(m.durations.ttr.seconds).toBe(3000);
  });

  it("leaves a skipped step null and states it", () => {
    expect(m.timestamps.mitigated).toBeNull();
    expect(m.durations.ttm.seconds).toBeNull();
    expect(sectionOf(markdown, "Response")).toContain("- **Mitigated:** not recorded");
  });

  it("has no alarms, pages, responders, temporary fixes or budget", () => {
    expect(m.incident.alarm_arns).toEqual([]);
    expect(m.pages).toEqual({
      sent: 0,
      delivered: 0,
      failed: 0,
      acknowledged: 0,
      highest_escalation_level: null,
      fallback_reached: false,
    });
    expect(m.responders).toEqual([]);
    expect(m.action_items).toEqual([]);
    expect(m.error_budget).toBeNull();
    expect(sectionOf(markdown, "Detection")).toContain("a person: Alice Martin declared the incident");
    expect(sectionOf(markdown, "Detection")).toContain("Time to detect (TTD):** not measured");
  });

  it("shows one time column when the team's zone is UTC", () => {
    expect(markdown).toContain("| Time (UTC) | Event |");
    expect(markdown).not.toContain("GMT");
  });
});

describe("generatePostmortem: inputs", () => {
  const { incident, timeline } = scriptedIncident();

  it("records a release reference when given", () => {
    const { metadata } = generatePostmortem({
      incident,
      timeline,
      release: { value: "yes", reference: "deploy-2026-03-14-0931" },
      now: NOW,
    });
    expect(metadata.release_involved).toEqual({ value: "yes", reference: "deploy-2026-03-14-0931" });
  });

  it("takes an SLO per service and skips services without one", () => {
    const { metadata } = generatePostmortem({
      incident: { ...incident, services: ["checkout", "search"] },
      timeline,
      slo: { checkout: { target: 0.99, windowDays: 7 } },
      now: NOW,
    });
    // budget = 7 × 1440 × 0.01 = 100.8 minutes; 30 / 100.8 = 29.7619 %.
    expect(metadata.error_budget?.services).toEqual([
      {
        service: "checkout",
        target: 0.99,
        window_days: 7,
        budget_minutes: 100.8,
        consumed_minutes: 30,
        percent_of_budget: 29.7619,
      },
    ]);
  });

  it("charges impact start → resolved when there is no mitigation, and null when neither is known", () => {
    const skipped = generatePostmortem({
      incident: { ...incident, mitigatedAt: undefined },
      timeline: timeline.filter((e) => (e.data as { to?: string }).to !== "mitigated"),
      slo: { target: 0.999, windowDays: 30 },
      now: NOW,
    });
    expect(skipped.metadata.error_budget).toMatchObject({
      impact_minutes: 60,
      impact_end_source: "resolved",
    });
    const open = generatePostmortem({
      incident: { ...incident, status: "acknowledged", mitigatedAt: undefined, resolvedAt: undefined },
      timeline: timeline.filter((e) => e.kind !== "incident.status_changed" || e.data.to === "acknowledged"),
      slo: { target: 0.999, windowDays: 30 },
      now: NOW,
    });
    expect(open.metadata.error_budget).toMatchObject({
      impact_minutes: null,
      impact_end_source: null,
      services: [{ consumed_minutes: null, percent_of_budget: null }],
    });
    expect(open.metadata.durations.ttr.seconds).toBeNull();
    // Still-held roles have no end.
    expect(open.metadata.responders.at(-1)?.to).toBeNull();
  });

  it.each([
    [{ timezone: "Mars/Olympus_Mons" }, "timezone"],
    [{ slo: { target: 1, windowDays: 30 } }, "slo.target"],
    [{ slo: { target: 0.999, windowDays: 0 } }, "slo.windowDays"],
    [{ now: new Date(Number.NaN) }, "now"],
    [{ release: { value: "maybe" as "yes" } }, "release.value"],
  ])("rejects bad input %j with a ValidationError naming %s", (override, path) => {
    try {
      generatePostmortem({ incident, timeline, now: NOW, ...override });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe(path);
    }
  });

  it("throws PostmortemInvalidError, never returns an invalid document (a negative incident number)", () => {
    expect(() => generatePostmortem({ incident: { ...incident, number: -1 }, timeline, now: NOW })).toThrow(
      PostmortemInvalidError,
    );
  });

  it("ignores other incidents' entries, duplicates, unreadable times and postmortem.* entries", () => {
    const e = entryFactory("01OTHER000000000000000000");
    const base = generatePostmortem({ incident, timeline, now: NOW });
    const noisy = generatePostmortem({
      incident,
      timeline: [
        ...timeline,
        ...timeline.slice(0, 5),
        e("incident.update_posted", tPlus(10), { text: "other incident", temporary: true }),
        { ...timeline[3]!, id: "BAD-AT", at: "not a time" },
        {
          ...timeline[3]!,
          id: "ZZ-DRAFTED",
          kind: "postmortem.drafted",
          at: tPlus(61),
          data: { version: 1 },
        },
      ],
      now: NOW,
    });
    expect(noisy.markdown).toBe(base.markdown);
  });

  it("reads page data defensively: missing ids, string levels, odd targets", () => {
    const e = entryFactory(INCIDENT_ID, "X");
    const { metadata } = generatePostmortem({
      incident,
      timeline: [
        ...timeline,
        e("page.requested", tPlus(6), { level: "3", target: 42 }),
        e("page.delivered", tPlus(6), { pageId: "P-unrequested", level: -1 }),
        e("page.failed", tPlus(6), { pageId: 7, level: "high", error: { code: 1 } }),
        e("page.requested", tPlus(7), { pageId: "P9", level: "fallback", round: 1 }),
      ],
      now: NOW,
    });
    // P1, P2, the id-less request, P9, and P-unrequested (delivered, so it was sent). The fallback
    // level is not a number: it is reported apart.
    expect(metadata.pages).toEqual({
      sent: 5,
      delivered: 2,
      failed: 2,
      acknowledged: 1,
      highest_escalation_level: 3,
      fallback_reached: true,
    });
  });

  it("keeps the interval of someone handed off from when their assignment is not on the timeline", () => {
    const e = entryFactory();
    const { metadata } = generatePostmortem({
      incident: { ...incident, roles: undefined },
      timeline: [
        e("incident.declared", tPlus(2), {}),
        e("incident.role_assigned", tPlus(10), roleData("ops", ALICE, { who: BOB, since: tPlus(4) })),
        e("incident.role_assigned", tPlus(11), roleData("ops", ALICE)),
      ],
      now: NOW,
    });
    expect(metadata.responders).toEqual([
      { role: "ops", person_id: "U-bob", person_name: "Bob Chen", from: tPlus(4), to: tPlus(10) },
      { role: "ops", person_id: "U-alice", person_name: "Alice Martin", from: tPlus(10), to: tPlus(60) },
    ]);
  });

  it("falls back to the incident's current role holders when the timeline has no assignment", () => {
    const { metadata } = generatePostmortem({
      incident,
      timeline: timeline.filter((e) => e.kind !== "incident.role_assigned"),
      now: NOW,
    });
    expect(metadata.responders).toEqual([
      { role: "ic", person_id: "U-carol", person_name: "Carol Diaz", from: tPlus(40), to: tPlus(60) },
    ]);
  });
});

describe("generatePostmortem: untrusted text cannot break the Markdown", () => {
  const { incident, timeline } = scriptedIncident();
  const e = entryFactory(INCIDENT_ID, "X");
  const nasty = "Checkout down\n## Injected heading\n<!-- hide the rest\n| a | b |";
  const result = generatePostmortem({
    incident: {
      ...incident,
      title: nasty,
      summary: "line one\n# not a heading\n```\n- [x] not a list\n<script>alert(1)</script>",
      description: "```\n## still inside\n````",
      services: ["check|out", "# svc"],
    },
    timeline: [
      ...timeline,
      e(
        "incident.alarm_transition",
        tPlus(1),
        {
          alarmArn: "arn:x",
          alarmName: "name `with` ``ticks`` | pipe\nnewline",
          state: "ALARM",
          reason: "``` fence | pipe",
          stateTimestamp: tPlus(1),
          late: true,
        },
        { summary: "x" },
      ),
      e(
        "incident.update_posted",
        tPlus(21),
        { text: "1. rolled | back\n## x", temporary: true },
        { summary: "a|b\nc" },
      ),
    ],
    now: NOW,
  });

  it("keeps exactly the generated headings", () => {
    expect(headings(result.markdown)).toEqual([
      "# INC-42: Checkout down ## Injected heading \\<!-- hide the rest | a | b |",
      ...SECTION_TITLES.map((s) => `## ${s}`),
    ]);
  });

  it("keeps every table row's cell count", () => {
    for (const [title, width] of [
      ["Timeline", 2],
      ["Action items", 6],
    ] as const) {
      const rows = sectionOf(result.markdown, title)
        .split("\n")
        .filter((l) => l.startsWith("|"));
      expect(rows.length).toBeGreaterThan(2);
      for (const r of rows) expect(cells(r)).toHaveLength(width);
    }
  });

  it("escapes no HTML entities but neutralises raw HTML with a backslash", () => {
    expect(result.markdown).not.toContain("&lt;");
    expect(result.markdown).toContain("\\<script>");
    const body = result.markdown.slice(result.markdown.indexOf("\n---\n") + 5);
    expect(body).not.toMatch(/(^|[^\\])<!--/);
    // The front matter keeps the raw title on one line.
    expect(result.markdown).toContain(
      'title: "Checkout down\\n## Injected heading\\n<!-- hide the rest\\n| a | b |"',
    );
  });

  it("keeps the raw title in the metadata and the front matter", () => {
    expect(result.metadata.incident.title).toBe(nasty);
    expect(validatePostmortem(result.metadata)).toEqual({ valid: true });
  });
});

describe("generatePostmortem: size", () => {
  it("handles 10,000 timeline entries (one row each)", () => {
    const { incident, timeline } = largeTimeline(10_000);
    const { markdown, metadata } = generatePostmortem({
      incident,
      timeline,
      timezone: "America/New_York",
      now: NOW,
    });
    const rows = sectionOf(markdown, "Timeline")
      .split("\n")
      .filter((l) => l.startsWith("| 2026"));
    // Paging is one line per level: fewer rows than entries, but every other entry has its own.
    const paging = timeline.filter((e) => /^(page|escalation)\./.test(e.kind)).length;
    expect(rows.length).toBeGreaterThanOrEqual(timeline.length - paging + 1);
    expect(rows.length).toBeLessThan(timeline.length);
    expect(metadata.pages.sent).toBe(2 + 2000);
    expect(metadata.temporary_fixes).toHaveLength(1 + 200);
  });

  it("creates no entries out of thin air for an incident with an empty timeline", () => {
    const { metadata, markdown } = generatePostmortem({
      incident: makeIncident({ source: "manual", alarm: undefined }),
      timeline: [],
      now: NOW,
    });
    expect(metadata.detection).toEqual({ source: "human", alarm: null, declared_by: null });
    const rows = sectionOf(markdown, "Timeline")
      .split("\n")
      .filter((l) => l.startsWith("| 2026"));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain("**Impact began** (taken as the declared time: not observed)");
  });
});

describe("generatePostmortem: the alarm's context", () => {
  it("shows the crossing, the metric and the runbook and console links in Detection; a hostile link stays text", () => {
    const result = normaliseAlarmEvent(fixture("sns/sns-lambda-event-single-metric-alarm.json"));
    if (result.kind !== "transitions") throw new Error("fixture did not normalise");
    const t = result.transitions[0]!;
    const ref = alarmRefOf(t);
    ref.context!.links.push({ label: "x](javascript:alert(1)) [y", url: "javascript:alert(1)" });
    const { incident, timeline } = scriptedIncident();
    const { markdown } = generatePostmortem({ incident: { ...incident, alarm: ref }, timeline, now: NOW });
    const detection = markdown.slice(markdown.indexOf(`## ${SECTION_TITLES[2]}`));
    expect(detection).toContain("- **Crossing:** `value 88 >= threshold 40`");
    expect(detection).toMatch(/- \*\*Metric:\*\* `AWS\/ApplicationELB HTTPCode_Target_5XX_Count/);
    expect(detection).toContain("[Runbook](<https://runbooks.example.com/ledger/api-5xx>)");
    expect(detection).toMatch(
      /\[CloudWatch alarm\]\(<https:\/\/ap-southeast-2\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=ap-southeast-2#alarmsV2:alarm\/ledger-api-5xx-high>\)/,
    );
    // Its brackets are escaped: no link whose destination is javascript: can form.
    expect(detection).not.toMatch(/(?<!\\)\]\(<?javascript:/);
    expect(detection).toContain("x\\](javascript:alert(1)) \\[y");
  });
});

describe("generatePostmortem: a true draft", () => {
  const DAVE = { type: "slack" as const, id: "U-dave", name: "Dave Iyer" };
  const EVE = { type: "user" as const, id: "U-eve", name: "Eve Novak" };
  const ALARMING = {
    alarmArn: ALARM_ARN,
    alarmName: "checkout-5xx",
    state: "ALARM",
    previousState: "OK",
    account: "210987654321",
    region: "eu-west-1",
  };

  it("a year-old alarm state time is not the impact start: the draft says so and no duration is built on it", () => {
    const e = entryFactory();
    const yearAgo = new Date(T - 365 * 86_400_000).toISOString();
    const timeline = [
      e(
        "incident.alarm_transition",
        tPlus(1),
        { ...ALARMING, stateTimestamp: yearAgo },
        { summary: "fired" },
      ),
      e("incident.status_changed", tPlus(60), { from: "declared", to: "resolved" }, { actor: ALICE }),
    ];
    const { metadata, markdown } = generatePostmortem({
      incident: makeIncident({ resolvedAt: tPlus(60), mitigatedAt: undefined }),
      timeline,
      now: NOW,
    });
    expect(metadata.timestamps.impact_start).toBe(tPlus(2));
    expect(metadata.timestamps.impact_start_source).toBe("declared");
    expect(metadata.durations.ttd.seconds).toBeNull();
    expect(metadata.durations.ttr.seconds).toBe(58 * 60);
    expect(sectionOf(markdown, "Impact")).toContain(
      "the detection time, not the alarm's: the alarm's state time (2025-03-14T09:40:00.000Z) is 365d 2m before the incident was created",
    );
    expect(sectionOf(markdown, "Detection")).toContain(
      "not measured: the alarm's state time was not plausible",
    );
    expect(sectionOf(markdown, "What went well")).not.toContain("detection");
    expect(sectionOf(markdown, "What went wrong")).toContain("- A late alarm: the alarm's state time");
    // No TTD question with a zero or absurd number in it.
    expect(sectionOf(markdown, "Contributing factors")).not.toMatch(/TTD/);
  });

  it("an alarm state time after detection is not taken either (clocks disagree)", () => {
    const e = entryFactory();
    const { metadata, markdown } = generatePostmortem({
      incident: makeIncident(),
      timeline: [e("incident.alarm_transition", tPlus(2), { ...ALARMING, stateTimestamp: tPlus(3) })],
      now: NOW,
    });
    expect(metadata.timestamps.impact_start).toBe(tPlus(2));
    expect(metadata.durations.ttd.seconds).toBeNull();
    expect(markdown).toContain("is after the incident was created: the clocks disagree");
  });

  it("a SEV2 nobody acknowledged: What went wrong names the unanswered pages and the failure; nothing went well about them", async () => {
    const e = entryFactory();
    const page = (id: string, who: typeof ALICE, level: number) => [
      e("page.requested", tPlus(3), { pageId: id, target: { name: who.name }, level, channel: "sms" }),
      e("page.delivered", tPlus(3.1), { pageId: id, level }),
    ];
    const timeline = [
      e(
        "escalation.started",
        tPlus(2.5),
        { levels: [{ level: 1, timeoutMinutes: 5 }] },
        { summary: "escalation started" },
      ),
      ...page("P1", ALICE, 1),
      ...page("P2", BOB, 1),
      ...page("P3", CAROL, 2),
      e(
        "incident.role_flagged",
        tPlus(3),
        {},
        { summary: "no comms lead: the comms rotation has nobody on call" },
      ),
      e("incident.status_changed", tPlus(50), { from: "declared", to: "resolved" }, { actor: DAVE }),
    ];
    const { markdown } = generatePostmortem({
      incident: makeIncident({ acknowledgedAt: undefined, mitigatedAt: undefined, resolvedAt: tPlus(50) }),
      timeline,
      now: NOW,
    });
    const wrong = sectionOf(markdown, "What went wrong");
    expect(wrong).toContain(
      "- Nobody acknowledged: 3 pages were sent (3 delivered) and none was acknowledged.",
    );
    expect(wrong).toContain("- The page escalated to level 2");
    expect(wrong).toContain("- A role gap: no comms lead: the comms rotation has nobody on call.");
    expect(sectionOf(markdown, "What went well")).not.toContain("Every page was delivered");
    // Paging, collapsed: one line per level, readable.
    const rows = sectionOf(markdown, "Timeline").split("\n");
    expect(
      rows.filter((r) => r.includes("**Paged** level 1: Alice Martin, Bob Chen by SMS/SNS (2 delivered)")),
    ).toHaveLength(1);
  });

  it("responders are everyone who acted, with what they did; a role holder who did nothing is marked so", () => {
    const e = entryFactory();
    const timeline = [
      e("incident.role_assigned", tPlus(3), roleData("ops", EVE), { actor: ALICE }),
      e(
        "incident.update_posted",
        tPlus(10),
        { text: "Rolled back checkout-api to v41", temporary: true },
        { actor: DAVE },
      ),
      e("incident.status_changed", tPlus(12), { from: "acknowledged", to: "mitigated" }, { actor: DAVE }),
      e("incident.status_changed", tPlus(30), { from: "mitigated", to: "resolved" }, { actor: DAVE }),
    ];
    const { markdown, metadata } = generatePostmortem({
      incident: makeIncident({ mitigatedAt: tPlus(12), resolvedAt: tPlus(30), acknowledgedAt: undefined }),
      timeline,
      now: NOW,
    });
    const response = sectionOf(markdown, "Response");
    expect(response).toContain("| Dave Iyer | — | applied a temporary fix, mitigated, resolved |");
    expect(response).toContain("| Alice Martin | — | assigned a role |");
    expect(response).toContain("| OPS | Eve Novak (no recorded action) |");
    // A rollback as the temporary fix reads as a follow-up, not "Roll back …: Rolled back …".
    expect(metadata.action_items[0]!.title).toBe(
      'Follow up the temporary fix "Rolled back checkout-api to v41": revert it or make it permanent',
    );
    // The summary is built from the title, the impact and the resolution.
    expect(sectionOf(markdown, "Summary")).toContain(
      "Checkout 5xx above threshold (SEV2) affected checkout for 10m, from 2026-03-14 09:42:00 UTC until it was mitigated.",
    );
  });
});

describe("generatePostmortem: sections only from facts", () => {
  const e = entryFactory();
  const quiet = [
    e("incident.status_changed", tPlus(30), { from: "acknowledged", to: "resolved" }, { actor: ALICE }),
  ];

  it("a flapping alarm is something that went wrong; without it, or pages, escalation or gaps, nothing is", () => {
    const flapped = generatePostmortem({
      incident: makeIncident({ mitigatedAt: undefined, resolvedAt: tPlus(30) }),
      timeline: [e("incident.flapping", tPlus(5), { alarmArn: ALARM_ARN }), ...quiet],
      now: NOW,
    });
    expect(sectionOf(flapped.markdown, "What went wrong")).toContain(
      "- The alarm flapped: it changed state repeatedly while the incident was open.",
    );
    const calm = generatePostmortem({
      incident: makeIncident({ mitigatedAt: undefined, resolvedAt: tPlus(30) }),
      timeline: quiet,
      now: NOW,
    });
    const wrong = sectionOf(calm.markdown, "What went wrong");
    expect(wrong).toContain("_Nothing on the timeline stands out as going wrong._");
    expect(wrong).not.toMatch(/flapped|escalated|role gap|Nobody acknowledged|late alarm/i);
    // No mitigation before resolution: that is not claimed as going well.
    expect(sectionOf(calm.markdown, "What went well")).not.toContain("mitigated");
  });

  it("the summary: title and impact, then the last stakeholder update, then the resolution", () => {
    const { markdown } = generatePostmortem({
      incident: makeIncident({
        mitigatedAt: undefined,
        resolvedAt: tPlus(30),
        summary: "Reverted the connection pool change",
      }),
      timeline: [
        e("incident.update_posted", tPlus(8), { text: "Investigating checkout errors" }, { actor: ALICE }),
        e("incident.update_posted", tPlus(20), { text: "A fix is rolling out" }, { actor: BOB }),
        ...quiet,
      ],
      now: NOW,
    });
    const summary = sectionOf(markdown, "Summary");
    const title = summary.indexOf("Checkout 5xx above threshold (SEV2) affected checkout for ");
    const update = summary.indexOf("The last stakeholder update, by Bob Chen at ");
    const resolution = summary.indexOf("Resolution: Reverted the connection pool change");
    expect(title).toBeGreaterThan(-1);
    expect(update).toBeGreaterThan(title);
    expect(resolution).toBeGreaterThan(update);
    expect(summary).toContain(": A fix is rolling out");
    expect(summary).not.toContain("Investigating checkout errors");
  });
});

describe("generatePostmortem: the timeline never shows a raw kind (property)", () => {
  const KNOWN = [
    "incident.declared",
    "incident.alarm_transition",
    "incident.status_changed",
    "incident.role_assigned",
    "incident.role_flagged",
    "incident.update_posted",
    "incident.severity_changed",
    "incident.alarm_attached",
    "incident.merged",
    "incident.merge_received",
    "incident.linked",
    "incident.unlinked",
    "incident.flapping",
    "incident.responder_requested",
    "incident.escalation_requested",
    "page.requested",
    "page.delivered",
    "page.failed",
    "page.acknowledged",
    "escalation.started",
    "escalation.escalated",
    "escalation.level_skipped",
    "escalation.stopped",
    "maintenance.alarm_held",
    "slack.channel_failed",
  ];
  it("whatever the entries, and even when an entry's summary is its kind", () => {
    const kind = fc.oneof(fc.constantFrom(...KNOWN), fc.stringMatching(/^[a-z]{3,8}\.[a-z_]{3,12}$/));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(kind, fc.boolean(), fc.integer({ min: 0, max: 59 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (specs) => {
          const e = entryFactory();
          const timeline = specs.map(([k, bare, minute]) =>
            e(
              k,
              tPlus(minute),
              { pageId: `P${minute}`, level: 1, channel: "sms", ...(minute % 2 ? { to: "resolved" } : {}) },
              bare ? {} : { summary: "something happened" },
            ),
          );
          const { markdown } = generatePostmortem({ incident: makeIncident(), timeline, now: NOW });
          const section = sectionOf(markdown, "Timeline");
          for (const [k] of specs) expect(section).not.toContain(k);
        },
      ),
      { numRuns: 200 },
    );
  });
});
