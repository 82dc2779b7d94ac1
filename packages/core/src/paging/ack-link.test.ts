import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AckKey, ackLinkNonce, ackUrl, parseAckKeyring, signAckLink, verifyAckLink } from "./ack-link";

const KEY: AckKey = { id: "k1", secret: "0123456789abcdef0123456789abcdef-current" };
const OLD: AckKey = { id: "k0", secret: Buffer.alloc(32, 7) };
const PAGE = "01JQ4Z8K7Y3M2N1P0Q9R8S7T6V";
const INCIDENT = "01JQ4Z8K5W0000000000000000";
const EXPIRES = new Date("2026-03-14T10:00:00.000Z");
const BEFORE = new Date("2026-03-14T09:45:00.000Z");

const sign = (key: AckKey = KEY) =>
  signAckLink({ pageId: PAGE, incidentId: INCIDENT, expiresAt: EXPIRES }, key);

describe("signed ack links", () => {
  it("round-trips the payload, with the nonce the caller must consume once", () => {
    const token = sign();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const verified = verifyAckLink(token, KEY, BEFORE);
    expect(verified).toEqual({
      pageId: PAGE,
      incidentId: INCIDENT,
      expiresAt: EXPIRES,
      keyId: "k1",
      nonce: PAGE,
    });
    expect(ackLinkNonce({ pageId: PAGE })).toBe(PAGE);
  });

  it("round-trips any URL-safe ids, ULID or not (property)", () => {
    const id = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      fc.stringMatching(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/),
    );
    fc.assert(
      fc.property(id, id, fc.integer({ min: 1, max: 0xffff_ffff }), (pageId, incidentId, seconds) => {
        const expiresAt = new Date(seconds * 1000);
        const token = signAckLink({ pageId, incidentId, expiresAt }, KEY);
        expect(verifyAckLink(token, KEY, new Date(0))).toEqual({
          pageId,
          incidentId,
          expiresAt,
          keyId: "k1",
          nonce: pageId,
        });
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic and short enough for an SMS: 75 characters for two ULIDs and a 2-character key id", () => {
    expect(sign()).toBe(sign());
    expect(sign()).toHaveLength(75);
  });

  it("expires at expiresAt (1 ms before it still works), rounding expiresAt down to the second", () => {
    const token = sign();
    expect(verifyAckLink(token, KEY, new Date(EXPIRES.getTime() - 1))).not.toHaveProperty("error");
    expect(verifyAckLink(token, KEY, EXPIRES)).toEqual({ error: "expired" });
    const rounded = signAckLink(
      { pageId: PAGE, incidentId: INCIDENT, expiresAt: new Date(EXPIRES.getTime() + 999) },
      KEY,
    );
    expect(rounded).toBe(token);
  });

  it("reports a token whose payload was changed as forged, even when it has also expired", () => {
    const bytes = Buffer.from(sign(), "base64url");
    // Layout: 0x31 | 02 'k1' | page(16) | incident(16) | expiry(4) | tag(16)
    expect(bytes[0]).toBe(0x31);
    const expiryAt = 1 + 1 + 2 + 16 + 16;
    const tamper = (offset: number, value: number) => {
      const copy = Buffer.from(bytes);
      copy[offset] = value;
      return copy.toString("base64url");
    };
    expect(verifyAckLink(tamper(5, bytes[5]! ^ 1), KEY, BEFORE)).toEqual({ error: "forged" }); // page id
    expect(verifyAckLink(tamper(21, bytes[21]! ^ 1), KEY, BEFORE)).toEqual({ error: "forged" }); // incident id
    expect(verifyAckLink(tamper(expiryAt + 3, bytes[expiryAt + 3]! ^ 0x10), KEY, BEFORE)).toEqual({
      error: "forged",
    });
    expect(verifyAckLink(tamper(bytes.length - 1, bytes.at(-1)! ^ 1), KEY, new Date("2030-01-01"))).toEqual({
      error: "forged",
    });
  });

  it("reports a token signed with another key, or naming an unknown key, as forged", () => {
    const wrong: AckKey = { id: "k1", secret: "another-secret-that-is-32-bytes-long!!" };
    expect(verifyAckLink(sign(wrong), KEY, BEFORE)).toEqual({ error: "forged" });
    expect(verifyAckLink(sign(OLD), KEY, BEFORE)).toEqual({ error: "forged" });
  });

  it("verifies tokens of every key in the keyring, so keys rotate", () => {
    const ring = [KEY, OLD];
    expect(verifyAckLink(sign(OLD), ring, BEFORE)).toMatchObject({ keyId: "k0", pageId: PAGE });
    expect(verifyAckLink(sign(KEY), ring, BEFORE)).toMatchObject({ keyId: "k1", pageId: PAGE });
  });

  it("reports anything that is not a token as malformed", () => {
    const good = sign();
    const bytes = Buffer.from(good, "base64url");
    const edit = (f: (b: Buffer) => Buffer) => f(Buffer.from(bytes)).toString("base64url");
    // The same ids, with the page ULID spelt as text instead of packed: a second encoding.
    const textForm = Buffer.concat([
      Buffer.of(0x21),
      bytes.subarray(1, 4),
      Buffer.of(26),
      Buffer.from(PAGE, "ascii"),
      bytes.subarray(20),
    ]).toString("base64url");
    for (const token of [
      "",
      "hello",
      "x".repeat(1000),
      `${good}=`,
      `${good}A`,
      good.slice(0, -1),
      `${good.slice(0, 10)}.${good.slice(10)}`,
      edit((b) => {
        b[0] = 0x32; // unknown format
        return b;
      }),
      edit((b) => {
        b[0] = 0x71; // unknown flag
        return b;
      }),
      edit((b) => {
        b[1] = 0; // empty key id
        return b;
      }),
      edit((b) => {
        b[2] = 0x2e; // "." in the key id
        return b;
      }),
      edit((b) => Buffer.concat([b.subarray(0, b.length - 16), Buffer.of(0), b.subarray(b.length - 16)])), // trailing byte
      textForm,
    ]) {
      expect(verifyAckLink(token, KEY, BEFORE), token).toEqual({ error: "malformed" });
    }
  });

  it("never accepts a token it did not sign (property: any one-character or one-byte change)", () => {
    const good = sign();
    const bytes = Buffer.from(good, "base64url");
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.constantFrom(...alphabet), (i, ch) => {
        fc.pre(good[i] !== ch);
        const result = verifyAckLink(good.slice(0, i) + ch + good.slice(i + 1), KEY, BEFORE);
        expect(["forged", "malformed"]).toContain((result as { error?: string }).error);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const copy = Buffer.from(bytes);
        copy[i] = copy[i]! ^ x;
        const result = verifyAckLink(copy.toString("base64url"), KEY, BEFORE);
        expect(["forged", "malformed"]).toContain((result as { error?: string }).error);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses weak keys, bad key ids and ids that are not URL-safe", () => {
    expect(() => sign({ id: "k1", secret: "short" })).toThrow(FirebreakError);
    expect(() => sign({ id: "key.with.dots", secret: KEY.secret })).toThrow(FirebreakError);
    expect(() => signAckLink({ pageId: "a.b", incidentId: INCIDENT, expiresAt: EXPIRES }, KEY)).toThrow(
      ValidationError,
    );
    expect(() =>
      signAckLink({ pageId: PAGE, incidentId: INCIDENT, expiresAt: new Date(Number.NaN) }, KEY),
    ).toThrow(ValidationError);
    expect(() =>
      signAckLink({ pageId: PAGE, incidentId: INCIDENT, expiresAt: new Date("2107-01-01T00:00:00Z") }, KEY),
    ).toThrow(ValidationError);
  });

  it("builds the link URL", () => {
    expect(ackUrl("https://fb.example.com/ack", "T")).toBe("https://fb.example.com/ack/T");
    expect(ackUrl("https://fb.example.com/ack/", "T")).toBe("https://fb.example.com/ack/T");
    expect(ackUrl("https://fb.example.com/ack?t=", "T")).toBe("https://fb.example.com/ack?t=T");
  });
});

describe("parseAckKeyring (the AckKey secret's value)", () => {
  const a = "a".repeat(32);
  const b = "b".repeat(40);
  it("reads one bare secret as key k1, and id:secret lists with the signing key first", () => {
    expect(parseAckKeyring(a)).toEqual({ current: { id: "k1", secret: a }, previous: [] });
    expect(parseAckKeyring(` k2:${b} , k1:${a} `)).toEqual({
      current: { id: "k2", secret: b },
      previous: [{ id: "k1", secret: a }],
    });
  });

  it("a link signed by the previous key still verifies against the ring", () => {
    const ring = parseAckKeyring(`k2:${b},k1:${a}`);
    const token = signAckLink(
      { pageId: "p1", incidentId: "i1", expiresAt: new Date("2030-01-01T00:00:00Z") },
      ring.previous[0]!,
    );
    expect(
      verifyAckLink(token, [ring.current, ...ring.previous], new Date("2029-01-01T00:00:00Z")),
    ).toMatchObject({
      keyId: "k1",
      pageId: "p1",
    });
  });

  it("names each bad entry: short secret, bad id, duplicate, empty", () => {
    const issues = (value: string) => {
      try {
        parseAckKeyring(value);
        return [];
      } catch (error) {
        return (error as ValidationError).issues;
      }
    };
    expect(issues("short")).toEqual([
      { path: "AckKey[0]", message: 'secret of key "k1" is shorter than 32 bytes' },
    ]);
    expect(issues(`bad id!:${a}`)[0]?.message).toMatch(/key id must be/);
    expect(issues(`k1:${a},k1:${b}`)).toEqual([{ path: "AckKey[1]", message: 'key id "k1" appears twice' }]);
    expect(issues(" , ")[0]?.path).toBe("AckKey");
  });
});
