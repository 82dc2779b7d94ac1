/**
 * The id of one method of one person of a test page: 128 bits of SHA-256 over (test page, person,
 * method), written like a ULID (26 Crockford characters) so that an ack link packs it into 16
 * bytes, as it packs a page id. Deterministic: the request and the pager agree on it.
 */
import { createHash } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function testSendId(testPageId: string, personId: string, method: string): string {
  const digest = createHash("sha256")
    .update(JSON.stringify(["firebreak/test-page/v1", testPageId, personId, method]))
    .digest()
    .subarray(0, 16);
  let n = 0n;
  for (const byte of digest) n = (n << 8n) | BigInt(byte);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = (CROCKFORD[Number(n & 31n)] ?? "0") + out;
    n >>= 5n;
  }
  return out;
}
