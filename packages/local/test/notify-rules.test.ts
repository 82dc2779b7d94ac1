/**
 * Personal notification rules end to end through the local runtime (issue 21 item 1), on a clock
 * the test moves: Alice sets "Slack at once, SMS at 2 minutes, a call at 5" through the API; a
 * SEV1 sends her the Slack DM at once, the SMS at 2 minutes, and when she acknowledges at 3
 * minutes the call is never made. Her rules are validated with path-named errors, kept when the
 * directory is applied again, shown by `directory show --person` and by `/incident me` (which
 * edits them too); only she or an admin may change them.
 */
import { randomUUID } from "node:crypto";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { sweepEscalations } from "@firebreak/core/paging/service";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { alarmStateChangeEvent } from "../src/alarm-events";
import { showDirectory } from "../src/directory-cli";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, sendAlarmEvent, slashCommand, startTestRuntime, whenDefined } from "./support/runtime";

const ORIGINATION = "arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-7f3e2d1c0b9a";
const ALICE_PHONE = "+12025550147";
const DIRECTORY = `
version: 1
people:
  - { id: alice, name: Alice Ng, slackUserId: U0ALICE001, phone: "${ALICE_PHONE}", timezone: America/New_York }
  - { id: bob, name: Bob Ortiz, slackUserId: U0BOB00001, phone: "+12025550148", timezone: America/New_York }
teams:
  - id: checkout
    name: Checkout
    services: [checkout]
    rotations:
      - id: checkout-primary
        members: [alice]
        shift: { type: weekly }
        handoffTime: "09:00"
        timezone: America/New_York
        start: "2026-01-05"
    escalationPolicy:
      levels:
        - targets: [{ type: rotation, id: checkout-primary }]
          timeoutMinutes: 30
      fallback: { type: person, id: bob }
`;

// 2026-03-08 06:55 UTC: the US clocks spring forward at 07:00 UTC, during the test's minutes.
const START = Date.parse("2026-03-08T06:55:00.000Z");
let skipped = 0;
const started = performance.now();
const clock = { now: () => new Date(START + (performance.now() - started) + skipped) };
const tableName = `notify-${randomUUID().slice(0, 8)}`;

let runtime: LocalRuntime;
let alice: string;
let bob: string;
let admin: string;
const call = apiCaller(
  () => runtime,
  () => alice,
);
const RULES = "/api/people/alice/notification-rules";

beforeAll(async () => {
  runtime = await startTestRuntime("notify-rules", {
    clock,
    tableName,
    demoDirectory: null,
    sweepIntervalMs: 3_600_000,
    settings: { FIREBREAK_VOICE_ORIGINATION: ORIGINATION },
  });
  await runtime.paging.directory.apply(parseDirectoryYaml(DIRECTORY), 0, {
    actor: { type: "user", id: "test", name: "notify-rules test" },
  });
  alice = await runtime.apiToken("responder", "alice");
  bob = await runtime.apiToken("responder", "bob");
  admin = await runtime.apiToken("admin", "maria");
}, 60_000);
afterAll(() => runtime.stop());

async function minutesPass(minutes: number) {
  skipped += minutes * 60_000;
  await sweepEscalations(runtime.paging);
}

describe("personal notification rules, through the local runtime", () => {
  it("are the default until set; only the person or an admin sets them, with path-named errors", async () => {
    const initial = await call(RULES, { token: bob });
    expect(initial.status).toBe(200);
    expect(initial.json).toMatchObject({
      personId: "alice",
      source: "default",
      summary: { high: "SMS at once, Slack DM at once, call at 5 min", low: "SMS at once, Slack DM at once" },
      reachable: { slack: true, phone: true },
    });

    const rules = {
      high: [
        { method: "voice", delayMinutes: 5 },
        { method: "slack", delayMinutes: 0 },
        { method: "sms", delayMinutes: 2 },
      ],
      low: [{ method: "slack", delayMinutes: 0 }],
    };
    const byBob = await call(RULES, { method: "PUT", body: rules, token: bob });
    expect(byBob.status).toBe(403);
    expect(byBob.json.detail).toContain("you may edit your own notification rules (bob), not alice's");

    const bad = await call(RULES, {
      method: "PUT",
      body: { high: [{ method: "email", delayMinutes: 0 }], low: [{ method: "sms", delayMinutes: 2000 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path)).toEqual([
      "high[0].method",
      "low[0].delayMinutes",
    ]);
    const twice = await call(RULES, {
      method: "PUT",
      body: {
        high: [
          { method: "sms", delayMinutes: 0 },
          { method: "sms", delayMinutes: 3 },
        ],
        low: rules.low,
      },
    });
    expect(twice.status).toBe(400);
    expect(twice.json.issues).toEqual([
      { path: "high[1].method", message: "sms twice: each method at most once" },
    ]);
    // A viewer is paged too when on call: they edit their own rules (and only theirs).
    const bobViewer = await runtime.apiToken("viewer", "bob");
    const own = await call("/api/people/bob/notification-rules", {
      method: "PUT",
      body: { high: [{ method: "sms", delayMinutes: 0 }], low: [{ method: "slack", delayMinutes: 0 }] },
      token: bobViewer,
    });
    expect(own).toMatchObject({
      status: 200,
      json: { source: "personal", summary: { high: "SMS at once" } },
    });
    expect((await call(RULES, { method: "PUT", body: rules, token: bobViewer })).status).toBe(403);
    const reset = await call("/api/people/bob/notification-rules", {
      method: "PUT",
      body: { reset: true },
      token: bobViewer,
    });
    expect(reset.json.source).toBe("default");
    expect(
      (
        await call("/api/people/bob/notification-rules", {
          method: "PUT",
          body: { reset: false },
          token: bobViewer,
        })
      ).status,
    ).toBe(400);
    const missing = await call("/api/people/nobody/notification-rules", {
      method: "PUT",
      body: rules,
      token: admin,
    });
    expect(missing.status).toBe(404);

    const saved = await call(RULES, { method: "PUT", body: rules });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({
      source: "personal",
      rules: {
        high: [
          { method: "slack", delayMinutes: 0 },
          { method: "sms", delayMinutes: 2 },
          { method: "voice", delayMinutes: 5 },
        ],
      },
      summary: { high: "Slack DM at once, SMS at 2 min, call at 5 min", low: "Slack DM at once" },
      updatedBy: { id: "alice" },
    });

    // Applying the directory again keeps them; the CLI shows them with their source.
    const current = await runtime.paging.directory.get();
    await runtime.paging.directory.apply(parseDirectoryYaml(DIRECTORY), current?.version, {
      actor: { type: "user", id: "test", name: "notify-rules test" },
    });
    expect((await call(RULES)).json.source).toBe("personal");
    const shown: string[] = [];
    await showDirectory({ table: tableName, endpoint: inject("dynamoEndpoint"), person: "alice" }, (line) =>
      shown.push(line),
    );
    expect(shown).toEqual(
      expect.arrayContaining([
        "Alice Ng (alice), time zone America/New_York",
        `  Phone:  ${ALICE_PHONE}  SMS UNVERIFIED; call UNVERIFIED`,
        "  Rotations: checkout-primary (team checkout)",
        expect.stringMatching(/^ {2}Notification rules \(their own, set .+ by Alice Ng\):$/),
        "    high urgency: Slack DM at once, SMS at 2 min, call at 5 min",
        "    low urgency:  Slack DM at once",
      ]),
    );
  });

  it("/incident me shows them and edits the person's own", async () => {
    const shown = await slashCommand(runtime, "me", "U0ALICE001", clock.now());
    expect(shown.response_type).toBe("ephemeral");
    expect(shown.text).toContain("*High urgency*: Slack DM at once, SMS at 2 min, call at 5 min");
    const low = await slashCommand(runtime, "me low slack sms:30", "U0ALICE001", clock.now());
    expect(low.text).toContain("Your notification rules are saved.");
    expect(low.text).toContain("*Low urgency*: Slack DM at once, SMS at 30 min");
    expect((await call(RULES)).json.rules.high.map((s: { method: string }) => s.method)).toEqual([
      "slack",
      "sms",
      "voice",
    ]);
    const wrong = await slashCommand(runtime, "me high fax:1", "U0ALICE001", clock.now());
    expect(wrong.text).toContain('"fax:1" is not a step');
    const outsider = await slashCommand(runtime, "me", "U0STRANGER", clock.now());
    expect(outsider.text).toContain("You are not in the on-call directory");
  });

  it("Slack at 0, SMS at 2, a call at 5: acknowledged at 3 minutes, she gets the DM and the SMS and no call", {
    timeout: 120_000,
  }, async () => {
    const opened = await sendAlarmEvent(
      runtime,
      alarmStateChangeEvent({
        name: "checkout-payments-down",
        state: "ALARM",
        service: "checkout",
        severity: "sev1",
        account: "111122223333",
        region: "us-east-1",
        at: new Date(clock.now().getTime() - 30_000),
      }),
    );
    const id = opened.incidentId!;
    const pagesTo = async () =>
      (await runtime.paging.pages.listPages(id)).filter(
        (p) => p.target.kind === "person" && p.target.personId === "alice" && p.delivery !== "requested",
      );
    const dm = await whenDefined(async () => (await pagesTo()).find((p) => p.channel === "slack"));
    expect(dm.delivery).toBe("delivered");
    expect((await pagesTo()).map((p) => p.channel)).toEqual(["slack"]);

    await minutesPass(2);
    const sms = await whenDefined(async () => (await pagesTo()).find((p) => p.channel === "sns"));
    expect(sms.delivery).toBe("delivered");
    expect(runtime.fakeSns.published.some((m) => m.phoneNumber === ALICE_PHONE)).toBe(true);

    skipped += 60_000;
    const ack = await call(`/api/incidents/${id}/ack`, { body: {} });
    expect(ack.status).toBe(200);

    await minutesPass(3);
    expect((await pagesTo()).map((p) => p.channel).sort()).toEqual(["slack", "sns"]);
    expect(runtime.fakeSmsVoice.calls.filter((c) => c.destinationPhoneNumber === ALICE_PHONE)).toEqual([]);
    const timeline = (await runtime.store.getIncidentWithTimeline(id))!.timeline.map((e) => e.summary);
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^call to Alice Ng waits 5 min \(Alice Ng's notification rules\)/),
        "held call to Alice Ng not sent: acknowledged",
      ]),
    );
  });
});
