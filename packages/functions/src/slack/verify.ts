import { createHmac, timingSafeEqual } from "node:crypto";
import { JsonBoundsError, parseBoundedJson } from "@firebreak/core/shared/json";
import { headerValue, mediaType, type SlackHttpEvent } from "./lambda-event";

/**
 * Checks a Slack request before Bolt sees it (on an event already fixed by `normaliseSlackEvent`).
 *
 * Bolt's receiver verifies the signature and rejects timestamps older than 5 minutes, but it
 * accepts timestamps in the future, and it parses the body *before* checking the signature (a
 * malformed body from anyone becomes a 500). So this runs first, in this order:
 *
 * 1. `X-Slack-Request-Timestamp` must be a whole number of seconds within ±5 minutes of now
 *    (future timestamps included) → else 401;
 * 2. `X-Slack-Signature` must be `v0=` + hex HMAC-SHA256(signing secret, `v0:{ts}:{raw body}`),
 *    compared in constant time → else 401;
 * 3. only then is the body parsed (form, form with an interactive `payload`, or JSON) → 400 if it
 *    cannot be, if a form carries a field twice, if the JSON carries a key twice in one object
 *    (Bolt's parsers and ours could read different values of it) or is nested more than 64 deep;
 * 4. the workspace: `team_id` (form bodies, Events API), `team.id` (interactive payloads), or
 *    `view.team_id` / `user.team_id` must be one of the configured team ids → else 403.
 *    `ssl_check` and `url_verification` requests carry no team and pass (Bolt answers them without
 *    running any listener).
 * 5. a command or interaction must name its user (`user_id`, `user.id`): every one is recorded as
 *    someone's (the timeline's actor) → else 400, which the handler answers, for a command or a
 *    modal submission, as a message Slack shows (`reply`), so nothing is run or stored.
 *
 * Bolt's own signature check still runs afterwards (defence in depth, and a test asserts that on
 * its own it answers 401 for a bad signature and for a stale timestamp).
 */

export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface VerifyOptions {
  signingSecret: string;
  /** The workspace(s) this app serves (`T…`). */
  teamIds: readonly string[];
  /** Milliseconds since the epoch (tests pass a fixed clock). */
  now?: () => number;
  toleranceSeconds?: number;
}

export type Verdict =
  | {
      ok: true;
      teamId?: string;
      /** What the request is (a replay of a command is answered in words, of anything else with an empty 200). */
      kind?: "command" | "interaction" | "event";
      /** The request's signature (hex): a replay of the request carries the same one. */
      signature: string;
      /** `X-Slack-Request-Timestamp`, seconds: the signature is accepted until 5 minutes after it. */
      timestamp: number;
    }
  | {
      ok: false;
      statusCode: 400 | 401 | 403;
      reason: string;
      /**
       * What to tell the person in Slack instead of a bare status (answered with 200, which is how
       * Slack shows a reply): set only for a request that is Slack's and signed, but unusable.
       */
      reply?: Record<string, unknown>;
    };

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`. */
export function slackSignature(signingSecret: string, timestamp: string | number, rawBody: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

const deny = (statusCode: 400 | 401 | 403, reason: string): Verdict => ({ ok: false, statusCode, reason });

export function verifySlackRequest(event: SlackHttpEvent, options: VerifyOptions): Verdict {
  const rawBody = event.body ?? "";
  const timestamp = headerValue(event.headers, "x-slack-request-timestamp")?.trim() ?? "";
  if (!/^\d{1,12}$/.test(timestamp)) return deny(401, "missing or malformed X-Slack-Request-Timestamp");
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const skew = Number(timestamp) - nowSeconds;
  const tolerance = options.toleranceSeconds ?? MAX_CLOCK_SKEW_SECONDS;
  if (skew > tolerance) return deny(401, `request timestamp is ${skew} s in the future`);
  if (skew < -tolerance) return deny(401, `request timestamp is ${-skew} s old`);

  const signature = headerValue(event.headers, "x-slack-signature")?.trim() ?? "";
  const expected = slackSignature(options.signingSecret, timestamp, rawBody);
  const given = Buffer.from(signature, "utf8");
  const wanted = Buffer.from(expected, "utf8");
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return deny(401, "bad X-Slack-Signature");

  const contentType = mediaType(headerValue(event.headers, "content-type"));
  const parsed = readSlackBody(rawBody, contentType);
  if ("problem" in parsed) return deny(400, parsed.problem);
  const { body } = parsed;
  const signed = { signature: expected.slice(3), timestamp: Number(timestamp) };
  if (body.ssl_check !== undefined || body.type === "url_verification") return { ok: true, ...signed };
  const teamId = teamOf(body);
  if (teamId === undefined) return deny(403, "the request names no workspace");
  if (!options.teamIds.includes(teamId)) return deny(403, `workspace ${teamId} is not served by this app`);
  // Every command and interaction is someone's: without a user it could be recorded as nobody's.
  if (needsUser(body) && userOf(body) === undefined) {
    const reason =
      body.command !== undefined
        ? "the command names no user (user_id)"
        : "the interaction names no user (user.id)";
    const reply = noUserReply(body);
    return { ...deny(400, reason), ...(reply ? { reply } : {}) };
  }
  const kind =
    body.command !== undefined ? "command" : body.type === "event_callback" ? "event" : "interaction";
  return { ok: true, teamId, kind, ...signed };
}

/** What a person sees when Slack sent their command or form without saying who they are. */
export const NO_USER_TEXT =
  "Firebreak could not tell who sent this (Slack sent no user id), so nothing was done or recorded. Please try again.";

/**
 * The answer Slack shows for a command (an ephemeral message) or a modal submission (an error under
 * its first field, or the modal replaced by the message) that names no user. Other interactions
 * (buttons, shortcuts) have no answer Slack would show: they get the bare 400.
 */
function noUserReply(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (body.command !== undefined) return { response_type: "ephemeral", text: NO_USER_TEXT };
  if (body.type !== "view_submission") return undefined;
  const blocks = asRecord(body.view)?.blocks;
  const input = Array.isArray(blocks)
    ? blocks.map(asRecord).find((block) => block?.type === "input" && str(block.block_id))
    : undefined;
  if (input) return { response_action: "errors", errors: { [String(input.block_id)]: NO_USER_TEXT } };
  return {
    response_action: "update",
    view: {
      type: "modal",
      title: { type: "plain_text", text: "Firebreak" },
      blocks: [{ type: "section", text: { type: "plain_text", text: NO_USER_TEXT } }],
    },
  };
}

/** The body as Bolt will see it (the interactive `payload` field decoded), or undefined. */
export function parseSlackBody(
  rawBody: string,
  contentType: string | undefined,
): Record<string, unknown> | undefined {
  const parsed = readSlackBody(rawBody, contentType);
  return "body" in parsed ? parsed.body : undefined;
}

const NOT_SLACK = "the body is neither a form nor JSON Slack sends";

/**
 * The body as Bolt will see it, or why it is refused: a form field carried twice, JSON (a JSON body
 * or the interactive `payload`) with a key twice in one object or nested deeper than 64 levels,
 * or anything that is not a form or a JSON object.
 */
export function readSlackBody(
  rawBody: string,
  contentType: string | undefined,
): { body: Record<string, unknown> } | { problem: string } {
  let json = rawBody;
  let what = "the JSON body";
  if (contentType === "application/x-www-form-urlencoded") {
    const repeated = repeatedField(rawBody);
    if (repeated) return { problem: `the form carries ${repeated} more than once` };
    const form = Object.fromEntries(new URLSearchParams(rawBody));
    if (typeof form.payload !== "string") return { body: form };
    json = form.payload;
    what = "the payload";
  }
  try {
    const body = asRecord(parseBoundedJson(json, { uniqueKeys: true }));
    return body ? { body } : { problem: NOT_SLACK };
  } catch (error) {
    if (error instanceof JsonBoundsError && error.reason !== "syntax")
      return { problem: `${what} ${error.message.replace(/^the JSON /, "")}` };
    return { problem: NOT_SLACK };
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** The first form field that appears twice (Slack never sends one twice; a forger might, to confuse). */
function repeatedField(rawBody: string): string | undefined {
  const seen = new Set<string>();
  for (const key of new URLSearchParams(rawBody).keys()) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}

/** Slash commands and interactions (buttons, modals, shortcuts) act for a user; events need none. */
function needsUser(body: Record<string, unknown>): boolean {
  return body.command !== undefined || (typeof body.type === "string" && body.type !== "event_callback");
}

/** The acting user of a command (`user_id`) or an interaction (`user.id`). */
export function userOf(body: Record<string, unknown>): string | undefined {
  return str(body.user_id) ?? str(asRecord(body.user)?.id);
}

/** The workspace a body comes from, wherever Slack puts it for that kind of request. */
export function teamOf(body: Record<string, unknown>): string | undefined {
  return (
    str(body.team_id) ??
    str(asRecord(body.team)?.id) ??
    str(asRecord(body.view)?.team_id) ??
    str(asRecord(body.user)?.team_id)
  );
}
