import { describe, expect, it } from "vitest";
import { nameFromInfo, slackDisplayNames, usableName } from "./user-names";

describe("Slack names for people outside the directory", () => {
  it("prefers the display name, then the real name; never the id, however it is cased", () => {
    expect(nameFromInfo("U01DANA004", { user: { name: "dana", profile: { display_name: "Dana K" } } })).toBe(
      "Dana K",
    );
    expect(
      nameFromInfo("U01DANA004", {
        user: { name: "u01dana004", real_name: "Dana Fischer", profile: { display_name: "", real_name: "" } },
      }),
    ).toBe("Dana Fischer");
    expect(nameFromInfo("U01DANA004", { user: { name: "u01dana004" } })).toBeUndefined();
    expect(usableName("U01DANA004", "u01dana004")).toBeUndefined();
    expect(usableName("U01DANA004", "  ")).toBeUndefined();
    expect(usableName("U01DANA004", "dana.k")).toBe("dana.k");
  });

  it("asks Slack once per user per hour, remembers a failure for a minute, and never throws", async () => {
    let now = Date.parse("2026-03-14T09:00:00Z");
    const asked: string[] = [];
    let failing = false;
    const names = slackDisplayNames(
      async (user) => {
        asked.push(user);
        if (failing) throw new Error("slack is down");
        return { ok: true, user: { profile: { display_name: `name of ${user}` } } };
      },
      { clock: { now: () => new Date(now) }, max: 2 },
    );
    expect(await names("U1")).toBe("name of U1");
    expect(await names("U1")).toBe("name of U1");
    expect(asked).toEqual(["U1"]);
    now += 3_600_000;
    failing = true;
    expect(await names("U1")).toBeUndefined();
    expect(await names("U1")).toBeUndefined();
    expect(asked).toEqual(["U1", "U1"]);
    now += 60_000;
    failing = false;
    expect(await names("U1")).toBe("name of U1");
    // At most `max` users are kept: the oldest goes first.
    await names("U2");
    await names("U3");
    await names("U1");
    expect(asked.slice(-3)).toEqual(["U2", "U3", "U1"]);
    // An `ok: false` answer (user_not_found) names nobody.
    const none = slackDisplayNames(async () => ({ ok: false }));
    expect(await none("U9")).toBeUndefined();
  });
});
