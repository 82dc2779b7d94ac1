/**
 * The verification model, pure: a method's status follows its record, the address it was
 * verified for, the clock and the tries; the code is the request's and the address's, and only
 * its hash is compared.
 */

import { fastCheckSeed } from "@firebreak/testkit/fast-check-seed";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  awaitingCode,
  type ContactRecords,
  codeHash,
  codeMatches,
  isVerified,
  MAX_VERIFY_ATTEMPTS,
  type MethodVerification,
  methodStatus,
  methodViews,
  verificationCode,
} from "./contact-methods";

const SECRET = "k1-secret-of-at-least-thirty-two-bytes-xxxxxxxx";
const NOW = new Date("2026-11-01T06:30:00.000Z"); // the US fall-back day: statuses use instants only
const ann = { id: "ann", slackUserId: "U01ANN0001", phone: "+12025550101" };

function pending(over: Partial<MethodVerification> = {}): MethodVerification {
  const requestId = over.requestId ?? "01JREQUEST00000000000000001";
  return {
    address: ann.phone,
    status: "pending",
    requestId,
    requestedAt: "2026-11-01T06:25:00.000Z",
    requestedBy: { type: "user", id: "ann" },
    expiresAt: "2026-11-01T06:40:00.000Z",
    attempts: 0,
    codeHash: codeHash(requestId, verificationCode(SECRET, requestId, ann.phone)),
    sentAt: "2026-11-01T06:25:01.000Z",
    ...over,
  };
}

describe("methodStatus", () => {
  it("follows the record, the address, the clock and the tries", () => {
    const of = (record: MethodVerification | undefined, person = ann, now = NOW) =>
      methodStatus(record ? { ann: { sms: record } } : {}, person, "sms", now);
    expect(of(undefined)).toBe("unverified");
    expect(methodStatus({}, { id: "ann" }, "sms", NOW)).toBe("no_address");
    expect(of(pending())).toBe("pending");
    expect(awaitingCode({ ann: { sms: pending() } }, ann, "sms", NOW)).toBeDefined();
    expect(of(pending({ attempts: MAX_VERIFY_ATTEMPTS }))).toBe("unverified");
    expect(of(pending(), ann, new Date("2026-11-01T06:40:00.000Z"))).toBe("unverified");
    expect(of(pending({ sendError: "InvalidParameter: bad number" }))).toBe("unverified");
    const verified = pending({
      status: "verified",
      verified: { address: ann.phone, at: NOW.toISOString(), via: "sms" },
    });
    expect(of(verified)).toBe("verified");
    // The phone changed: neither verified nor pending for the new number.
    expect(of(verified, { ...ann, phone: "+12025550199" })).toBe("unverified");
    // A new test message while verified: still verified, and it takes a code.
    const again = pending({ requestId: "01JREQUEST00000000000000002", verified: verified.verified! });
    const records: ContactRecords = { ann: { sms: again } };
    expect(methodStatus(records, ann, "sms", NOW)).toBe("verified");
    expect(awaitingCode(records, ann, "sms", NOW)?.requestId).toBe("01JREQUEST00000000000000002");
    expect(isVerified(records, ann, "voice")).toBe(false);
    const views = methodViews(records, ann, NOW);
    expect(views.map((v) => [v.method, v.status])).toEqual([
      ["slack", "unverified"],
      ["sms", "verified"],
      ["voice", "unverified"],
    ]);
    expect(views[1]).toMatchObject({ verifiedVia: "sms", sentAt: again.sentAt, expiresAt: again.expiresAt });
  });
});

describe("verification codes", () => {
  it("are six digits, the same for the same request and address, and matched only by their hash", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (id, address) => {
          const code = verificationCode(SECRET, id, address);
          expect(code).toMatch(/^\d{6}$/);
          expect(verificationCode(SECRET, id, address)).toBe(code);
          const record = { requestId: id, codeHash: codeHash(id, code) };
          expect(codeMatches(record, code)).toBe(true);
          const other = code === "999999" ? "000000" : String(Number(code) + 1).padStart(6, "0");
          expect(codeMatches(record, other)).toBe(false);
          // The hash is bound to its request: the same code for another request does not match.
          expect(codeMatches({ requestId: `${id}x`, codeHash: record.codeHash }, code)).toBe(false);
        },
      ),
      { seed: fastCheckSeed(), numRuns: 300 },
    );
    expect(codeMatches({ requestId: "r" }, "123456")).toBe(false);
    expect(codeMatches({ requestId: "r", codeHash: codeHash("r", "123456") }, "12345")).toBe(false);
    expect(verificationCode(SECRET, "r", "+1")).not.toBe(verificationCode(`${SECRET}2`, "r", "+1"));
  });
});
