/**
 * Action items end to end through the local runtime (issue 17): `/incident action …` in Slack →
 * the item and its `action_item.created` entry → the outbox → the bus → ActionItemSync (the same
 * handler and subscription as the cloud's) → the team's tracker: GitHub, Jira Cloud and Linear,
 * each an HTTP fake that the real clients call. Exactly one issue each, however often the event is
 * delivered; closing the issue there marks the item done here, on demand and on the schedule.
 */
import { eventFromEntry } from "@firebreak/core/events/publisher";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { testClock } from "@firebreak/testkit/clock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeTrackers, startFakeTrackers } from "../src/fake-trackers";
import type { LocalRuntime } from "../src/runtime";
import { apiCaller, slashCommand, startTestRuntime, whenDefined } from "./support/runtime";

const TEAMS = {
  github: { kind: "github", repo: "acme/ops" },
  jira: { kind: "jira", site: "https://acme.atlassian.net", project: "OPS" },
  linear: { kind: "linear", teamId: "9cfb482a-81e3-4154-b5b9-2c805e70a02d" },
} as const;

const DIRECTORY_YAML = `
version: 1
people:
  - { id: ann, name: Ann Lee, slackUserId: U01ANN0001, phone: "+12025550101", timezone: UTC }
teams:
${(Object.keys(TEAMS) as (keyof typeof TEAMS)[])
  .map(
    (kind) => `  - id: team-${kind}
    name: Team ${kind}
    services: [svc-${kind}]
    rotations:
      - { id: ${kind}-primary, members: [ann], shift: { type: weekly }, handoffTime: "09:00", timezone: UTC, start: "2026-03-01" }
    escalationPolicy:
      levels: [{ targets: [{ type: rotation, id: ${kind}-primary }], timeoutMinutes: 5 }]
      fallback: { type: person, id: ann }
    tracker: ${JSON.stringify(TEAMS[kind])}`,
  )
  .join("\n")}
`;

let fake: FakeTrackers;
let runtime: LocalRuntime;
let responder: string;
const call = apiCaller(
  () => runtime,
  () => responder,
);

/** The runtime's clock: pinned, advancing with real time, so due dates and signatures agree with it. */
const clock = testClock();

beforeAll(async () => {
  fake = await startFakeTrackers();
  runtime = await startTestRuntime("action-items", {
    clock,
    demoDirectory: null,
    sweepIntervalMs: 3_600_000,
    settings: {
      FIREBREAK_GITHUB_API_URL: fake.url,
      FIREBREAK_LINEAR_API_URL: `${fake.url}/graphql`,
      FIREBREAK_JIRA_API_URL: fake.url,
      FIREBREAK_JIRA_EMAIL: fake.jira.email,
      FIREBREAK_GITHUB_TOKEN: fake.githubToken,
      FIREBREAK_JIRA_API_TOKEN: fake.jira.apiToken,
      FIREBREAK_LINEAR_API_KEY: fake.linearApiKey,
    },
  });
  await runtime.paging.directory.apply(parseDirectoryYaml(DIRECTORY_YAML), 0, {
    actor: { type: "user", id: "test", name: "action items test" },
  });
  responder = await runtime.apiToken("responder", "ann");
}, 60_000);
afterAll(async () => {
  await runtime?.stop();
  await fake?.stop();
});

describe("action items, through the local runtime", () => {
  it.each(Object.keys(TEAMS) as (keyof typeof TEAMS)[])(
    "an item made in Slack becomes one %s issue, even redelivered; closed there, it is done here",
    { timeout: 60_000 },
    async (kind) => {
      const declared = await call("/api/incidents", {
        body: { title: `${kind} errors`, severity: "SEV3", service: `svc-${kind}` },
      });
      expect(declared.status).toBe(201);
      const due = new Date(clock.now().getTime() + 14 * 86_400_000).toISOString().slice(0, 10);
      const answer = await slashCommand(
        runtime,
        `action "Alert on ${kind} queue depth" me due:${due} INC-${declared.json.number}`,
        "U01ANN0001",
        clock.now(),
      );
      expect(answer.response_type).toBe("in_channel");
      const id = /\*(AI-\d+-\d+)\*/.exec(answer.text ?? "")?.[1];
      expect(id).toBeDefined();

      // The outbox publishes action_item.created; the sync makes the issue and records it.
      const synced = await whenDefined(async () => {
        const item = (await call(`/api/action-items/${id}`)).json;
        return item.tracker ? item : undefined;
      });
      expect(synced.tracker).toMatchObject({ kind, state: "open" });
      expect(fake.creates[kind]).toBe(1);

      // The same event delivered again (EventBridge is at least once): still one issue.
      const created = runtime.bus
        .recentEvents()
        .filter(
          (e) => e["detail-type"] === "action_item.created" && e.detail.detail.data.actionItemId === id,
        );
      expect(created).toHaveLength(1);
      const again = eventFromEntry(created[0]!.detail.detail);
      await runtime.bus.publishAndWait([again, again]);
      expect(fake.creates[kind]).toBe(1);

      // Closed in the tracker → done here, on demand.
      const issue = fake.issues.find((i) => i.kind === kind && i.title === `Alert on ${kind} queue depth`)!;
      fake.close(kind, kind === "github" ? String(issue.number) : issue.key);
      const pulled = await call(`/api/action-items/${id}/sync`, { body: {} });
      expect(pulled.status).toBe(200);
      expect(pulled.json).toMatchObject({
        outcome: "closed",
        item: { status: "done", tracker: { state: "closed" } },
      });
      const timeline = (await call(`/api/incidents/${declared.json.id}`)).json.timeline as {
        kind: string;
        actor: { id: string };
      }[];
      expect(timeline.filter((e) => e.kind === "action_item.updated").map((e) => e.actor.id)).toEqual([kind]);
    },
  );
});
