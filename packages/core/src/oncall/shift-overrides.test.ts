import { readFileSync } from "node:fs";
import { NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { createTestTable, partitionItems, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import { DirectoryStore } from "../adapters/dynamodb/oncall/store";
import type { Directory } from "./directory-types";
import { parseDirectoryYaml } from "./directory-yaml";
import { addShiftOverride, cancelShiftOverride, type OverrideRequester } from "./override-actions";
import { OverrideRefusedError, parseShiftTime } from "./override-requests";
import { onCallOverview } from "./overview";
import { misfitOverrides } from "./shift-overrides";

const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);
let now = new Date("2026-03-14T09:00:00.000Z");
const clock = { now: () => now };
const alice = { type: "api" as const, id: "alice", name: "Alice Moreau" };
const asAlice = { actor: alice, personId: "alice", admin: false };
const asErin = {
  actor: { type: "slack" as const, id: "erin", name: "Erin" },
  personId: "erin",
  admin: false,
};

let store: DirectoryStore;
let db: ReturnType<typeof storeFor>;

beforeEach(async () => {
  now = new Date("2026-03-14T09:00:00.000Z");
  db = storeFor(await createTestTable("overrides"));
  store = new DirectoryStore(db.db, db.tableName, clock);
  await store.apply(demo);
});

/** Who is on call now in the checkout team's first level (its primary rotation). */
const checkoutNow = (directory: Directory, at: Date) =>
  onCallOverview(directory, at, { team: "checkout" })[0]!.levels[0]!.now.map((p) => p.personId);

describe("runtime shift overrides", () => {
  it("puts the covering person on call for the window only, for everything that reads the directory", async () => {
    const before = checkoutNow((await store.get())!.directory, now);
    expect(before).not.toContain("alice");
    const override = await addShiftOverride(
      { directory: store, clock },
      {
        personId: "alice",
        from: "2026-03-14T08:00:00Z",
        to: "2026-03-14T20:00:00+00:00",
        reason: "swap",
        rotationId: "checkout-primary",
      },
      asAlice,
    );
    expect(override).toMatchObject({
      id: "OV-1",
      rotationId: "checkout-primary",
      personId: "alice",
      from: "2026-03-14T08:00:00.000Z",
      to: "2026-03-14T20:00:00.000Z",
      createdBy: alice,
    });
    const stored = (await store.get())!;
    expect(stored.overrides).toEqual([override]);
    expect(checkoutNow(stored.directory, now)).toEqual(["alice"]);
    // The directory as applied is untouched (editors read and apply that one).
    expect(stored.applied).toEqual(demo);
    // After its end, it is gone on its own.
    now = new Date("2026-03-14T20:00:00.000Z");
    const later = (await store.get())!;
    expect(later.overrides).toEqual([]);
    expect(checkoutNow(later.directory, now)).toEqual(checkoutNow(demo, now));
  });

  it("writes each change's timeline entry (a domain event); cancelling removes it", async () => {
    const created = await addShiftOverride(
      { directory: store, clock },
      {
        personId: "bob",
        from: "2026-03-20T09:00:00Z",
        to: "2026-03-21T09:00:00Z",
        rotationId: "checkout-primary",
      },
      asAlice,
    );
    const cancelled = await cancelShiftOverride({ directory: store, clock }, "ov-1", asAlice);
    expect(cancelled.id).toBe(created.id);
    expect((await store.get())!.overrides).toEqual([]);
    const history = await partitionItems(db.db, db.tableName, "DIRECTORY", "TL#");
    expect(history?.map((i) => [i.kind, i.incidentId, i.actor.id])).toEqual([
      ["oncall.override_created", "OV-1", "alice"],
      ["oncall.override_cancelled", "OV-1", "alice"],
    ]);
    await expect(cancelShiftOverride({ directory: store, clock }, "OV-1", asAlice)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // Numbers are never reused.
    const next = await addShiftOverride(
      { directory: store, clock },
      {
        personId: "bob",
        from: "2026-03-20T09:00:00Z",
        to: "2026-03-21T09:00:00Z",
        rotationId: "checkout-primary",
      },
      asAlice,
    );
    expect(next.id).toBe("OV-2");
  });

  it("refuses what cannot be, naming the field or who may", async () => {
    const add = (input: Parameters<typeof addShiftOverride>[1], who: OverrideRequester = asAlice) =>
      addShiftOverride({ directory: store, clock }, input, who).catch((e) => e);
    const window = {
      from: "2026-03-20T09:00:00Z",
      to: "2026-03-21T09:00:00Z",
      rotationId: "checkout-primary",
    };
    const path = async (p: Promise<unknown>) => ((await p) as ValidationError).issues?.[0]?.path;
    expect(await path(add({ personId: "zed", ...window }))).toBe("personId");
    // Alice is in two rotations and holds neither's shift then: which one must be said
    // (the week of 2026-03-23: Dana is primary, Bob secondary.)
    const two = await add({ personId: "bob", from: "2026-03-24T03:00:00Z", to: "2026-03-24T04:00:00Z" });
    expect(two.issues?.[0]?.path).toBe("rotationId");
    expect(await path(add({ personId: "bob", ...window, rotationId: "nope" }))).toBe("rotationId");
    expect(
      await path(
        add({ personId: "bob", rotationId: "checkout-primary", from: "2026-03-20 09:00", to: window.to }),
      ),
    ).toBe("from");
    expect(
      await path(add({ personId: "bob", rotationId: "checkout-primary", from: window.to, to: window.from })),
    ).toBe("to");
    expect(
      await path(
        add({
          personId: "bob",
          rotationId: "checkout-primary",
          from: "2026-03-01T00:00:00Z",
          to: "2026-03-02T00:00:00Z",
        }),
      ),
    ).toBe("to");
    expect(
      await path(
        add({
          personId: "bob",
          rotationId: "checkout-primary",
          from: "2026-03-20T00:00:00Z",
          to: "2026-05-20T00:00:00Z",
        }),
      ),
    ).toBe("to");
    // Maria is in no rotation: which one must be said.
    const maria = { actor: { type: "api" as const, id: "maria" }, personId: "maria", admin: false };
    const unnamed = await add({ personId: "maria", from: window.from, to: window.to }, maria);
    expect(unnamed).toBeInstanceOf(ValidationError);
    expect(unnamed.issues[0].message).toBe("maria is in no rotation: name the rotation (rotationId)");
    // Erin (payments) may not put Bob on call in checkout's rotation; an admin may.
    const refused = await add({ personId: "bob", ...window, rotationId: "checkout-primary" }, asErin);
    expect(refused).toBeInstanceOf(OverrideRefusedError);
    expect(refused.message).toBe(
      "only members of rotation checkout-primary (alice, bob, chen, dana) or an admin may change who is on call there",
    );
    const admin = { actor: { type: "api" as const, id: "root" }, admin: true };
    expect((await add({ personId: "bob", ...window, rotationId: "checkout-primary" }, admin)).id).toBe(
      "OV-1",
    );
    const again = await add({ personId: "bob", ...window, rotationId: "checkout-primary" }, admin);
    expect(again.message).toBe("OV-1 already puts Bob Okafor on call then");
    expect(
      await cancelShiftOverride({ directory: store, clock }, "OV-1", asErin).catch((e) => e),
    ).toBeInstanceOf(OverrideRefusedError);
  });

  it("concurrent requests each get their own number; none is lost", async () => {
    const made = await Promise.all(
      [1, 2, 3, 4, 5].map((d) =>
        addShiftOverride(
          { directory: store, clock },
          {
            personId: "bob",
            from: `2026-03-2${d}T09:00:00Z`,
            to: `2026-03-2${d}T18:00:00Z`,
            rotationId: "checkout-primary",
          },
          asAlice,
        ),
      ),
    );
    expect(made.map((o) => o.number).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await store.get())!.overrides?.map((o) => o.id)).toHaveLength(5);
  });

  it("an override that no longer fits the directory is named, and never applied", async () => {
    await addShiftOverride(
      { directory: store, clock },
      {
        personId: "bob",
        from: "2026-03-14T08:00:00Z",
        to: "2026-03-14T20:00:00Z",
        rotationId: "checkout-primary",
      },
      asAlice,
    );
    const withoutBob: Directory = {
      ...demo,
      people: demo.people.filter((p) => p.id !== "bob"),
      teams: demo.teams.map((t) => ({
        ...t,
        rotations: t.rotations.map((r) => ({ ...r, members: r.members.filter((m) => m !== "bob") })),
      })),
      escalationPolicies: demo.escalationPolicies,
    };
    const applied = await store.apply(withoutBob);
    expect(misfitOverrides(withoutBob, applied.overrides ?? [])).toEqual([
      {
        override: expect.objectContaining({ id: "OV-1" }),
        reason: 'person "bob" is no longer in the directory',
      },
    ]);
    expect(checkoutNow((await store.get())!.directory, now)).not.toContain("bob");
  });
});

describe("which rotation, by default", () => {
  it("the rotation whose shift the requester holds at `from`: the shift they give away", async () => {
    const holder = checkoutNow(demo, now)[0]!;
    const override = await addShiftOverride(
      { directory: store, clock },
      { personId: "kate", from: "2026-03-14T09:00:00Z", to: "2026-03-14T12:00:00Z" },
      { actor: { type: "slack", id: holder }, personId: holder, admin: false },
    );
    expect(override.rotationId).toBe("checkout-primary");
    expect(checkoutNow((await store.get())!.directory, now)).toEqual(["kate"]);
  });
});

describe("parseShiftTime", () => {
  it("reads wall-clock time in the zone, across a DST change, or an instant with its offset", () => {
    expect(parseShiftTime("2026-12-24 09:00", "Europe/London")?.toISOString()).toBe(
      "2026-12-24T09:00:00.000Z",
    );
    expect(parseShiftTime("2026-07-01T9:00", "Europe/London")?.toISOString()).toBe(
      "2026-07-01T08:00:00.000Z",
    );
    // 01:30 on 2026-03-29 does not exist in London (clocks go 01:00 → 02:00): the change's instant.
    expect(parseShiftTime("2026-03-29 01:30", "Europe/London")?.toISOString()).toBe(
      "2026-03-29T01:00:00.000Z",
    );
    expect(parseShiftTime("2026-12-24T09:00:00+01:00", "Asia/Tokyo")?.toISOString()).toBe(
      "2026-12-24T08:00:00.000Z",
    );
    expect(parseShiftTime("tomorrow 9am", "Europe/London")).toBeUndefined();
    expect(parseShiftTime("2026-13-01 09:00", "Europe/London")).toBeUndefined();
  });
});
