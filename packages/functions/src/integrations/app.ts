/**
 * The alert endpoints of other monitors, each a thin edge in front of the alarm ingest
 * (core/integrations/receive.ts), each answering as the original does so that a sender needs only
 * a URL change:
 *
 * | route | sender | key |
 * |---|---|---|
 * | `POST /integrations/alertmanager` | Prometheus Alertmanager's webhook (version 4) | `Authorization: Bearer <key>` (or Basic, the key as password) |
 * | `POST /v2/enqueue` | PagerDuty Events API v2 | `routing_key` in the body |
 * | `POST /v2/alerts`, `POST /v2/alerts/{alias}/close`, `…/acknowledge` | Opsgenie Alert API | `Authorization: GenieKey <key>` |
 * | `POST /integrations/sns/{key}` | Amazon SNS HTTP(S) subscriptions (signatures verified; confirmed) | the key in the path |
 * | `POST /v2/change/enqueue` | PagerDuty change events (recorded as changes, core/changes) | `routing_key` |
 * | `GET` or `POST /heartbeats/{id}` | a heartbeat's ping (core/heartbeats) | its own key: `Authorization: Bearer <key>` or `?key=` |
 *
 * Every request needs a valid integration key of its endpoint's format (core/integrations/keys.ts).
 * Bodies over 1 MB get 413, JSON nested deeper than 64 levels or not JSON a 400 naming what the
 * endpoint accepts. What a sender with a valid key sent that cannot be processed goes to the
 * dead letters with its reason, besides the 4xx. A failure a retry can fix is a 503 (with
 * Retry-After), which every one of these senders retries; the retry is idempotent.
 */
import { randomUUID } from "node:crypto";
import { processAlarmEvent, RetryableBatchError } from "@firebreak/core/alarm/process";
import { recordChange } from "@firebreak/core/changes/actions";
import type { ChangeStore } from "@firebreak/core/changes/store";
import { heartbeatView, pingHeartbeat } from "@firebreak/core/heartbeats/actions";
import type { HeartbeatStore } from "@firebreak/core/heartbeats/store";
import type { ExternalAlert } from "@firebreak/core/integrations/alert";
import {
  ALERTMANAGER_FORMAT,
  type AlertmanagerNotification,
  readAlertmanagerNotification,
} from "@firebreak/core/integrations/alertmanager";
import {
  INTEGRATION_PATHS,
  type IntegrationFormat,
  type IntegrationKey,
  type IntegrationKeys,
} from "@firebreak/core/integrations/keys";
import {
  OpsgenieRequestError,
  readOpsgenieAction,
  readOpsgenieCreate,
} from "@firebreak/core/integrations/opsgenie";
import {
  type PagerDutyChange,
  PagerDutyEventError,
  readPagerDutyChange,
  readPagerDutyEvent,
} from "@firebreak/core/integrations/pagerduty";
import {
  type AlertResult,
  deadLetterAlert,
  type ReceiveDeps,
  receiveAlerts,
} from "@firebreak/core/integrations/receive";
import {
  asLambdaRecord,
  readSnsMessage,
  SNS_FORMAT,
  type SnsHttpMessage,
} from "@firebreak/core/integrations/sns";
import { ValidationError } from "@firebreak/core/shared/errors";
import { JsonBoundsError, MAX_JSON_DEPTH, parseBoundedJson } from "@firebreak/core/shared/json";
import type { Log } from "@firebreak/core/shared/log";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Hono } from "hono/tiny";
import { type SnsHttp, settleSnsMessage, snsOverHttps } from "./sns-http";

export type { SnsHttp };
export { snsOverHttps };

export interface IntegrationDeps {
  receive: ReceiveDeps;
  keys: IntegrationKeys;
  /** Heartbeats (core/heartbeats): `GET|POST /heartbeats/{id}` records a ping. */
  heartbeats?: HeartbeatStore;
  /** Changes (core/changes): PagerDuty change events, `POST /v2/change/enqueue`. */
  changes?: ChangeStore;
  /** SNS's own hosts: signing certificates, and subscription confirmations (integrations/sns.ts). */
  sns?: SnsHttp;
  log?: Log;
}

/** The largest body an alert endpoint reads (a grouped notification of 1,000 alerts fits); larger → 413. */
export const MAX_INTEGRATION_BODY_BYTES = 1024 * 1024;

const ACCEPTED_FORMATS = `This API accepts: Prometheus Alertmanager webhooks (version 4) at POST ${INTEGRATION_PATHS.alertmanager}, PagerDuty Events API v2 events at POST ${INTEGRATION_PATHS.pagerduty}, Opsgenie Alert API requests at POST ${INTEGRATION_PATHS.opsgenie} (and /v2/alerts/{alias}/close, /acknowledge), and Amazon SNS HTTP(S) deliveries at POST ${INTEGRATION_PATHS.sns}/{key}.`;

/** Each format's own way of saying no (status, body). */
type Refusal = (status: number, message: string, details?: string[]) => Response;

const problem =
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

const pagerDutyError =
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

const opsgenieError =
  (c: Context, started: number): Refusal =>
  (status, message) =>
    c.json({ message, took: (performance.now() - started) / 1000, requestId: randomUUID() }, status as 400);

/** The body's JSON, or a refusal naming what is wrong with it. */
async function readJson(
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
function keyFromAuthorization(header: string | undefined, schemes: readonly string[]): string | undefined {
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
const DEADLINE_MARGIN_MS = 3_000;

/** Whether this request must stop processing: the Lambda context's remaining time, when there is one. */
function outOfTimeOf(c: Context): (() => boolean) | undefined {
  const lambda = (c.env as { lambdaContext?: { getRemainingTimeInMillis?: () => number } } | undefined)
    ?.lambdaContext;
  const remaining = lambda?.getRemainingTimeInMillis;
  return remaining ? () => remaining() < DEADLINE_MARGIN_MS : undefined;
}

const tryAgain = (refuse: Refusal) => {
  const response = refuse(503, "The alert could not be stored; send it again.");
  response.headers.set("retry-after", "1");
  return response;
};

/** Where alerts are counted in the log line of each request. */
function outcomes(results: readonly AlertResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  return counts;
}

export function createIntegrationsApp(getDeps: () => IntegrationDeps): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("cache-control", "no-store");
  });

  /** Authenticates, then processes; refusals and retries in the format's own shape. */
  const receive = async (
    c: Context,
    format: IntegrationFormat,
    key: string | undefined,
    refuse: Refusal,
    alerts: (integration: IntegrationKey) => Promise<ExternalAlert[] | Response>,
    answer: (results: AlertResult[]) => Response,
  ): Promise<Response> => {
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
  const refuseKept = async (
    refuse: Refusal,
    format: IntegrationFormat,
    integration: IntegrationKey,
    status: number,
    message: string,
    details: string[],
    event: unknown,
  ): Promise<Response> => {
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

  app.post(INTEGRATION_PATHS.alertmanager, limit(problem), async (c) => {
    const refuse = problem(c);
    const key = keyFromAuthorization(c.req.header("authorization"), ["bearer", "basic"]);
    let notification: AlertmanagerNotification | undefined;
    return receive(
      c,
      "alertmanager",
      key,
      refuse,
      async (integration) => {
        const json = await readJson(c);
        if (!json.ok)
          return refuseKept(
            refuse,
            "alertmanager",
            integration,
            400,
            `${json.why}: expected ${ALERTMANAGER_FORMAT}`,
            [],
            json.text.slice(0, 10_000),
          );
        try {
          notification = readAlertmanagerNotification(json.body);
          for (const refused of notification.refused)
            await deadLetterAlert(
              getDeps().receive,
              "alertmanager",
              integration,
              `alert ${refused.index} of an Alertmanager notification refused: ${refused.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
              refused.issues,
              refused.alert,
            );
          if (notification.truncatedAlerts > 0)
            getDeps().log?.warn("Alertmanager left alerts out of a notification (max_alerts)", {
              integration: integration.id,
              truncatedAlerts: notification.truncatedAlerts,
              groupKey: notification.groupKey,
            });
          if (notification.alerts.length === 0 && notification.refused.length > 0)
            return refuse(
              400,
              "no alert of the notification could be read",
              notification.refused.flatMap((r) => r.issues.map((i) => `${i.path}: ${i.message}`)),
            );
          return notification.alerts;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return refuseKept(
            refuse,
            "alertmanager",
            integration,
            400,
            `${error.message}. ${ACCEPTED_FORMATS}`,
            error.issues.map((i) => i.message),
            json.body,
          );
        }
      },
      (results) => {
        if (!notification) throw new Error("unreachable: answered before the notification was read");
        return c.json({
          status: "accepted",
          results,
          ...(notification.refused.length
            ? { refused: notification.refused.map((r) => ({ index: r.index, issues: r.issues })) }
            : {}),
          ...(notification.truncatedAlerts
            ? {
                truncatedAlerts: notification.truncatedAlerts,
                warning: `Alertmanager left ${notification.truncatedAlerts} alert(s) out of this notification (max_alerts): they were not received`,
              }
            : {}),
        });
      },
    );
  });

  app.post(INTEGRATION_PATHS.pagerduty, limit(pagerDutyError), async (c) => {
    const refuse = pagerDutyError(c);
    const json = await readJson(c);
    if (!json.ok) return refuse(400, `${json.why}. ${ACCEPTED_FORMATS}`);
    let event: ReturnType<typeof readPagerDutyEvent> | undefined;
    let problems: string[] = [];
    try {
      event = readPagerDutyEvent(json.body);
    } catch (error) {
      if (!(error instanceof PagerDutyEventError)) throw error;
      problems = error.errors;
    }
    const routingKey =
      event?.routingKey ??
      (typeof (json.body as { routing_key?: unknown })?.routing_key === "string"
        ? (json.body as { routing_key: string }).routing_key
        : undefined);
    return receive(
      c,
      "pagerduty",
      routingKey,
      refuse,
      async (integration) =>
        event
          ? [event.alert]
          : refuseKept(
              refuse,
              "pagerduty",
              integration,
              400,
              `PagerDuty event refused: ${problems.join("; ")}`,
              problems,
              json.body,
            ),
      (results) => {
        const result = results[0];
        if (result?.outcome === "refused") return refuse(400, result.reason ?? "refused");
        return c.json(
          { status: "success", message: "Event processed", dedup_key: event?.alert.identity },
          202,
        );
      },
    );
  });

  // PagerDuty change events: recorded as changes to the key's service (core/changes).
  app.post("/v2/change/enqueue", limit(pagerDutyError), async (c) => {
    const refuse = pagerDutyError(c);
    const deps = getDeps();
    const json = await readJson(c);
    if (!json.ok) return refuse(400, `${json.why}. ${ACCEPTED_FORMATS}`);
    let change: PagerDutyChange | undefined;
    let problems: string[] = [];
    try {
      change = readPagerDutyChange(json.body);
    } catch (error) {
      if (!(error instanceof PagerDutyEventError)) throw error;
      problems = error.errors;
    }
    const given = (json.body as { routing_key?: unknown } | null)?.routing_key;
    const key = change?.routingKey ?? (typeof given === "string" ? given : undefined);
    const integration = key ? await deps.keys.verify(key, "pagerduty") : undefined;
    if (!integration)
      return refuse(
        401,
        key ? "this is not a valid pagerduty integration key" : "'routing_key' is missing or blank",
      );
    if (!change)
      return refuseKept(
        refuse,
        "pagerduty",
        integration,
        400,
        `PagerDuty change event refused: ${problems.join("; ")}`,
        problems,
        json.body,
      );
    const service = integration.service ?? change.service;
    if (!service)
      return refuse(
        400,
        "this integration key maps to no service: create it with --service, or send payload.custom_details.service",
        [
          "this integration key maps to no service: create it with --service, or send payload.custom_details.service",
        ],
      );
    if (!deps.changes) return refuse(503, "changes are not configured on this deployment");
    try {
      await recordChange(
        { changes: deps.changes, ...(deps.receive.clock ? { clock: deps.receive.clock } : {}) },
        {
          service,
          summary: change.summary,
          ...(change.at ? { at: change.at } : {}),
          ...(change.link ? { link: change.link } : {}),
        },
        "pagerduty",
        {
          type: "alarm",
          id: `pagerduty:${integration.id}`,
          name: `PagerDuty change events (${integration.name})`,
        },
      );
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return refuseKept(
        refuse,
        "pagerduty",
        integration,
        400,
        error.message,
        error.issues.map((i) => `${i.path}: ${i.message}`),
        json.body,
      );
    }
    return c.json({ status: "success", message: "Change event processed" }, 202);
  });

  const opsgenie = (action: "create" | "resolve" | "acknowledge") => async (c: Context) => {
    const started = performance.now();
    const refuse = opsgenieError(c, started);
    const key = keyFromAuthorization(c.req.header("authorization"), ["geniekey"]);
    return receive(
      c,
      "opsgenie",
      key,
      refuse,
      async (integration) => {
        const json = await readJson(c);
        const body = json.ok ? json.body : undefined;
        if (!json.ok && (action === "create" || json.text.trim() !== ""))
          return refuseKept(
            refuse,
            "opsgenie",
            integration,
            400,
            `${json.why}. ${ACCEPTED_FORMATS}`,
            [],
            json.text.slice(0, 10_000),
          );
        try {
          return [
            action === "create"
              ? readOpsgenieCreate(body)
              : readOpsgenieAction(
                  action,
                  c.req.param("identifier") ?? "",
                  c.req.query("identifierType"),
                  body,
                ),
          ];
        } catch (error) {
          if (!(error instanceof OpsgenieRequestError)) throw error;
          return refuseKept(
            refuse,
            "opsgenie",
            integration,
            error.status,
            error.message,
            [error.message],
            body,
          );
        }
      },
      (results) => {
        const result = results[0];
        if (result?.outcome === "refused") return refuse(422, result.reason ?? "refused");
        return c.json(
          {
            result: "Request will be processed",
            took: (performance.now() - started) / 1000,
            requestId: randomUUID(),
          },
          202,
        );
      },
    );
  };
  app.post(
    INTEGRATION_PATHS.opsgenie,
    limit((c) => opsgenieError(c, performance.now())),
    opsgenie("create"),
  );
  app.post(
    `${INTEGRATION_PATHS.opsgenie}/:identifier/close`,
    limit((c) => opsgenieError(c, performance.now())),
    opsgenie("resolve"),
  );
  app.post(
    `${INTEGRATION_PATHS.opsgenie}/:identifier/acknowledge`,
    limit((c) => opsgenieError(c, performance.now())),
    opsgenie("acknowledge"),
  );

  // Amazon SNS HTTP(S) subscriptions: the key in the path (a subscription cannot send headers);
  // every message's signature verified before anything else (integrations/sns.ts).
  app.post(`${INTEGRATION_PATHS.sns}/:key`, limit(problem), async (c) => {
    const refuse = problem(c);
    const deps = getDeps();
    const integration = await deps.keys.verify(c.req.param("key"), "sns");
    if (!integration)
      return refuse(
        401,
        "this is not a valid sns integration key: subscribe the topic to <API URL>/integrations/sns/<key>, with a key from `firebreak integration create sns`",
      );
    const json = await readJson(c);
    if (!json.ok)
      return refuseKept(
        refuse,
        "sns",
        integration,
        400,
        `${json.why}: expected ${SNS_FORMAT}`,
        [],
        json.text.slice(0, 10_000),
      );
    let message: SnsHttpMessage;
    try {
      message = readSnsMessage(json.body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return refuseKept(
        refuse,
        "sns",
        integration,
        400,
        `${error.message}. ${ACCEPTED_FORMATS}`,
        error.issues.map((i) => `${i.path}: ${i.message}`),
        json.body,
      );
    }
    const settled = await settleSnsMessage(message, deps.sns ?? snsOverHttps());
    if (settled.kind === "answered") {
      if (settled.status === 403)
        deps.log?.warn("SNS message refused", { reason: settled.reason, integration: integration.id });
      if (settled.status === 503) {
        deps.log?.error("SNS subscription confirmation failed", { reason: settled.reason });
        return tryAgain(refuse);
      }
      if (settled.status !== 200) return refuse(settled.status, settled.reason);
      if (message.Type === "UnsubscribeConfirmation")
        return c.json({ status: "ignored", reason: "an unsubscribe confirmation" });
      deps.log?.info("SNS subscription confirmed", { topic: message.TopicArn, integration: integration.id });
      return c.json({ status: "confirmed", topic: message.TopicArn });
    }
    try {
      const summary = await processAlarmEvent(
        { ...deps.receive, ...(deps.log ? { log: deps.log } : {}) },
        { Records: [asLambdaRecord(message)] },
      );
      // Dead-lettered with its reason (processAlarmEvent did): a retry by SNS could not fix it.
      const rejected = summary.rejected[0];
      if (rejected) return c.json({ status: "dead-lettered", reason: rejected.error.message });
      return c.json({ status: "accepted", results: summary.ingested });
    } catch (error) {
      if (!(error instanceof RetryableBatchError)) throw error;
      return tryAgain(refuse);
    }
  });

  // A heartbeat's ping: its key as `Authorization: Bearer <key>` or `?key=<key>` (what a cron's
  // one-line curl can send). GET too: some schedulers only GET.
  app.on(["GET", "POST"], "/heartbeats/:id", limit(problem), async (c) => {
    const refuse = problem(c);
    const deps = getDeps();
    if (!deps.heartbeats) return refuse(404, "heartbeats are not configured on this deployment");
    const key = keyFromAuthorization(c.req.header("authorization"), ["bearer"]) ?? c.req.query("key");
    const heartbeat = key ? await deps.heartbeats.verify(c.req.param("id"), key) : undefined;
    if (!heartbeat)
      return refuse(
        401,
        key
          ? "this is not the key of a heartbeat with this id"
          : "the heartbeat's key is required: Authorization: Bearer <key>, or ?key=<key>",
      );
    try {
      const pinged = await pingHeartbeat(
        {
          heartbeats: deps.heartbeats,
          receive: deps.receive,
          ...(deps.receive.clock ? { clock: deps.receive.clock } : {}),
        },
        heartbeat,
      );
      if (!pinged) return refuse(404, `heartbeat ${heartbeat.id} was deleted`);
      deps.log?.info("heartbeat pinged", { id: heartbeat.id, recovered: pinged.recovered?.outcome });
      return c.json({
        status: "ok",
        ...heartbeatView(pinged.heartbeat),
        ...(pinged.recovered ? { recovered: pinged.recovered } : {}),
      });
    } catch (error) {
      if (!(error instanceof RetryableBatchError)) throw error;
      return tryAgain(refuse);
    }
  });

  app.notFound((c) =>
    problem(c)(
      404,
      `no alert endpoint at ${c.req.method} ${new URL(c.req.url).pathname}. ${ACCEPTED_FORMATS}`,
    ),
  );
  app.onError((error, c) => {
    getDeps().log?.error("alert endpoint failed", { error: String(error) });
    return tryAgain(problem(c));
  });
  return app;
}

const KEY_HINT: Record<IntegrationFormat, string> = {
  sns: "the last segment of the subscription's URL",
  alertmanager: "Authorization: Bearer <key>, from the webhook's http_config.authorization",
  pagerduty: "the event's routing_key",
  opsgenie: "Authorization: GenieKey <key>",
};
