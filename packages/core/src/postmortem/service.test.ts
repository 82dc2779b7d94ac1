import type { Clock } from "@firebreak/core/shared/clock";
import { VersionConflictError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { transition } from "@firebreak/testkit/factories";
import { beforeEach, describe, expect, it } from "vitest";
import type { IncidentStore } from "../adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "../adapters/dynamodb/postmortem/store";
import { ingestAlarmTransition } from "../alarm/ingest";
import { assignRole, changeStatus, postUpdate } from "../incident/actions";
import type { Actor } from "../incident/model";
import { computeMetrics } from "../metrics/metrics";
import { draftPostmortem } from "./draft";
import { editPostmortem } from "./edit";
import { validatePostmortem } from "./schema";
import { getPostmortem, type PostmortemDeps } from "./service";

const T0 = Date.parse("2026-03-14T09:42:13.274Z");
let now = T0;
const clock: Clock = { now: () => new Date(now) };
const at = (minutes: number) => {
  now = T0 + minutes * 60_000;
};
const bob: Actor = { type: "user", id: "U_BOB", name: "Bob" };

let incidents: IncidentStore;
let deps: PostmortemDeps;

beforeEach(async () => {
  incidents = storeFor(await createTestTable("pm"));
  deps = { incidents, postmortems: new PostmortemStore(incidents.db, incidents.tableName), clock };
});

/** Alarm at T0 (state time), seen at +2 min, IC assigned, acked +5, temporary fix, mitigated +30, resolved +60. */
async function scriptedIncident(): Promise<string> {
  at(2);
  const opened = await ingestAlarmTransition(
    { store: incidents, clock },
    transition("checkout-5xx", "ALARM", 0, { description: "severity: sev2\nservice: checkout" }),
  );
  const id = opened.incidentId!;
  at(3);
  await assignRole({ store: incidents, clock }, id, { role: "ic", personId: "bob", personName: "Bob" }, bob);
  at(5);
  await changeStatus({ store: incidents, clock }, id, { to: "acknowledged" }, bob);
  at(20);
  await postUpdate(
    { store: incidents, clock },
    id,
    { text: "Scaled the checkout fleet to 12 instances", temporary: true },
    bob,
  );
  at(30);
  await changeStatus({ store: incidents, clock }, id, { to: "mitigated" }, bob);
  at(60);
  await changeStatus(
    { store: incidents, clock },
    id,
    { to: "resolved", summary: "Bad deploy rolled back" },
    bob,
  );
  return id;
}

describe("postmortem drafts", () => {
  it("drafts a resolved incident with the right sections and metadata, validated by the schema", async () => {
    const id = await scriptedIncident();
    const { action, draft } = await draftPostmortem(deps, id);
    expect(action).toBe("created");
    expect(validatePostmortem(draft.metadata)).toEqual({ valid: true });
    const m = draft.metadata;
    expect(m.incident).toMatchObject({ id, number: 1, severity: "SEV2", services: ["checkout"] });
    expect(m.detection.source).toBe("alarm");
    expect(m.timestamps).toMatchObject({
      impact_start: new Date(T0).toISOString(),
      detected: new Date(T0 + 2 * 60_000).toISOString(),
      acknowledged: new Date(T0 + 5 * 60_000).toISOString(),
      mitigated: new Date(T0 + 30 * 60_000).toISOString(),
      resolved: new Date(T0 + 60 * 60_000).toISOString(),
    });
    expect(m.durations.ttd.seconds).toBe(120);
    expect(m.durations.tta.seconds).toBe(180);
    expect(m.durations.ttm.seconds).toBe(1800);
    expect(m.durations.ttr.seconds).toBe(3600);
    expect(m.durations.ttr.formula).toBeTruthy();
    expect(m.responders).toEqual([expect.objectContaining({ role: "ic", person_id: "bob" })]);
    expect(m.temporary_fixes).toHaveLength(1);
    expect(
      m.action_items.some((a) => a.tags.includes("postmortem") && a.tags.includes("temporary-fix")),
    ).toBe(true);
    for (const heading of ["## Impact", "## Detection", "## Response", "## Timeline", "## Action items"]) {
      expect(draft.markdown).toContain(heading);
    }
    expect(draft.markdown.startsWith("---\n")).toBe(true);
    const { timeline } = (await incidents.getIncidentWithTimeline(id))!;
    expect(timeline.at(-1)).toMatchObject({ kind: "postmortem.drafted", data: { version: 1 } });
  });

  it("never drafts twice for a redelivered resolve, and refuses an unresolved incident", async () => {
    const id = await scriptedIncident();
    await draftPostmortem(deps, id);
    at(61);
    const again = await draftPostmortem(deps, id);
    expect(again.action).toBe("unchanged");
    const concurrent = await Promise.all([draftPostmortem(deps, id), draftPostmortem(deps, id)]);
    expect(concurrent.map((r) => r.action)).toEqual(["unchanged", "unchanged"]);
    expect((await deps.postmortems.listDrafts(id)).map((d) => d.version)).toEqual([1]);
    at(70);
    const open = await ingestAlarmTransition({ store: incidents, clock }, transition("other", "ALARM", 4200));
    await expect(draftPostmortem(deps, open.incidentId!)).rejects.toMatchObject({
      code: "validation_failed",
    });
  });

  it("keeps a human edit current when a regeneration adds a version beside it", async () => {
    const id = await scriptedIncident();
    const first = await draftPostmortem(deps, id);
    const edited = await editPostmortem(
      deps,
      id,
      { markdown: `${first.draft.markdown}\nOur notes.`, expectedVersion: 1 },
      bob,
    );
    expect(edited).toMatchObject({ version: 2, origin: "human" });
    await expect(
      editPostmortem(deps, id, { markdown: "stale", expectedVersion: 1 }, bob),
    ).rejects.toBeInstanceOf(VersionConflictError);
    at(90);
    await postUpdate({ store: incidents, clock }, id, { text: "Follow-up: rollback verified" }, bob);
    const regenerated = await draftPostmortem(deps, id);
    expect(regenerated).toMatchObject({ action: "created", draft: { version: 3, origin: "generated" } });
    const shown = await getPostmortem(deps, id);
    expect(shown.current).toMatchObject({ version: 2, origin: "human" });
    expect(shown.current.markdown).toContain("Our notes.");
    expect(shown.versions.map((v) => v.origin)).toEqual(["generated", "human", "generated"]);
  });

  it("feeds metrics from the indexed metadata", async () => {
    const id = await scriptedIncident();
    await draftPostmortem(deps, id);
    const docs = await deps.postmortems.metadataBetween(new Date(T0 - 86_400_000), new Date(T0 + 86_400_000));
    expect(docs.map((d) => d.incident.id)).toEqual([id]);
    const report = computeMetrics(docs, {
      window: { since: new Date(T0 - 86_400_000), until: new Date(T0 + 86_400_000) },
    });
    expect(report.overall).toMatchObject({
      count: 1,
      mttd: 120,
      mtta: 180,
      mttm: 1800,
      mttr: 3600,
      mtbf: null,
    });
    expect(
      await deps.postmortems.metadataBetween(new Date(T0 + 86_400_000), new Date(T0 + 2 * 86_400_000)),
    ).toEqual([]);
  });
});
