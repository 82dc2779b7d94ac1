/**
 * The postmortem function reads the changes of the window before the impact start (DynamoDB Local),
 * with bounded reads. Pinned instants: the alarm's state time is T0.
 */
import type { Clock } from "@firebreak/core/shared/clock";
import { createTestTable, recordCommands, storeFor } from "@firebreak/testkit/dynamo";
import { transition } from "@firebreak/testkit/factories";
import { beforeEach, describe, expect, it } from "vitest";
import { ChangeStore } from "../adapters/dynamodb/changes/store";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "../adapters/dynamodb/postmortem/store";
import { ingestAlarmTransition } from "../alarm/ingest";
import { recordChange } from "../changes/actions";
import { changeStatus } from "../incident/actions";
import type { Actor } from "../incident/model";
import { CHANGES_MAX_SERVICES, draftPostmortem } from "./draft";
import { CHANGES_BEFORE_IMPACT_LIMIT } from "./generate";
import { validatePostmortem } from "./schema";
import type { PostmortemDeps } from "./service";
import type { Postmortem, PostmortemV2 } from "./types";

/** A draft's metadata, written in v2 (as every new draft is). */
function v2(metadata: Postmortem): PostmortemV2 {
  expect(metadata.schema_version).toBe(2);
  return metadata as PostmortemV2;
}

const T0 = Date.parse("2026-03-14T09:42:13.274Z");
let now = T0;
const clock: Clock = { now: () => new Date(now) };
const at = (minutes: number) => {
  now = T0 + minutes * 60_000;
};
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const bob: Actor = { type: "user", id: "U_BOB", name: "Bob" };

let incidents: IncidentStore;
let changes: ChangeStore;
let deps: PostmortemDeps;

beforeEach(async () => {
  incidents = storeFor(await createTestTable("pmc"));
  changes = new ChangeStore(incidents.db, incidents.tableName);
  deps = { incidents, postmortems: new PostmortemStore(incidents.db, incidents.tableName), changes, clock };
});

/** A change recorded at `minutes` from T0 (recorded then, so never ahead of the clock). */
async function change(service: string, minutes: number, summary: string): Promise<string> {
  at(minutes);
  const { change } = await recordChange({ changes, clock }, { service, summary, at: iso(minutes) }, "api");
  return change.id;
}

/** Alarm at T0 on checkout (seen at +2 min), acknowledged, resolved at +60. */
async function resolvedIncident(): Promise<string> {
  at(2);
  const opened = await ingestAlarmTransition(
    { store: incidents, clock },
    transition("checkout-5xx", "ALARM", 0, { description: "severity: sev2\nservice: checkout" }),
  );
  const id = opened.incidentId!;
  at(5);
  await changeStatus({ store: incidents, clock }, id, { to: "acknowledged" }, bob);
  at(60);
  await changeStatus({ store: incidents, clock }, id, { to: "resolved", summary: "Rolled back" }, bob);
  return id;
}

describe("the draft of a resolved incident, with the change store", () => {
  it("lists a change recorded 20 minutes before the incident as a suspected release; not the others", async () => {
    const early = await change("checkout", -150, "Deploy checkout v2.13.0 (outside the window)");
    const other = await change("payments", -10, "Deploy payments v7");
    const suspect = await change("checkout", -20, "Deploy checkout v2.14.0");
    const id = await resolvedIncident();
    const after = await change("checkout", 61, "Deploy checkout v2.14.1 (the fix, after the impact start)");
    const { draft } = await draftPostmortem(deps, id);
    const m = v2(draft.metadata);
    expect(validatePostmortem(m)).toEqual({ valid: true });
    expect(m.schema_version).toBe(2);
    expect(m.release_involved).toEqual({ value: "suspected", references: [suspect] });
    expect(m.changes_before_impact).toEqual({
      window_seconds: 7200,
      changes: [
        {
          id: suspect,
          service: "checkout",
          at: iso(-20),
          summary: "Deploy checkout v2.14.0",
          link: null,
          source: "api",
        },
      ],
    });
    for (const notListed of [early, other, after]) expect(draft.markdown).not.toContain(notListed);
    expect(draft.markdown).toContain("## Changes before impact");
    expect(draft.markdown).toContain("**checkout**: Deploy checkout v2.14.0 (api, reference");
    expect(draft.markdown).toContain("suspected, not confirmed");
  });

  it("no change before the impact: release_involved stays unknown", async () => {
    await change("payments", -10, "Deploy payments v7");
    const id = await resolvedIncident();
    const { draft } = await draftPostmortem(deps, id);
    expect(draft.metadata.release_involved).toEqual({ value: "unknown" });
    expect(v2(draft.metadata).changes_before_impact).toEqual({ window_seconds: 7200, changes: [] });
  });

  it("the same change recorded twice (a redelivered event) is one change", async () => {
    at(-20);
    const input = { service: "checkout", summary: "CodeDeploy checkout: SUCCESS", at: iso(-20) };
    const first = await recordChange({ changes, clock }, input, "codedeploy", undefined, "codedeploy:evt-1");
    const again = await recordChange({ changes, clock }, input, "codedeploy", undefined, "codedeploy:evt-1");
    expect([first.recorded, again.recorded]).toEqual([true, false]);
    const id = await resolvedIncident();
    const { draft } = await draftPostmortem(deps, id);
    expect(draft.metadata.release_involved).toEqual({ value: "suspected", references: ["codedeploy:evt-1"] });
  });

  it("reads one bounded query per service, and without a change store does not look", async () => {
    const id = await resolvedIncident();
    const log: string[] = [];
    const stop = recordCommands(incidents.db, log);
    const { draft } = await draftPostmortem(deps, id);
    stop();
    expect(log.filter((c) => c === "QueryCommand").length).toBeLessThanOrEqual(1 + CHANGES_MAX_SERVICES);
    expect(v2(draft.metadata).changes_before_impact).not.toBeNull();
    expect(CHANGES_BEFORE_IMPACT_LIMIT).toBe(20);

    const withoutChanges: PostmortemDeps = { ...deps };
    delete withoutChanges.changes;
    at(70);
    const { draft: again } = await draftPostmortem(withoutChanges, id);
    expect(v2(again.metadata).changes_before_impact).toBeNull();
    expect(again.metadata.release_involved).toEqual({ value: "unknown" });
  });

  it("reads at most CHANGES_BEFORE_IMPACT_LIMIT changes per service, the newest", async () => {
    const spy: { limits: number[] } = { limits: [] };
    const original = changes.between.bind(changes);
    changes.between = async (service, from, to, limit) => {
      spy.limits.push(limit ?? -1);
      return original(service, from, to, limit);
    };
    for (let i = 0; i < 25; i++) await change("checkout", -100 + i, `deploy ${i}`);
    const id = await resolvedIncident();
    const { draft } = await draftPostmortem(deps, id);
    expect(spy.limits).toEqual([CHANGES_BEFORE_IMPACT_LIMIT]);
    expect(v2(draft.metadata).changes_before_impact?.changes).toHaveLength(CHANGES_BEFORE_IMPACT_LIMIT);
    expect(v2(draft.metadata).changes_before_impact?.changes[0]?.summary).toBe("deploy 24");
  });
});
