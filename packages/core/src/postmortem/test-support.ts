/**
 * Test factories for postmortem (and metrics) tests: incidents, actors and timeline entries.
 * Not imported by production code.
 */
import type { Actor, Incident } from "../incident/model";
import type { Role, TimelineEntry } from "../incident/timeline";

/** The scripted incident's base instant: the alarm's own ALARM state time. */
export const T = Date.parse("2026-03-14T09:40:00.000Z");
/** `T + minutes`, as ISO. */
export const tPlus = (minutes: number) => new Date(T + minutes * 60_000).toISOString();

export const INCIDENT_ID = "01JQ7PM0000000000000000000";
export const ALARM_ARN = "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:checkout-5xx";

export const person = (id: string, name?: string): Actor => ({ type: "user", id, ...(name ? { name } : {}) });
export const ALICE = person("U-alice", "Alice Martin");
export const BOB = person("U-bob", "Bob Chen");
export const CAROL = person("U-carol", "Carol Diaz");
export const ALARM_ACTOR: Actor = { type: "alarm", id: ALARM_ARN, name: "checkout-5xx" };
export const PAGER: Actor = { type: "system", id: "firebreak" };

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: INCIDENT_ID,
    number: 42,
    title: "Checkout 5xx above threshold",
    severity: "SEV2",
    status: "resolved",
    services: ["checkout"],
    locations: [{ account: "210987654321", region: "eu-west-1" }],
    source: "alarm",
    alarm: { name: "checkout-5xx", arn: ALARM_ARN, account: "210987654321", region: "eu-west-1" },
    flapping: false,
    createdAt: tPlus(2),
    updatedAt: tPlus(60),
    version: 9,
    ...overrides,
  };
}

/** Builds entries with sortable ids (`<prefix>00000001`, …) in the order they are made. */
export function entryFactory(incidentId = INCIDENT_ID, prefix = "E") {
  let seq = 0;
  return (
    kind: string,
    at: string,
    data: Record<string, unknown>,
    options: { actor?: Actor; summary?: string; id?: string } = {},
  ): TimelineEntry => {
    seq++;
    return {
      id: options.id ?? `${prefix}${String(seq).padStart(8, "0")}`,
      incidentId,
      kind,
      actor: options.actor ?? PAGER,
      at,
      summary: options.summary ?? kind,
      data,
    };
  };
}

export const roleData = (role: Role, who: Actor, previous?: { who: Actor; since: string }) => ({
  role,
  personId: who.id,
  personName: who.name,
  ...(previous
    ? { previous: { personId: previous.who.id, personName: previous.who.name, since: previous.since } }
    : {}),
});

/**
 * The scripted incident: checkout-5xx goes to ALARM at T; the incident is declared at T+2;
 * Alice is IC at T+3; Alice is paged at T+3 (delivered), Bob's page fails (escalation level 2);
 * Alice acknowledges at T+5 (page and status); Bob posts a temporary mitigation at T+20;
 * mitigated at T+30; IC handed off to Carol at T+40; resolved at T+60.
 */
export function scriptedIncident(): { incident: Incident; timeline: TimelineEntry[] } {
  const e = entryFactory();
  const timeline: TimelineEntry[] = [
    e(
      "incident.alarm_transition",
      tPlus(0.5),
      {
        alarmArn: ALARM_ARN,
        alarmName: "checkout-5xx",
        state: "ALARM",
        previousState: "OK",
        reason:
          "Threshold Crossed: 3 datapoints were greater than the threshold (25.0); latency should have stayed below 300 ms",
        stateTimestamp: tPlus(0),
        late: false,
        account: "210987654321",
        region: "eu-west-1",
      },
      { actor: ALARM_ACTOR, summary: "checkout-5xx: alarm fired" },
    ),
    e(
      "incident.declared",
      tPlus(2),
      {
        number: 42,
        title: "Checkout 5xx above threshold",
        severity: "SEV2",
        services: ["checkout"],
        source: "alarm",
        alarm: { name: "checkout-5xx", arn: ALARM_ARN, account: "210987654321", region: "eu-west-1" },
      },
      { actor: ALARM_ACTOR, summary: "INC-42 declared from alarm checkout-5xx (SEV2, checkout)" },
    ),
    e("incident.role_assigned", tPlus(3), roleData("ic", ALICE), {
      actor: ALICE,
      summary: "Alice Martin assigned as IC by Alice Martin",
    }),
    e(
      "page.requested",
      tPlus(3),
      { pageId: "P1", target: { personId: ALICE.id, name: ALICE.name }, level: 1, channel: "sms" },
      { summary: "Paging Alice Martin (level 1, sms)" },
    ),
    e(
      "page.delivered",
      tPlus(3.5),
      { pageId: "P1", target: { personId: ALICE.id, name: ALICE.name }, level: 1, channel: "sms" },
      { summary: "Page to Alice Martin delivered" },
    ),
    e(
      "page.requested",
      tPlus(4),
      { pageId: "P2", target: { personId: BOB.id, name: BOB.name }, level: 2, channel: "voice" },
      { summary: "Paging Bob Chen (level 2, voice)" },
    ),
    e(
      "page.failed",
      tPlus(4.5),
      {
        pageId: "P2",
        target: { personId: BOB.id, name: BOB.name },
        level: 2,
        channel: "voice",
        error: "carrier rejected | code 21614",
      },
      { summary: "Page to Bob Chen failed" },
    ),
    e(
      "page.acknowledged",
      tPlus(5),
      { pageId: "P1", target: { personId: ALICE.id, name: ALICE.name }, level: 1, channel: "sms" },
      { actor: ALICE, summary: "Alice Martin acknowledged the page" },
    ),
    e(
      "incident.status_changed",
      tPlus(5),
      { from: "declared", to: "acknowledged" },
      { actor: ALICE, summary: "acknowledged by Alice Martin" },
    ),
    e(
      "incident.update_posted",
      tPlus(20),
      { text: "Scaled checkout to 12 tasks and disabled the recommendations widget", temporary: true },
      {
        actor: BOB,
        summary:
          "temporary mitigation from Bob Chen: Scaled checkout to 12 tasks and disabled the recommendations widget",
      },
    ),
    e(
      "incident.update_posted",
      tPlus(25),
      { text: "Error rate back under 1%", temporary: false },
      { actor: ALICE, summary: "update from Alice Martin: Error rate back under 1%" },
    ),
    e(
      "incident.status_changed",
      tPlus(30),
      { from: "acknowledged", to: "mitigated", summary: "rolled back the 09:31 deploy" },
      { actor: ALICE, summary: "mitigated by Alice Martin: rolled back the 09:31 deploy" },
    ),
    e("incident.role_assigned", tPlus(40), roleData("ic", CAROL, { who: ALICE, since: tPlus(3) }), {
      actor: ALICE,
      summary: "IC handed off from Alice Martin to Carol Diaz by Alice Martin",
    }),
    e(
      "incident.status_changed",
      tPlus(60),
      { from: "mitigated", to: "resolved", summary: "error rate normal for 30 minutes" },
      { actor: CAROL, summary: "resolved by Carol Diaz: error rate normal for 30 minutes" },
    ),
  ];
  const incident = makeIncident({
    acknowledgedAt: tPlus(5),
    mitigatedAt: tPlus(30),
    resolvedAt: tPlus(60),
    summary: "A bad deploy raised checkout's 5xx rate to 12% for 28 minutes.",
    roles: { ic: { personId: CAROL.id, personName: CAROL.name, assignedAt: tPlus(40) } },
  });
  return { incident, timeline };
}

/** A manual incident: declared by Alice at T, acknowledged at T+4, resolved at T+50; no alarm. */
export function manualIncident(): { incident: Incident; timeline: TimelineEntry[] } {
  const e = entryFactory();
  const incident = makeIncident({
    source: "manual",
    alarm: undefined,
    locations: [],
    createdAt: tPlus(0),
    acknowledgedAt: tPlus(4),
    resolvedAt: tPlus(50),
    title: "Customers report failed logins",
    services: ["auth"],
    severity: "SEV3",
  });
  const timeline = [
    e(
      "incident.declared",
      tPlus(0),
      { number: 42, title: incident.title, severity: "SEV3", services: ["auth"], source: "manual" },
      { actor: ALICE, summary: "INC-42 declared by Alice Martin (SEV3, auth)" },
    ),
    e("incident.status_changed", tPlus(4), { from: "declared", to: "acknowledged" }, { actor: ALICE }),
    e("incident.status_changed", tPlus(50), { from: "acknowledged", to: "resolved" }, { actor: ALICE }),
  ];
  return { incident, timeline };
}

/** A timeline of `n` entries (a mix of kinds), for benchmarks and size tests. */
export function largeTimeline(n: number): { incident: Incident; timeline: TimelineEntry[] } {
  const { incident, timeline } = scriptedIncident();
  const e = entryFactory();
  const out: TimelineEntry[] = [];
  const people = [ALICE, BOB, CAROL];
  const span = 55 * 60_000;
  for (let i = 0; i < n; i++) {
    const at = new Date(T + 2 * 60_000 + Math.floor((i / Math.max(1, n)) * span)).toISOString();
    const who = people[i % 3]!;
    const id = `L${String(i).padStart(9, "0")}`;
    switch (i % 5) {
      case 0:
        out.push(
          e(
            "incident.update_posted",
            at,
            { text: `update ${i}: still investigating`, temporary: i % 50 === 0 },
            {
              actor: who,
              summary: `update from ${who.name}: update ${i}: still investigating`,
              id,
            },
          ),
        );
        break;
      case 1:
        out.push(
          e(
            "page.requested",
            at,
            { pageId: `B${i}`, target: { name: who.name }, level: i % 4, channel: "sms" },
            {
              summary: `Paging ${who.name}`,
              id,
            },
          ),
        );
        break;
      case 2:
        out.push(
          e(
            "page.delivered",
            at,
            { pageId: `B${i - 1}`, level: (i - 1) % 4 },
            {
              summary: `Page to ${who.name} delivered`,
              id,
            },
          ),
        );
        break;
      case 3:
        out.push(
          e(
            "incident.alarm_transition",
            at,
            {
              alarmArn: ALARM_ARN,
              alarmName: "checkout-5xx",
              state: i % 2 ? "OK" : "ALARM",
              reason: "Threshold Crossed",
              stateTimestamp: at,
              late: false,
            },
            { actor: ALARM_ACTOR, summary: "checkout-5xx: state change", id },
          ),
        );
        break;
      default:
        out.push(
          e("incident.role_assigned", at, roleData(i % 2 ? "ops" : "comms", who), {
            actor: who,
            summary: `${who.name} assigned`,
            id,
          }),
        );
    }
  }
  // The scripted entries keep their ids (E…); the bulk entries sort by time among them.
  return {
    incident,
    timeline: [...timeline, ...out].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
}
