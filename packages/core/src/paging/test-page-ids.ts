/**
 * The id of one method of one person of a test page: 128 bits of SHA-256 over (test page, person,
 * method), written like a ULID (26 Crockford characters) so that an ack link packs it into 16
 * bytes, as it packs a page id. Deterministic: the request and the test sender agree on it.
 */
import { digestId } from "@firebreak/core/shared/ids";

export function testSendId(testPageId: string, personId: string, method: string): string {
  return digestId(["firebreak/test-page/v1", testPageId, personId, method]);
}
