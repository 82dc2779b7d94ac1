import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationError } from "@firebreak/core/shared/errors";

/**
 * List cursors, sealed: the API hands out the store's cursor (the DynamoDB key of the last item,
 * base64url JSON) with an HMAC of it and of the query it belongs to, and takes back only cursors
 * that carry a good one. A crafted or altered cursor, or one from another query (another status or
 * severity, whose index or key range differs), is a 400 naming `cursor` before DynamoDB sees it.
 *
 * The key is derived from the SessionKey secret every API function already holds (sessions are
 * signed with it), so nothing new is to be configured or rotated: rotating the SessionKey only
 * makes the cursors in flight invalid (a 400: start the list again).
 */

/** Characters of the MAC kept (base64url: 132 bits). */
const MAC_LENGTH = 22;

const cursorKey = (secret: string) =>
  createHmac("sha256", secret).update("firebreak list cursor v1").digest();

function macOf(secret: string, scope: string, cursor: string): string {
  return createHmac("sha256", cursorKey(secret))
    .update(`${scope}\n${cursor}`)
    .digest("base64url")
    .slice(0, MAC_LENGTH);
}

/** The cursor to hand out: `<store cursor>.<MAC>`; undefined when there is no next page. */
export function sealCursor(secret: string, scope: string, cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : `${cursor}.${macOf(secret, scope, cursor)}`;
}

const invalid = () =>
  new ValidationError("invalid query: cursor: not a cursor returned by this API for this list", [
    { path: "cursor", message: "not a cursor returned by this API for this list; start again without it" },
  ]);

/** The store cursor inside a sealed one (undefined for none); a ValidationError naming `cursor` if forged. */
export function openCursor(secret: string, scope: string, sealed: string | undefined): string | undefined {
  if (sealed === undefined || sealed === "") return undefined;
  const dot = sealed.lastIndexOf(".");
  if (dot <= 0) throw invalid();
  const cursor = sealed.slice(0, dot);
  const given = Buffer.from(sealed.slice(dot + 1), "utf8");
  const wanted = Buffer.from(macOf(secret, scope, cursor), "utf8");
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid();
  return cursor;
}

/** What a list cursor is bound to: the parts of the query that choose the index and its key range. */
export const listScope = (query: { status: string; severity?: string }) =>
  `incidents|${query.status}|${query.severity ?? ""}`;
