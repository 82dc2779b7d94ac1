import { describe, expect, it } from "vitest";
import { parseDirectoryYaml } from "../oncall/directory-yaml";
import { UnauthenticatedError } from "./errors";
import { hasRole, parseAdmins, roleFor } from "./roles";
import { csrfMatches, issueSession, verifySession } from "./session";

const KEY = "unit-test-session-key-0123456789abcdef";

const directory = parseDirectoryYaml(`
version: 1
people:
  - id: alice
    name: Alice
    slackUserId: U01ALICE01
    timezone: Europe/London
  - id: dana
    name: Dana
    slackUserId: U01DANA004
    timezone: Europe/London
teams: []
`);

describe("roles", () => {
  it("orders viewer < responder < admin", () => {
    expect(hasRole("admin", "responder")).toBe(true);
    expect(hasRole("responder", "responder")).toBe(true);
    expect(hasRole("viewer", "responder")).toBe(false);
    expect(hasRole("responder", "admin")).toBe(false);
  });

  it("gives admin to listed people (by id or Slack id), responder to directory people, viewer to others", () => {
    expect(roleFor({ slackUserId: "U01DANA004" }, directory, ["dana"])).toEqual({
      role: "admin",
      personId: "dana",
      name: "Dana",
    });
    expect(roleFor({ slackUserId: "U01ALICE01" }, directory, ["U01ALICE01"]).role).toBe("admin");
    expect(roleFor({ slackUserId: "U01ALICE01" }, directory, [])).toEqual({
      role: "responder",
      personId: "alice",
      name: "Alice",
    });
    expect(roleFor({ slackUserId: "U09NOBODY" }, directory, ["dana"])).toEqual({ role: "viewer" });
    expect(roleFor({ slackUserId: "U09NOBODY" }, undefined, [])).toEqual({ role: "viewer" });
    expect(parseAdmins(" dana, U01ALICE01 ,,")).toEqual(["dana", "U01ALICE01"]);
  });
});

describe("sessions", () => {
  it("round-trips the claims and refuses tampering, other keys and expiry with a 401 error", async () => {
    const { token, claims } = await issueSession(KEY, { sub: "alice", name: "Alice", role: "responder" });
    expect(await verifySession(KEY, token)).toEqual(claims);
    expect(claims.csrf.length).toBeGreaterThanOrEqual(16);
    const [h, p, s] = token.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p!, "base64url").toString()), role: "admin" }),
    ).toString("base64url");
    await expect(verifySession(KEY, `${h}.${forgedPayload}.${s}`)).rejects.toBeInstanceOf(
      UnauthenticatedError,
    );
    await expect(verifySession(`${KEY}-other`, token)).rejects.toBeInstanceOf(UnauthenticatedError);
    const old = await issueSession(
      KEY,
      { sub: "alice", name: "Alice", role: "viewer" },
      { ttlSeconds: 60, now: new Date(Date.now() - 120_000) },
    );
    await expect(verifySession(KEY, old.token)).rejects.toThrow(/expired/);
    await expect(issueSession("short", { sub: "a", name: "A", role: "viewer" })).rejects.toThrow(/32/);
  });

  it("compares CSRF tokens exactly", () => {
    expect(csrfMatches("abc", "abc")).toBe(true);
    expect(csrfMatches("abc", "abd")).toBe(false);
    expect(csrfMatches("abc", "ab")).toBe(false);
    expect(csrfMatches("abc", undefined)).toBe(false);
  });
});
