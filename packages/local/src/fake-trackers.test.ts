/**
 * The tracker sync (core/action-items/sync.ts) with the real fetch clients (trackers.ts) against
 * the HTTP fakes of GitHub, Jira Cloud and Linear, and the real DynamoDB store: one issue per item
 * under redelivery, concurrent runs and a crash between the tracker's create and our record;
 * closing there marks the item done here; failures are recorded with a backoff and never lose it.
 */
import { readFileSync } from "node:fs";
import { createActionItem } from "@firebreak/core/action-items/actions";
import type { ActionItem } from "@firebreak/core/action-items/model";
import { pullActionItems, type SyncDeps, syncActionItem } from "@firebreak/core/action-items/sync";
import { type TrackerConfig, trackerFor } from "@firebreak/core/action-items/trackers";
import { ActionItemStore } from "@firebreak/core/adapters/dynamodb/action-items/store";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { declareIncident } from "@firebreak/core/incident/actions";
import type { Actor, Incident } from "@firebreak/core/incident/model";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeTrackers, startFakeTrackers } from "./fake-trackers";

const DIRECTORY = parseDirectoryYaml(
  readFileSync(new URL("../../../examples/directory.yaml", import.meta.url), "utf8"),
);
const ALICE: Actor = { type: "user", id: "alice", name: "Alice Moreau" };
const T0 = Date.parse("2026-12-03T10:00:00.000Z");

let fake: FakeTrackers;
let store: IncidentStore;
let items: ActionItemStore;
let incident: Incident;
let now = T0;
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  fake = await startFakeTrackers();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(async () => {
  store = storeFor(await createTestTable("sync"));
  items = new ActionItemStore(store.db, store.tableName);
  now = T0;
  fake.issues.length = 0;
  for (const kind of ["github", "jira", "linear"] as const) {
    fake.creates[kind] = 0;
    fake.fail(kind, 0, 0);
  }
  incident = await declareIncident(
    { store, clock },
    { title: "checkout 5xx", severity: "SEV2", services: ["checkout"] },
    ALICE,
  );
});

const CONFIGS: Record<"github" | "jira" | "linear", TrackerConfig> = {
  github: { kind: "github", repo: "acme/ops" },
  jira: { kind: "jira", site: "", project: "OPS" },
  linear: { kind: "linear", teamId: "9cfb482a-81e3-4154-b5b9-2c805e70a02d" },
};

/** The Jira site is the fake's URL. */
const configOf = (kind: keyof typeof CONFIGS): TrackerConfig =>
  kind === "jira" ? { kind: "jira", site: fake.url, project: "OPS" } : CONFIGS[kind];

function deps(kind: keyof typeof CONFIGS, creds: { githubToken?: string } = {}): SyncDeps {
  const tracker = trackerFor(configOf(kind), {
    githubToken: creds.githubToken ?? fake.githubToken,
    githubApiUrl: fake.url,
    jiraEmail: fake.jira.email,
    jiraApiToken: fake.jira.apiToken,
    linearApiKey: fake.linearApiKey,
    linearApiUrl: `${fake.url}/graphql`,
  });
  return {
    store: items,
    trackerOf: () => tracker,
    linkOf: (item) => `https://d3k9x2m7q1w8ze.cloudfront.net/incidents/INC-${item.incidentNumber}/postmortem`,
    clock,
    random: () => 0.5,
  };
}

const create = async (title = "Add a pre-deploy check") =>
  (
    await createActionItem(
      { actionItems: items, incidents: store, directory: async () => DIRECTORY, clock },
      incident.id,
      { title, owner: "bob", due: "2026-12-20" },
      ALICE,
    )
  ).item;

describe.each(["github", "jira", "linear"] as const)("tracker sync: %s", (kind) => {
  it("creates one issue under redelivery and concurrent runs, tagged postmortem with a link back; closing it there marks the item done", async () => {
    const item = await create();
    const d = deps(kind);
    const outcomes = await Promise.all([1, 2, 3].map(() => syncActionItem(d, item.id)));
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "claimed_elsewhere")).toHaveLength(2);
    // A later redelivery of action_item.created reads the issue, and creates nothing.
    expect(await syncActionItem(d, item.id)).toBe("unchanged");
    expect(fake.creates[kind]).toBe(1);
    const issue = fake.issues[0]!;
    expect(issue.title).toBe("Add a pre-deploy check");
    expect(issue.labels).toContain(kind === "linear" ? "label-postmortem" : "postmortem");
    if (kind !== "linear") expect(issue.body).toContain("postmortem"); // Linear: the label id
    if (kind !== "jira") expect(issue.body).toContain(`firebreak:${item.id}`);
    else expect(issue.labels).toContain(`firebreak-${item.id}`);
    const synced = (await items.get(item.id)) as ActionItem;
    expect(synced.tracker).toMatchObject({ kind, state: "open" });
    expect(synced.sync).toMatchObject({ state: "synced", attempts: 0 });

    fake.close(kind, kind === "github" ? "1" : issue.key);
    now += 15 * 60_000;
    expect(await pullActionItems(d)).toMatchObject({ closed: 1 });
    const done = (await items.get(item.id)) as ActionItem;
    expect(done).toMatchObject({ status: "done", tracker: { state: "closed" } });
    const timeline = (await store.getIncidentWithTimeline(incident.id))?.timeline ?? [];
    expect(timeline.filter((e) => e.kind === "action_item.updated")).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ id: kind }) }),
    ]);
    // Done here: the schedule no longer reads it.
    expect(await pullActionItems(d)).toMatchObject({ closed: 0, unchanged: 0 });
  });

  it("adopts the issue a crashed run created (after its claim lapses) instead of making a second", async () => {
    const item = await create();
    const d = deps(kind);
    // A run that created the issue and died before recording it: its claim is held, the issue exists.
    const claimed = await items.claimCreate(item.id, new Date(now), new Date(now + 120_000));
    await trackerFor(configOf(kind), {
      githubToken: fake.githubToken,
      githubApiUrl: fake.url,
      jiraEmail: fake.jira.email,
      jiraApiToken: fake.jira.apiToken,
      linearApiKey: fake.linearApiKey,
      linearApiUrl: `${fake.url}/graphql`,
    }).create(claimed!, undefined);
    expect(await syncActionItem(d, item.id)).toBe("claimed_elsewhere");
    now += 121_000;
    expect(await syncActionItem(d, item.id)).toBe("adopted");
    expect(fake.creates[kind]).toBe(1);
    expect((await items.get(item.id))?.tracker?.kind).toBe(kind);
  });

  it("records a 5xx with a backoff, retries it on the schedule, and never loses the item", async () => {
    const item = await create();
    const d = deps(kind);
    fake.fail(kind, 503, 1);
    expect(await syncActionItem(d, item.id)).toBe("failed");
    const failed = (await items.get(item.id)) as ActionItem;
    expect(failed.sync).toMatchObject({ state: "failed", attempts: 1 });
    expect(failed.sync?.lastError).toContain("503");
    // Backoff: 1 minute × full jitter (0.5) = 30 s.
    expect(failed.sync?.nextAttemptAt).toBe(new Date(T0 + 30_000).toISOString());
    expect(await pullActionItems(d)).toMatchObject({ created: 0 });
    now += 30_000;
    expect(await pullActionItems(d)).toMatchObject({ created: 1 });
    expect(fake.creates[kind]).toBe(1);
  });
});

describe("tracker sync: refusals and hostile text", () => {
  it("a refused token is recorded with a clear message and waits the longest backoff (no retry storm)", async () => {
    const item = await create();
    expect(await syncActionItem(deps("github", { githubToken: "ghp_wrong" }), item.id)).toBe("failed");
    const failed = (await items.get(item.id)) as ActionItem;
    expect(failed.sync?.lastError).toBe(
      'github: the credentials were refused (check the token and its scopes): {"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}',
    );
    expect(failed.sync?.nextAttemptAt).toBe(new Date(T0 + 6 * 3_600_000).toISOString());
    expect(fake.creates.github).toBe(0);
  });

  it("a team without a tracker is left alone", async () => {
    const item = await create();
    expect(await syncActionItem({ ...deps("github"), trackerOf: () => undefined }, item.id)).toBe(
      "no_tracker",
    );
    expect((await items.get(item.id))?.sync).toBeUndefined();
  });

  it("sends a hostile title as data: HTML and JQL characters reach the issue as they are", async () => {
    const hostile = `${"x".repeat(100)} <script>alert(1)</script> "quotes" OR labels = "x"`;
    const item = await create(hostile);
    expect(await syncActionItem(deps("jira"), item.id)).toBe("created");
    expect(fake.issues[0]!.title).toBe(hostile);
    // A later run reads the same issue (the marker JQL is built from the item id only, never its title).
    await items.recordSync(item.id, { sync: { state: "pending", attempts: 0 } }, new Date(now));
    expect(await syncActionItem(deps("jira"), item.id)).toBe("unchanged");
    expect(fake.creates.jira).toBe(1);
  });
});
