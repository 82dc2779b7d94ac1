import { ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { describe, expect, it } from "vitest";
import { contentHash, currentDraft, type Draft, latestDraft, planRegeneration } from "./drafts";
import { planHumanEdit } from "./edit";
import type { ChangeRecord } from "./generate";
import { generatePostmortem } from "./generate";
import { planReleaseAnswer } from "./release-answer";
import { validatePostmortem } from "./schema";
import { BOB, entryFactory, INCIDENT_ID, scriptedIncident, T, tPlus } from "./test-support";
import type { PostmortemV1 } from "./types";

const { incident, timeline } = scriptedIncident();
const generate = (now: string, extra = timeline) =>
  generatePostmortem({ incident, timeline: extra, now: new Date(now) });

function created(plan: ReturnType<typeof planRegeneration>): Draft {
  if (plan.action !== "create") throw new Error(`expected create, got ${plan.action}`);
  return plan.draft;
}

function edited(result: Draft | VersionConflictError): Draft {
  if (result instanceof VersionConflictError) throw result;
  return result;
}

describe("planRegeneration", () => {
  const first = generate("2026-03-14T11:00:00.000Z");

  it("creates version 1 from nothing", () => {
    const draft = created(planRegeneration([], first));
    expect(draft).toEqual({
      version: 1,
      origin: "generated",
      markdown: first.markdown,
      metadata: first.metadata,
      createdAt: "2026-03-14T11:00:00.000Z",
      contentHash: contentHash(first),
    });
    expect(draft.basedOnVersion).toBeUndefined();
  });

  it("is idempotent under redelivery: same inputs at another time → none", () => {
    const v1 = created(planRegeneration([], first));
    const redelivered = generate("2026-03-14T11:05:00.000Z");
    expect(planRegeneration([v1], redelivered)).toEqual({
      action: "none",
      reason: "identical to generated version 1",
      version: 1,
    });
  });

  it("hashes the same after a storage round trip that reorders keys and drops the stored hash", () => {
    const v1 = created(planRegeneration([], first));
    const reordered = JSON.parse(
      JSON.stringify(v1, (_k, value) =>
        value && typeof value === "object" && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).reverse())
          : value,
      ),
    ) as Draft;
    delete reordered.contentHash;
    expect(planRegeneration([reordered], generate("2026-03-15T00:00:00.000Z")).action).toBe("none");
  });

  it("creates a new generated version when the content changed", () => {
    const v1 = created(planRegeneration([], first));
    const e = entryFactory(INCIDENT_ID, "N");
    const later = generate("2026-03-14T12:00:00.000Z", [
      ...timeline,
      e("incident.update_posted", tPlus(70), { text: "Follow-up: error budget reviewed", temporary: false }),
    ]);
    const v2 = created(planRegeneration([v1], later));
    expect(v2).toMatchObject({
      version: 2,
      origin: "generated",
      basedOnVersion: 1,
      createdAt: "2026-03-14T12:00:00.000Z",
    });
  });
});

describe("human edits and regeneration", () => {
  const v1 = created(planRegeneration([], generate("2026-03-14T11:00:00.000Z")));
  const humanMarkdown = `${v1.markdown}\n\nEdited by Carol: the deploy was not canary-tested.\n`;
  const v2 = edited(
    planHumanEdit([v1], {
      markdown: humanMarkdown,
      expectedVersion: 1,
      now: new Date("2026-03-15T09:00:00Z"),
    }),
  );

  it("a human edit of the current version becomes the current version", () => {
    expect(v2).toMatchObject({
      version: 2,
      origin: "human",
      markdown: humanMarkdown,
      createdAt: "2026-03-15T09:00:00.000Z",
      basedOnVersion: 1,
    });
    expect(v2.metadata).toEqual(v1.metadata);
    expect(currentDraft([v1, v2])).toBe(v2);
  });

  it("regeneration never overwrites a human version: it creates a generated version beside it", () => {
    const e = entryFactory(INCIDENT_ID, "N");
    const changed = generate("2026-03-16T00:00:00.000Z", [
      ...timeline,
      e("incident.update_posted", tPlus(90), { text: "late note", temporary: false }),
    ]);
    const existing = [v1, v2];
    const before = structuredClone(existing);
    const v3 = created(planRegeneration(existing, changed));
    expect(v3).toMatchObject({ version: 3, origin: "generated", basedOnVersion: 2 });
    expect(existing).toEqual(before); // nothing mutated
    expect(currentDraft([v1, v2, v3])).toBe(v2); // the human version stays current
    expect(latestDraft([v1, v2, v3])).toBe(v3);
    // The human can still edit their version: a generated version beside it is no conflict.
    const v4 = edited(
      planHumanEdit([v1, v2, v3], { markdown: "# mine\n", expectedVersion: 2, now: new Date() }),
    );
    expect(v4).toMatchObject({ version: 4, origin: "human", basedOnVersion: 2 });
    // Redelivery of the same regeneration: none (compared with the latest generated version).
    expect(planRegeneration([v1, v2, v3, v4], changed).action).toBe("none");
  });

  it("redelivery after a human edit changes nothing", () => {
    expect(planRegeneration([v1, v2], generate("2026-03-17T00:00:00.000Z")).action).toBe("none");
  });

  it("a stale expectedVersion returns a VersionConflictError carrying the current version", () => {
    const result = planHumanEdit([v1, v2], { markdown: "# x\n", expectedVersion: 1, now: new Date() });
    expect(result).toBeInstanceOf(VersionConflictError);
    expect((result as VersionConflictError).currentVersion).toBe(2);
    expect((result as VersionConflictError).code).toBe("version_conflict");
  });

  it("editing before any draft exists is a conflict with no current version", () => {
    const result = planHumanEdit([], { markdown: "# x\n", expectedVersion: 1, now: new Date() });
    expect(result).toBeInstanceOf(VersionConflictError);
    expect((result as VersionConflictError).currentVersion).toBeUndefined();
  });

  it("re-lints the human's Markdown with the responders' names", () => {
    const v3 = edited(
      planHumanEdit([v1, v2], {
        markdown: `${humanMarkdown}\nAlice forgot to check the canary. It was human error.\n`,
        expectedVersion: 2,
        now: new Date(),
      }),
    );
    expect(v3.metadata.lint.map((f) => [f.rule, f.match])).toEqual([
      ["person-failure", "Alice forgot"],
      ["human-error", "human error"],
    ]);
  });

  it.each([
    [{ markdown: "  \n", expectedVersion: 2 }, "markdown"],
    [{ markdown: "# x", expectedVersion: 0 }, "expectedVersion"],
    [{ markdown: "# x", expectedVersion: 1.5 }, "expectedVersion"],
  ])("rejects bad input %j", (input, path) => {
    try {
      planHumanEdit([v1, v2], { ...input, now: new Date() });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.path).toBe(path);
    }
  });

  it("versions follow the highest existing number, whatever the order given", () => {
    const e = entryFactory(INCIDENT_ID, "N");
    const changed = generate("2026-03-16T00:00:00.000Z", [
      ...timeline,
      e("incident.update_posted", tPlus(95), { text: `ping ${BOB.name}`, temporary: false }),
    ]);
    expect(created(planRegeneration([v2, v1], changed)).version).toBe(3);
  });
});

describe("a draft stored in schema v1 (before v2)", () => {
  const current = generate("2026-03-14T11:00:00.000Z");
  const { changes_before_impact: _, release_involved, ...rest } = structuredClone(current.metadata);
  const v1Metadata: PostmortemV1 = {
    ...rest,
    schema_version: 1,
    release_involved: { value: release_involved.value === "suspected" ? "unknown" : release_involved.value },
  };
  const stored: Draft = {
    version: 1,
    origin: "generated",
    markdown: current.markdown,
    metadata: v1Metadata,
    createdAt: "2026-03-14T11:00:00.000Z",
  };
  stored.contentHash = contentHash(stored);

  it("can still be edited: its metadata stays v1 and validates against v1", () => {
    const edit = edited(
      planHumanEdit([stored], {
        markdown: "# edited",
        expectedVersion: 1,
        now: new Date("2026-03-15T09:00:00Z"),
      }),
    );
    expect(edit.metadata.schema_version).toBe(1);
    expect(validatePostmortem(edit.metadata)).toEqual({ valid: true });
  });

  it("a regeneration writes a v2 version beside it", () => {
    const next = created(planRegeneration([stored], generate("2026-03-15T10:00:00.000Z")));
    expect(next).toMatchObject({ version: 2, basedOnVersion: 1 });
    expect(next.metadata.schema_version).toBe(2);
  });
});

describe("a person answers a suspected release", () => {
  const deploy = (id: string, minutes: number): ChangeRecord => ({
    id,
    service: "checkout",
    summary: `deploy ${id}`,
    at: tPlus(minutes),
    source: "api",
  });
  const suspected = generatePostmortem({
    incident,
    timeline,
    now: new Date(T + 90 * 60_000),
    changes: [deploy("01J000000000000000000000D1", -20), deploy("01J000000000000000000000D2", -50)],
  });
  const stored = created(planRegeneration([], suspected));
  const at = new Date("2026-03-15T09:00:00Z");
  const answer = (releaseInvolved: unknown, markdown = stored.markdown) =>
    edited(
      planHumanEdit([stored], {
        markdown,
        expectedVersion: 1,
        now: at,
        releaseInvolved: releaseInvolved as "yes",
      }),
    );

  it("starts as suspected, with the changes as references", () => {
    expect(stored.metadata.release_involved).toEqual({
      value: "suspected",
      references: ["01J000000000000000000000D1", "01J000000000000000000000D2"],
    });
  });

  it("yes confirms it and keeps the suspected changes as the references", () => {
    const yes = answer("yes");
    expect(yes.metadata.release_involved).toEqual({
      value: "yes",
      references: ["01J000000000000000000000D1", "01J000000000000000000000D2"],
    });
    expect(yes).toMatchObject({ version: 2, origin: "human", basedOnVersion: 1 });
    expect(validatePostmortem(yes.metadata)).toEqual({ valid: true });
  });

  it("no and unknown drop the references; the Markdown is the person's, unchanged or not", () => {
    expect(answer("no").metadata.release_involved).toEqual({ value: "no" });
    expect(answer("unknown", "# rewritten\n").metadata.release_involved).toEqual({ value: "unknown" });
    expect(answer("no").markdown).toBe(stored.markdown);
  });

  it("an edit without an answer leaves the suspicion as it was", () => {
    const kept = edited(planHumanEdit([stored], { markdown: "# x\n", expectedVersion: 1, now: at }));
    expect(kept.metadata.release_involved.value).toBe("suspected");
  });

  it("answered alone (Slack: no linter or validator), it is the same version an edit would make", () => {
    for (const value of ["yes", "no", "unknown"] as const) {
      const alone = edited(planReleaseAnswer([stored], { value, expectedVersion: 1, now: at }));
      expect(alone).toEqual(answer(value));
      expect(validatePostmortem(alone.metadata)).toEqual({ valid: true });
    }
    expect(planReleaseAnswer([stored], { value: "no", expectedVersion: 2, now: at })).toBeInstanceOf(
      VersionConflictError,
    );
    expect(() =>
      planReleaseAnswer([stored], { value: "maybe" as "no", expectedVersion: 1, now: at }),
    ).toThrow(ValidationError);
  });

  it("refuses anything else, naming the field; suspected cannot be set by a person", () => {
    for (const bad of ["suspected", "maybe", "", 1]) {
      expect(() => answer(bad)).toThrow(ValidationError);
      try {
        answer(bad);
      } catch (error) {
        expect((error as ValidationError).message).toContain("releaseInvolved");
      }
    }
  });
});
