import { readFileSync } from "node:fs";
import { ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { createTestTable, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import type { Directory } from "../../../oncall/directory-types";
import { applyDirectoryYaml, parseDirectoryYaml } from "../../../oncall/directory-yaml";
import { DirectoryStore, MAX_DIRECTORY_BYTES } from "./store";

const DEMO_YAML = readFileSync(new URL("../../../../../../examples/directory.yaml", import.meta.url), "utf8");
const demo = parseDirectoryYaml(DEMO_YAML);
const clock = { now: () => new Date("2026-03-14T09:00:00.000Z") };

let directories: DirectoryStore;

beforeEach(async () => {
  const incidents = storeFor(await createTestTable("directory"));
  directories = new DirectoryStore(incidents.db, incidents.tableName, clock);
});

describe("DirectoryStore", () => {
  it("has no directory until one is applied, then returns it whole with version and time", async () => {
    expect(await directories.get()).toBeUndefined();
    const applied = await directories.apply(demo, undefined, { actor: { type: "user", id: "U1" } });
    expect(applied).toMatchObject({ version: 1, updatedAt: "2026-03-14T09:00:00.000Z" });
    const stored = await directories.get();
    expect(stored).toMatchObject({
      version: 1,
      updatedAt: "2026-03-14T09:00:00.000Z",
      updatedBy: { id: "U1" },
    });
    expect(stored?.directory).toEqual(demo);
  });

  it("counts versions and refuses an apply based on a version that is no longer current", async () => {
    await directories.apply(demo, 0);
    expect((await directories.apply(demo, 1)).version).toBe(2);
    expect((await directories.apply(demo)).version).toBe(3);

    const stale = await directories.apply(demo, 2).catch((e) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect((stale as VersionConflictError).currentVersion).toBe(3);
    const exists = await directories.apply(demo, 0).catch((e) => e);
    expect(exists).toBeInstanceOf(VersionConflictError);
    expect((await directories.get())?.version).toBe(3);
  });

  it("writes nothing when the YAML has any problem (the apply is atomic)", async () => {
    await applyDirectoryYaml(directories, DEMO_YAML);
    const broken = DEMO_YAML.replace(
      "members: [alice, bob, chen, dana]",
      "members: [alice, bob, zoe]",
    ).replace("timeoutMinutes: 5", "timeoutMinutes: 0");
    const error = await applyDirectoryYaml(directories, broken).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.length).toBeGreaterThanOrEqual(2);
    const stored = await directories.get();
    expect(stored?.version).toBe(1);
    expect(stored?.directory).toEqual(demo);
  });

  it("refuses a directory that would not fit in one item, and anything that is not a parsed directory", async () => {
    const people = Array.from({ length: 4000 }, (_, i) => ({
      id: `person-${i}`,
      name: `Person number ${i} with a fairly long display name`,
      email: `person-${i}@a-rather-long-example-domain.example.com`,
      phone: "+447700900123",
      timezone: "Europe/London",
    }));
    const huge: Directory = { ...demo, people: [...demo.people, ...people] };
    expect(Buffer.byteLength(JSON.stringify(huge))).toBeGreaterThan(MAX_DIRECTORY_BYTES);
    await expect(directories.apply(huge)).rejects.toBeInstanceOf(ValidationError);
    await expect(directories.apply({ teams: [] } as unknown as Directory)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await directories.get()).toBeUndefined();
  });

  it("lets one of two concurrent editors of the same version win", async () => {
    await directories.apply(demo);
    const results = await Promise.allSettled([directories.apply(demo, 1), directories.apply(demo, 1)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected?.reason).toBeInstanceOf(VersionConflictError);
    expect((await directories.get())?.version).toBe(2);
  });
});
