import { createHash } from "node:crypto";
import { monotonicFactory } from "ulid";

const next = monotonicFactory();

/** Sortable, unique ids (ULID). Monotonic within a process, so entries written together keep order. */
export function newId(at: number = Date.now()): string {
  return next(at);
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A deterministic id written like a ULID (26 Crockford characters): the first 128 bits of the
 * SHA-256 of `parts` as JSON. Two writers that agree on the parts agree on the id, and an ack link
 * packs it into 16 bytes as it packs a ULID.
 */
export function digestId(parts: readonly unknown[]): string {
  const digest = createHash("sha256").update(JSON.stringify(parts)).digest().subarray(0, 16);
  let n = 0n;
  for (const byte of digest) n = (n << 8n) | BigInt(byte);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = (CROCKFORD[Number(n & 31n)] ?? "0") + out;
    n >>= 5n;
  }
  return out;
}
