import { alarmRefOf } from "@firebreak/core/alarm/context";
import { normaliseAlarmEvent } from "@firebreak/core/alarm/normalise";
import type { Incident } from "@firebreak/core/incident/model";
import { fixture } from "@firebreak/testkit/fixtures";
import { describe, expect, it } from "vitest";
import { incidentMessage, postmortemSummary, postmortemUrl, relationLines, statusReport } from "./messages";

function alarmIncident(file: string): Incident {
  const result = normaliseAlarmEvent(fixture(file));
  if (result.kind !== "transitions") throw new Error(`${file} did not normalise`);
  const t = result.transitions[0]!;
  return {
    id: "01JQ4Z8K5W0000000000000000",
    number: 7,
    title: t.alarmName,
    severity: "SEV2",
    status: "declared",
    services: ["ledger"],
    locations: [{ account: t.account, region: t.region }],
    source: "alarm",
    alarm: alarmRefOf(t),
    flapping: false,
    createdAt: "2026-03-14T09:42:13.274Z",
    updatedAt: "2026-03-14T09:42:13.274Z",
    version: 1,
  };
}

describe("the incident channel's summary and /incident status show the alarm's context", () => {
  it("the pinned summary: crossing, metric, runbook and console links", () => {
    const text = JSON.stringify(
      incidentMessage(alarmIncident("sns/sns-lambda-event-single-metric-alarm.json")).blocks,
    );
    expect(text).toContain("*Crossing:* value 88 &gt;= threshold 40");
    expect(text).toContain("*Metric:* AWS/ApplicationELB HTTPCode_Target_5XX_Count");
    expect(text).toContain("<https://runbooks.example.com/ledger/api-5xx|Runbook>");
    expect(text).toMatch(
      /<https:\/\/ap-southeast-2\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=ap-southeast-2#alarmsV2:alarm\/ledger-api-5xx-high\|CloudWatch alarm>/,
    );
  });

  it("a composite: the children that triggered it", () => {
    const text = statusReport(alarmIncident("eventbridge/eb-composite-ok-to-alarm.json"), []).text;
    expect(text).toMatch(/\*Triggered by:\* \S+/);
    expect(text).toContain("|CloudWatch alarm>");
  });
});

describe("merged and linked incidents in the summary and /incident status", () => {
  const ref = (number: number, title: string) => ({
    id: `01JQ4Z8K5W00000000000000${number}0`.slice(0, 26),
    number,
    title,
    at: "2026-03-14T10:00:00.000Z",
  });
  it("names what it was merged into, what was merged into it and what it is linked to, escaped", () => {
    const base = alarmIncident("sns/sns-lambda-event-single-metric-alarm.json");
    const duplicate = { ...base, status: "resolved" as const, mergedInto: ref(3, "Checkout <down>") };
    expect(relationLines(duplicate)).toEqual([
      "↪ Merged into INC-3 (Checkout &lt;down&gt;): follow it there.",
    ]);
    const survivor = {
      ...base,
      merged: [1, 2, 4, 5, 6, 8].map((n) => ref(n, `dup ${n}`)),
      links: [ref(9, "DNS last week")],
    };
    expect(relationLines(survivor)).toEqual([
      "⤵ Merged into this: INC-1 (dup 1), INC-2 (dup 2), INC-4 (dup 4), INC-5 (dup 5), INC-6 (dup 6) and 1 more",
      "🔗 Related: INC-9 (DNS last week)",
    ]);
    expect(JSON.stringify(incidentMessage(survivor).blocks)).toContain("🔗 Related: INC-9 (DNS last week)");
    expect(statusReport(duplicate, []).text).toContain("↪ Merged into INC-3");
  });
});

describe("the postmortem post and the Markdown say a duration the same way", () => {
  it("a 639-day time to resolve reads as the Markdown reads it, not as 15337 h", async () => {
    const { generatePostmortem } = await import("@firebreak/core/postmortem/generate");
    const incident = alarmIncident("sns/sns-lambda-event-single-metric-alarm.json");
    const resolved = { ...incident, status: "resolved" as const, resolvedAt: "2027-12-13T10:47:42.274Z" };
    const generated = generatePostmortem({
      incident: resolved,
      timeline: [],
      now: new Date("2027-12-14T00:00:00Z"),
    });
    const ttr = generated.metadata.durations.ttr.seconds!;
    const post = postmortemSummary(resolved, {
      ...generated,
      version: 1,
      origin: "generated",
      createdAt: "2027-12-14T00:00:00.000Z",
    } as unknown as Parameters<typeof postmortemSummary>[1]);
    const said = /Time to resolve: (.+)$/m.exec(post.text)?.[1];
    expect(said).toBe("639d 1h 5m 29s");
    expect(generated.markdown).toContain(`(TTR ${said}, resolved − impact start)`);
    expect(ttr).toBe(639 * 86_400 + 3600 + 5 * 60 + 29);
  });

  it("links to the dashboard's postmortem page, escaped for Slack; no link without a dashboard", () => {
    const resolved: Incident = {
      ...alarmIncident("sns/sns-lambda-event-single-metric-alarm.json"),
      status: "resolved",
    };
    const draft = {
      markdown: "# Postmortem",
      version: 3,
      origin: "human",
      createdAt: "2026-03-14T11:00:00.000Z",
      metadata: {
        durations: { ttr: { seconds: 600 } },
        lint: [],
        release_involved: { value: "suspected", references: ["01J000000000000000000000D1"] },
      },
    } as unknown as Parameters<typeof postmortemSummary>[1];
    const url = `https://firebreak.example/incidents/${resolved.id}`;
    const text = postmortemSummary(resolved, draft, url).text;
    expect(text).toContain(
      "Release involved: suspected (changes before the impact), to confirm with `/incident postmortem release yes|no`",
    );
    expect(text).toContain(`<${url}/postmortem|Read and edit the postmortem in the dashboard>`);
    expect(text).toContain("Version 3 (edited)");
    expect(postmortemSummary(resolved, draft).text).not.toContain("dashboard");
    // A dashboard under a path, with a trailing slash; characters that would end a Slack link are escaped.
    expect(postmortemUrl("https://example.com/fb/incidents/INC-7/")).toBe(
      "https://example.com/fb/incidents/INC-7/postmortem",
    );
    expect(postmortemSummary(resolved, draft, "https://example.com/incidents/a|b>c").text).toContain(
      "<https://example.com/incidents/a%7Cb%3Ec/postmortem|",
    );
  });
});
