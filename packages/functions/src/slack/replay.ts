import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { DuplicateDeliveryError } from "@firebreak/core/incident/errors";
import { MAX_CLOCK_SKEW_SECONDS } from "./verify";

/**
 * Replays of a signed Slack request. A signature stays valid for the ±5 minutes the timestamp check
 * allows, so anyone who sees one request (a log, a proxy) could send it again in that window and
 * declare one more incident per copy. Each verified request's signature is recorded once, with one
 * conditional PutItem (`DELIVERY#slack:<signature>`, the idempotency key of every delivery, with
 * its TTL `expiresAt`): the first sighting wins, a replay finds the key and is not acted on.
 *
 * Slack itself never sends one request twice with the same signature: its retries (Events API)
 * are new requests with a new timestamp, and every command and interaction carries its own
 * `trigger_id`.
 */

/** Seconds a key outlives the window in which its request's timestamp is accepted. */
const KEY_MARGIN_SECONDS = 60;

/** The idempotency key of a Slack request. */
export const slackRequestKey = (signature: string) => `slack:${signature}`;

/** True the first time a signature is seen, false for a replay of it (within its window). */
export async function firstSighting(
  store: IncidentStore,
  request: { signature: string; timestamp: number },
): Promise<boolean> {
  try {
    await store.markDelivered({
      id: slackRequestKey(request.signature),
      // Accepted until timestamp + 5 min (timestamps up to 5 min ahead are accepted too).
      expiresAt: request.timestamp + MAX_CLOCK_SKEW_SECONDS + KEY_MARGIN_SECONDS,
      outcome: "slack_request",
    });
    return true;
  } catch (error) {
    if (error instanceof DuplicateDeliveryError) return false;
    throw error;
  }
}

/** What a replay gets: Slack wants a 200; a command's user reads why nothing happened. */
export function replayAnswer(kind: "command" | "interaction" | "event" | undefined) {
  if (kind !== "command") return { statusCode: 200, body: "" };
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      response_type: "ephemeral",
      text: "Already handled: Slack delivered this request once already, so nothing was done again.",
    }),
  };
}
