import type { Directory } from "@firebreak/core/oncall/directory-types";
import { cachedDirectory } from "@firebreak/core/oncall/stored-directory";
import { describe, expect, it } from "vitest";
import { directoryPersonLookup } from "./directory-lookup";

const person = (id: string, slackUserId?: string) => ({
  id,
  name: id.toUpperCase(),
  timezone: "UTC",
  ...(slackUserId ? { slackUserId } : { email: `${id}@example.com` }),
});
const directory = (people: ReturnType<typeof person>[]): Directory =>
  ({ version: 1, people, teams: [], escalationPolicies: [] }) as Directory;

describe("directoryPersonLookup", () => {
  it("maps a Slack id to the directory person, reading the directory once per TTL on the injected clock", async () => {
    let now = Date.parse("2026-12-04T09:00:00Z");
    let reads = 0;
    let current = directory([person("dana", "U08DANA4K7P")]);
    const store = {
      get: async () => {
        reads += 1;
        return { directory: current, version: reads, updatedAt: "" };
      },
    };
    const lookup = directoryPersonLookup(cachedDirectory(store, 30_000, { now: () => new Date(now) }));
    expect(await lookup("U08DANA4K7P")).toEqual({ directory: true, person: { id: "dana", name: "DANA" } });
    expect(await lookup("U0STRANGER")).toEqual({ directory: true });
    current = directory([person("dana", "U08DANA4K7P"), person("bob", "U0BOB0001")]);
    now += 29_999;
    expect(await lookup("U0BOB0001")).toEqual({ directory: true });
    expect(reads).toBe(1);
    now += 1;
    expect(await lookup("U0BOB0001")).toEqual({ directory: true, person: { id: "bob", name: "BOB" } });
    expect(reads).toBe(2);
  });

  it("says when no directory (or one without people) is applied", async () => {
    const none = directoryPersonLookup(async () => undefined);
    expect(await none("U08DANA4K7P")).toEqual({ directory: false });
    const empty = directoryPersonLookup(async () => directory([]));
    expect(await empty("U08DANA4K7P")).toEqual({ directory: false });
  });
});
