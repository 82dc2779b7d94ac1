/**
 * Editing people's notification rules against DynamoDB Local: concurrent edits by different
 * people all land (each save is conditioned on the version read and retried on fresh data), a
 * redelivered or repeated edit changes nothing more, reset drops only that person's rules, and
 * each change writes its `oncall.notify_rules_changed` entry.
 */
import { readFileSync } from "node:fs";
import { createTestTable, partitionItems, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import { PersonalRulesStore } from "../adapters/dynamodb/oncall/notify-store";
import { DirectoryStore } from "../adapters/dynamodb/oncall/store";
import { parseDirectoryYaml } from "./directory-yaml";
import { notifyRulesView, setNotifyRules } from "./notify-actions";

const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);
const clock = { now: () => new Date("2026-03-14T09:00:00.000Z") };
let directories: DirectoryStore;
let rules: PersonalRulesStore;

beforeEach(async () => {
  const incidents = storeFor(await createTestTable("notify"));
  directories = new DirectoryStore(incidents.db, incidents.tableName, clock);
  rules = new PersonalRulesStore(directories);
  await directories.apply(demo, 0);
});

const self = (personId: string) => ({
  actor: { type: "user" as const, id: personId },
  personId,
  admin: false,
});

describe("setNotifyRules", () => {
  it("keeps every person's edit when they all save at once", async () => {
    const people = demo.people.filter((p) => p.slackUserId).slice(0, 6);
    expect(people.length).toBeGreaterThan(3);
    await Promise.all(
      people.map((p, i) =>
        setNotifyRules(
          { rules, clock },
          p.id,
          { high: [{ method: "slack", delayMinutes: i }], low: [{ method: "slack", delayMinutes: 0 }] },
          self(p.id),
        ),
      ),
    );
    const stored = await directories.get();
    people.forEach((p, i) => {
      expect(stored?.personalRules?.[p.id]?.rules.high).toEqual([{ method: "slack", delayMinutes: i }]);
      // The directory everything pages from has them in place.
      expect(stored?.directory.people.find((q) => q.id === p.id)?.notify?.high).toEqual([
        { method: "slack", delayMinutes: i },
      ]);
    });
    const entries = await partitionItems(directories.db, directories.tableName, "DIRECTORY", "TL#");
    expect(entries?.filter((e) => e.kind === "oncall.notify_rules_changed")).toHaveLength(people.length);
  });

  it("resets one person's rules only, back to the directory's or the default", async () => {
    const [a, b] = demo.people.filter((p) => p.slackUserId);
    const one = { high: [{ method: "slack", delayMinutes: 0 }], low: [{ method: "slack", delayMinutes: 0 }] };
    await setNotifyRules({ rules, clock }, a!.id, one, self(a!.id));
    await setNotifyRules({ rules, clock }, b!.id, one, self(b!.id));
    const reset = await setNotifyRules({ rules, clock }, a!.id, null, self(a!.id));
    expect(reset.source).toBe(a!.notify ? "directory" : "default");
    const stored = await rules.get();
    expect(Object.keys(stored.items)).toEqual([b!.id]);
    expect(notifyRulesView(stored.applied, stored.items, b!.id).source).toBe("personal");
  });

  it("refuses someone else's rules, an unknown person and a method without an address", async () => {
    const [a, b] = demo.people.filter((p) => p.slackUserId);
    const one = { high: [{ method: "slack", delayMinutes: 0 }], low: [{ method: "slack", delayMinutes: 0 }] };
    await expect(setNotifyRules({ rules, clock }, a!.id, one, self(b!.id))).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(
      setNotifyRules({ rules, clock }, "nobody", one, { ...self("maria"), admin: true }),
    ).rejects.toMatchObject({ code: "not_found" });
    // A person with a Slack id and no phone cannot have an SMS step.
    await directories.apply(
      { ...demo, people: demo.people.map((p) => (p.id === a!.id ? { ...p, phone: undefined } : p)) },
      1,
    );
    await expect(
      setNotifyRules(
        { rules, clock },
        a!.id,
        { high: [{ method: "sms", delayMinutes: 0 }], low: one.low },
        self(a!.id),
      ),
    ).rejects.toMatchObject({
      issues: [{ path: "high[0].method", message: "sms needs a phone, and this person has none" }],
    });
    expect((await rules.get()).items).toEqual({});
  });
});
