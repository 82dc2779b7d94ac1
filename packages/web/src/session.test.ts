import { describe, expect, it } from "vitest";
import { shouldRefresh } from "./session";

const session = {
  issuedAt: "2026-03-29T00:00:00.000Z",
  expiresAt: "2026-03-29T12:00:00.000Z",
  signedInAt: "2026-03-27T00:00:00.000Z",
};
const at = (iso: string) => Date.parse(iso);

describe("silent session refresh", () => {
  it("refreshes past half the session's life, before it expires", () => {
    expect(shouldRefresh(session, at("2026-03-29T05:59:00Z"))).toBe(false);
    expect(shouldRefresh(session, at("2026-03-29T06:00:00Z"))).toBe(true);
    expect(shouldRefresh(session, at("2026-03-29T11:59:00Z"))).toBe(true);
    expect(shouldRefresh(session, at("2026-03-29T12:00:00Z"))).toBe(false);
  });

  it("stops at the sign-in's longest life (7 days), and on unreadable times", () => {
    const old = { ...session, signedInAt: "2026-03-22T06:30:00.000Z" };
    expect(shouldRefresh(old, at("2026-03-29T06:28:00Z"))).toBe(true);
    expect(shouldRefresh(old, at("2026-03-29T06:29:30Z"))).toBe(false);
    expect(shouldRefresh({ ...session, expiresAt: "soon" }, at("2026-03-29T06:00:00Z"))).toBe(false);
  });
});
