/**
 * Signed one-click acknowledgement links, for SMS and email pages.
 *
 * The token is one base64url string (no padding): the canonical payload bytes followed by a tag.
 *
 *     payload = header: 0x01 (format) | 0x10 if the page id is a ULID | 0x20 if the incident id is
 *             | key id length (1–16) | key id (ASCII)
 *             | page id | incident id   (each: 16 bytes for a ULID, else its length 1–64 + ASCII)
 *             | expiry: unix seconds, uint32 big-endian
 *     tag     = first 16 bytes of HMAC-SHA256(secret, "firebreak/ack/v1" | 0x00 | payload)
 *
 * Why binary and a 128-bit tag: the whole link must fit a 140-character SMS with room for the
 * incident title. Two ULIDs pack into 32 bytes instead of 52 characters, and the token is 75
 * characters with a two-character key id (a dotted text token with a full 43-character tag was
 * 110, leaving no room for a title). HMAC-SHA256 truncated to 128 bits is the standard
 * HMAC-SHA-256-128 (RFC 4868): forging a tag still takes ~2^128 guesses against an endpoint that
 * answers one at a time.
 *
 * - The key id names the key that signed, so keys rotate: sign with the new key, verify with a
 *   keyring holding the new and the old until every old link has expired.
 * - Every payload has exactly one encoding (a ULID is always packed; base64url must be canonical),
 *   so a token cannot be re-spelt into another valid token.
 * - `verifyAckLink` checks the shape, then the tag (with `timingSafeEqual`), and only then the
 *   expiry: a forged token is reported as forged even when its expiry has passed.
 * - "Works once" is the caller's: consume `nonce` (the page id: one link per page, whatever channel
 *   carried it) with a conditional write (e.g. DynamoDB `attribute_not_exists`) before acting; a
 *   second click then finds it consumed.
 * - Expiry has one-second resolution; `expiresAt` is rounded down, and a link is expired from
 *   that second on (`now >= expiresAt`). Expiries after 2106 (uint32) are refused.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";

export interface AckLinkPayload {
  pageId: string;
  incidentId: string;
  expiresAt: Date;
}

export interface AckKey {
  /** Short id carried in each token (1–16 of A–Z a–z 0–9 _ -); keep it short, it costs SMS characters. */
  id: string;
  /** At least 32 bytes (a string counts as its UTF-8 bytes). */
  secret: string | Uint8Array;
}

export interface VerifiedAckLink extends AckLinkPayload {
  keyId: string;
  /** What the caller must consume, once, with a conditional write: the page id. */
  nonce: string;
}

export type AckLinkError = { error: "expired" | "forged" | "malformed" };

const DOMAIN = Buffer.from("firebreak/ack/v1\u0000", "utf8");
const FORMAT = 1;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 256;
const MAX_EXPIRY = 0xffff_ffff;
export const MIN_SECRET_BYTES = 32;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

function ulidBytes(ulid: string): Buffer {
  let n = 0n;
  for (const ch of ulid) n = n * 32n + BigInt(CROCKFORD.indexOf(ch));
  const out = Buffer.alloc(16);
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function ulidText(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = (CROCKFORD[Number(n & 31n)] ?? "") + out;
    n >>= 5n;
  }
  return out;
}

const PAGE_ULID = 0x10;
const INCIDENT_ULID = 0x20;

function encodeId(id: string): Buffer {
  if (ULID.test(id)) return ulidBytes(id);
  return Buffer.concat([Buffer.of(id.length), Buffer.from(id, "ascii")]);
}

function secretBytes(key: AckKey): Buffer {
  if (!KEY_ID.test(key.id)) {
    throw new FirebreakError("bad_ack_key", `ack-link key id "${key.id}" must be 1–16 of A–Z a–z 0–9 _ -`);
  }
  const bytes = typeof key.secret === "string" ? Buffer.from(key.secret, "utf8") : Buffer.from(key.secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new FirebreakError(
      "weak_ack_key",
      `ack-link key "${key.id}" needs a secret of at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  return bytes;
}

function tag(key: AckKey, payload: Buffer): Buffer {
  return createHmac("sha256", secretBytes(key))
    .update(DOMAIN)
    .update(payload)
    .digest()
    .subarray(0, TAG_BYTES);
}

/** The key that consumes the link once: the page id. */
export function ackLinkNonce(payload: Pick<AckLinkPayload, "pageId">): string {
  return payload.pageId;
}

/** Signs a link token for `payload` with `key`. Ids must be URL-safe (ULIDs are, and pack smallest). */
export function signAckLink(payload: AckLinkPayload, key: AckKey): string {
  const issues = [];
  if (!ID.test(payload.pageId)) issues.push({ path: "pageId", message: "must be 1–64 of A–Z a–z 0–9 _ -" });
  if (!ID.test(payload.incidentId))
    issues.push({ path: "incidentId", message: "must be 1–64 of A–Z a–z 0–9 _ -" });
  const expires = Math.floor(payload.expiresAt.getTime() / 1000);
  if (!(Number.isFinite(expires) && expires > 0 && expires <= MAX_EXPIRY))
    issues.push({ path: "expiresAt", message: "must be a valid instant between 1970 and 2106" });
  if (issues.length > 0) throw new ValidationError("cannot sign this ack link", issues);
  secretBytes(key);
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(expires);
  const body = Buffer.concat([
    Buffer.of(
      FORMAT |
        (ULID.test(payload.pageId) ? PAGE_ULID : 0) |
        (ULID.test(payload.incidentId) ? INCIDENT_ULID : 0),
      key.id.length,
    ),
    Buffer.from(key.id, "ascii"),
    encodeId(payload.pageId),
    encodeId(payload.incidentId),
    expiry,
  ]);
  return Buffer.concat([body, tag(key, body)]).toString("base64url");
}

interface Decoded {
  keyId: string;
  pageId: string;
  incidentId: string;
  expires: number;
  body: Buffer;
  tag: Buffer;
}

/** Strict decoding: exactly one encoding per payload, or undefined. */
function decode(token: string): Decoded | undefined {
  if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) return undefined;
  const bytes = Buffer.from(token, "base64url");
  if (bytes.toString("base64url") !== token || bytes.length < 2 + TAG_BYTES) return undefined;
  const body = bytes.subarray(0, bytes.length - TAG_BYTES);
  let at = 0;
  const take = (n: number): Buffer | undefined => {
    if (at + n > body.length) return undefined;
    const out = body.subarray(at, at + n);
    at += n;
    return out;
  };
  const id = (packed: boolean): string | undefined => {
    if (packed) {
      const raw = take(16);
      if (!raw) return undefined;
      const text = ulidText(raw);
      return ULID.test(text) ? text : undefined;
    }
    const length = take(1)?.[0];
    if (length === undefined || length < 1 || length > 64) return undefined;
    const text = take(length)?.toString("latin1");
    // A ULID must be packed: its text form would be a second encoding of the same payload.
    return text !== undefined && ID.test(text) && !ULID.test(text) ? text : undefined;
  };
  const header = take(1)?.[0] ?? 0;
  if ((header & ~(PAGE_ULID | INCIDENT_ULID)) !== FORMAT) return undefined;
  const keyLength = take(1)?.[0] ?? 0;
  const keyId = keyLength >= 1 && keyLength <= 16 ? take(keyLength)?.toString("latin1") : undefined;
  if (keyId === undefined || !KEY_ID.test(keyId)) return undefined;
  const pageId = id((header & PAGE_ULID) !== 0);
  const incidentId = id((header & INCIDENT_ULID) !== 0);
  const expiry = take(4);
  if (pageId === undefined || incidentId === undefined || !expiry || at !== body.length) return undefined;
  const expires = expiry.readUInt32BE(0);
  if (expires === 0) return undefined;
  return { keyId, pageId, incidentId, expires, body, tag: bytes.subarray(bytes.length - TAG_BYTES) };
}

/**
 * Checks a token against the keyring (the key named by the token's key id). Returns the payload,
 * or why not: `malformed` (not a token), `forged` (unknown key or wrong tag), `expired`.
 */
export function verifyAckLink(
  token: string,
  keys: AckKey | readonly AckKey[],
  now: Date,
): VerifiedAckLink | AckLinkError {
  const decoded = typeof token === "string" ? decode(token) : undefined;
  if (!decoded) return { error: "malformed" };
  const ring: readonly AckKey[] = Array.isArray(keys) ? keys : [keys as AckKey];
  const key = ring.find((k) => k.id === decoded.keyId);
  if (!key) return { error: "forged" };
  if (!timingSafeEqual(decoded.tag, tag(key, decoded.body))) return { error: "forged" };
  if (now.getTime() >= decoded.expires * 1000) return { error: "expired" };
  const { keyId, pageId, incidentId } = decoded;
  return { pageId, incidentId, expiresAt: new Date(decoded.expires * 1000), keyId, nonce: pageId };
}

/** `base` + token: `https://fb.example.com/ack` → `https://fb.example.com/ack/<token>`; a base ending in `/` or `=` is used as is. */
export function ackUrl(base: string, token: string): string {
  return base.endsWith("/") || base.endsWith("=") ? `${base}${token}` : `${base}/${token}`;
}

/**
 * The `AckKey` secret's value as a keyring: `<id>:<secret>` entries separated by commas, the first
 * signs new links and the others are still accepted while they rotate out
 * (`k2:<new>,k1:<old>`). A value without `:` is one key with id `k1`. Each secret must have at
 * least 32 bytes (`openssl rand -base64 32` gives 44 characters).
 */
export function parseAckKeyring(value: string): { current: AckKey; previous: AckKey[] } {
  const entries = value
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const issues: { path: string; message: string }[] = [];
  const keys: AckKey[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(":");
    const id = colon < 0 ? "k1" : entry.slice(0, colon);
    const secret = colon < 0 ? entry : entry.slice(colon + 1);
    if (!KEY_ID.test(id))
      issues.push({ path: `AckKey[${i}]`, message: "key id must be 1–16 of A–Z a–z 0–9 _ -" });
    else if (seen.has(id)) issues.push({ path: `AckKey[${i}]`, message: `key id "${id}" appears twice` });
    else if (Buffer.byteLength(secret, "utf8") < MIN_SECRET_BYTES)
      issues.push({
        path: `AckKey[${i}]`,
        message: `secret of key "${id}" is shorter than ${MIN_SECRET_BYTES} bytes`,
      });
    else keys.push({ id, secret });
    seen.add(id);
  });
  if (entries.length === 0)
    issues.push({ path: "AckKey", message: "empty: set it with `npx sst secret set AckKey`" });
  if (issues.length > 0) throw new ValidationError("invalid AckKey secret", issues);
  const [current, ...previous] = keys;
  return { current: current!, previous };
}

/**
 * The six-digit code a voice page reads out: a reply by SMS with it (from the number called)
 * acknowledges that page (sms-reply.ts). It is derived, not stored: the first 32 bits of
 * HMAC-SHA256(secret, "firebreak/voice-ack/v1" | page id | phone) modulo 10^6, so it is bound to the
 * page and to the number it was read to, cannot be worked out without the AckKey, and is matched
 * back by deriving it again (with every key of the keyring). A code is only ever checked against
 * the open pages of the number that sent it, so six digits are plenty: the sender must also own
 * that number, and a bare "1" from it acknowledges anyway.
 */
export function voiceAckCode(key: AckKey, pageId: string, phone: string): string {
  const mac = createHmac("sha256", secretBytes(key))
    .update(JSON.stringify(["firebreak/voice-ack/v1", pageId, phone]))
    .digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, "0");
}

/** Whether `code` is the voice ack code of the page for `phone` under any of `keys` (constant time per key). */
export function matchesVoiceAckCode(
  keys: readonly AckKey[],
  pageId: string,
  phone: string,
  code: string,
): boolean {
  const given = Buffer.from(code.padEnd(6, "x").slice(0, 6), "utf8");
  let match = false;
  for (const key of keys)
    if (timingSafeEqual(Buffer.from(voiceAckCode(key, pageId, phone), "utf8"), given)) match = true;
  return match && code.length === 6;
}
