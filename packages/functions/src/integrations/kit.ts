/**
 * What every alert endpoint shares (app.ts composes them): each format's way of refusing, the
 * body read as bounded JSON, the key from `Authorization`, the Lambda deadline, and the route kit:
 * authenticate-then-receive, dead-letter-then-refuse, and the 1 MB body limit.
 */
import { randomUUID } from "node:crypto";
import { RetryableBatchError } from "@firebreak/core/alarm/process";
import type { ExternalAlert } from "@firebreak/core/integrations/alert";
import {
  INTEGRATION_PATHS,
  type IntegrationFormat,
  type IntegrationKey,
} from "@firebreak/core/integrations/keys";
import { type AlertResult, deadLetterAlert, receiveAlerts } from "@firebreak/core/integrations/receive";
import { JsonBoundsError, MAX_JSON_DEPTH, parseBoundedJson } from "@firebreak/core/shared/json";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { IntegrationDeps } from "./app";

/** What the alert endpoints accept, for the refusals that say so. */
export const ACCEPTED_FORMATS = `This API accepts: Prometheus Alertmanager webhooks (version 4) at POST ${INTEGRATION_PATHS.alertmanager}, PagerDuty Events API v2 events at POST ${INTEGRATION_PATHS.pagerduty}, Opsgenie Alert API requests at POST ${INTEGRATION_PATHS.opsgenie} (and /v2/alerts/{alias}/close, /acknowledge), and Amazon SNS HTTP(S) deliveries at POST ${INTEGRATION_PATHS.sns}/{key}.`;

/** The largest body an alert endpoint reads (a grouped notification of 1,000 alerts fits); larger → 413. */
export const MAX_INTEGRATION_BODY_BYTES = 1024 * 1024;

/** Each format's own way of saying no (status, body). */
export type Refusal = (status: number, message: string, details?: string[]) => Response;

export const problem =
  (c: Context): Refusal =>
  (status, message, details) =>
    c.json(
      {
        type: "https://firebreak.dev/problems/integration",
        title:
          status === 401 ? "Integration key required" : status === 413 ? "Body too large" : "Alert refused",
        status,
        detail: message,
        ...(details?.length ? { issues: details.map((d) => ({ path: "(root)", message: d })) } : {}),
      },
      status as 400,
      { "content-type": "application/problem+json" },
    );

export const pagerDutyError =
  (c: Context): Refusal =>
  (status, message, details) =>
    c.json(
      status >= 500
        ? { status: "error", message }
        : {
            status: "invalid event",
            message: "Event object is invalid",
            errors: details?.length ? details : [message],
          },
      status as 400,
    );

export const opsgenieError =
  (c: Context, started: number): Refusal =>
  (status, message) =>
    c.json({ message, took: (performance.now() - started) / 1000, requestId: randomUUID() }, status as 400);

/** The body's JSON, or a refusal naming what is wrong with it. */
export async function readJson(
  c: Context,
): Promise<{ ok: true; body: unknown; text: string } | { ok: false; why: string; text: string }> {
  const text = await c.req.text();
  try {
    return { ok: true, body: parseBoundedJson(text), text };
  } catch (error) {
    const why =
      error instanceof JsonBoundsError && error.reason === "too_deep"
        ? `the body is nested more than ${MAX_JSON_DEPTH} levels deep`
        : "the body is not JSON";
    return { ok: false, why, text };
  }
}

/** `Authorization: <scheme> <key>` (scheme case-insensitive); Basic gives the password. */
export function keyFromAuthorization(
  header: string | undefined,
  schemes: readonly string[],
): string | undefined {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header ?? "");
  if (!match?.[1] || !match[2]) return undefined;
  const scheme = match[1].toLowerCase();
  if (!schemes.includes(scheme)) return undefined;
  if (scheme !== "basic") return match[2];
  const decoded = Buffer.from(match[2], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

/** Time left margin: the answer (a 503 the sender retries) must leave before the function times out. */
export const DEADLINE_MARGIN_MS = 3_000;

/** Whether this request must stop processing: the Lambda context's remaining time, when there is one. */
export function outOfTimeOf(c: Context): (() => boolean) | undefined {
  const lambda = (c.env as { lambdaContext?: { getRemainingTimeInMillis?: () => number } } | undefined)
    ?.lambdaContext;
  const remaining = lambda?.getRemainingTimeInMillis;
  return remaining ? () => remaining() < DEADLINE_MARGIN_MS : undefined;
}

export const tryAgain = (refuse: Refusal) => {
  const response = refuse(503, "The alert could not be stored; send it again.");
  response.headers.set("retry-after", "1");
  return response;
};

/** Where alerts are counted in the log line of each request. */
export function outcomes(results: readonly AlertResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}

export const KEY_HINT: Record<IntegrationFormat, string> = {
  sns: "the last segment of the subscription's URL",
  alertmanager: "Authorization: Bearer <key>, from the webhook's http_config.authorization",
  pagerduty: "the event's routing_key",
  opsgenie: "Authorization: GenieKey <key>",
};

/** The steps each format's routes are built from, bound to the function's dependencies. */
export interface RouteKit {
  getDeps: () => IntegrationDeps;
  receive: (
    c: Context,
    format: IntegrationFormat,
    key: string | undefined,
    refuse: Refusal,
    alerts: (integration: IntegrationKey) => Promise<ExternalAlert[] | Response>,
    answer: (results: AlertResult[]) => Response,
  ) => Promise<Response>;
  refuseKept: (
    refuse: Refusal,
    format: IntegrationFormat,
    integration: IntegrationKey,
    status: number,
    message: string,
    details: string[],
    event: unknown,
  ) => Promise<Response>;
  limit: (refuse: (c: Context) => Refusal) => ReturnType<typeof bodyLimit>;
}

export function routeKit(getDeps: () => IntegrationDeps): RouteKit {
  /** Authenticates, then processes; refusals and retries in the format's own shape. */
  const receive: RouteKit["receive"] = async (c, format, key, refuse, alerts, answer) => {
    const deps = getDeps();
    const integration = key ? await deps.keys.verify(key, format) : undefined;
    if (!integration)
      return refuse(
        401,
        key
          ? `this is not a valid ${format} integration key (revoked, mistyped, or a key of another format)`
          : `an integration key is required (${KEY_HINT[format]}); create one with \`firebreak integration create ${format} --name <name>\` or POST /api/integrations`,
      );
    const read = await alerts(integration);
    if (read instanceof Response) return read;
    try {
      const results = await receiveAlerts(deps.receive, format, integration, read, outOfTimeOf(c));
      deps.log?.info("alerts received", { format, integration: integration.id, outcomes: outcomes(results) });
      return answer(results);
    } catch (error) {
      if (!(error instanceof RetryableBatchError)) throw error;
      deps.log?.error("alerts failed; the sender will retry", { format, integration: integration.id, error });
      return tryAgain(refuse);
    }
  };

  /** A refusal of what a sender with a valid key sent: dead-lettered with its reason, then answered. */
  const refuseKept: RouteKit["refuseKept"] = async (
    refuse,
    format,
    integration,
    status,
    message,
    details,
    event,
  ) => {
    await deadLetterAlert(
      getDeps().receive,
      format,
      integration,
      message,
      details.map((d) => ({ path: "(root)", message: d })),
      event,
    );
    return refuse(status, message, details);
  };

  const limit = (refuse: (c: Context) => Refusal) =>
    bodyLimit({
      maxSize: MAX_INTEGRATION_BODY_BYTES,
      onError: (c) =>
        refuse(c)(413, `the request body is larger than ${MAX_INTEGRATION_BODY_BYTES} bytes (1 MB)`),
    });
  return { getDeps, receive, refuseKept, limit };
}
