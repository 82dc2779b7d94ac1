/**
 * The topology of Firebreak, written once: which function consumes which events, on which route,
 * schedule or stream. Plain data with no SDK or SST import, so that both sides read it:
 * - `infra/` deploys it (the app-bus rules, the default-bus rule, the schedule, the stream
 *   subscription, the HTTP API's routes);
 * - the local runtime (packages/local/src/runtime.ts) wires the same consumers to its in-process
 *   bus, routes its HTTP server by the same route table, and runs the same schedule.
 * `packages/local/test/wiring.test.ts` evaluates the deployed app under Pulumi mocks and checks
 * that it subscribes exactly what the local runtime subscribes.
 */

import { keys } from "@firebreak/core/adapters/dynamodb/keys";
import { ALARM_RULE_PATTERN } from "@firebreak/core/alarm/rule";
import { DEPLOY_EVENT_PATTERN } from "@firebreak/core/changes/rule";
import type { EventKind } from "@firebreak/core/events/catalog";
import type { DetailPattern } from "@firebreak/core/events/dispatcher";
import { EVENT_SOURCE } from "@firebreak/core/events/publisher";

/** An EventBridge event pattern (JSON form: `detail-type`, nested `detail`). */
export interface BusPattern {
  source: readonly string[];
  "detail-type": readonly string[];
  detail?: DetailPattern;
}

export interface BusConsumer {
  /** The Lambda handler (`<file>.<export>`, from the repository root). */
  handler: string;
  pattern: BusPattern;
  /** A deploy/runtime setting without which the consumer does not exist (e.g. an optional export). */
  requires?: string;
}

/** An app-bus pattern: source `firebreak`, these kinds of the event catalog (core/events/catalog.ts). */
const app = <const K extends readonly EventKind[]>(detailTypes: K, detail?: BusPattern["detail"]) => ({
  source: [EVENT_SOURCE] as const,
  "detail-type": detailTypes,
  ...(detail ? { detail } : {}),
});

/**
 * Every consumer of the app bus, by its SST name, with the kinds it consumes: the one list of
 * them, read by its rule (infra/), the local bus and its handler (`defineConsumer`).
 */
export const BUS_CONSUMERS = {
  /**
   * Roles and first pages on a declaration (`incident.declared`); the escalation brought up to
   * date at once on a status change or ack (the ladder stops now, not at the next sweep), a
   * severity change (urgency may have changed), a grouped alarm (the IC hears of it), and a
   * request to page a responder or escalate.
   */
  Pager: {
    handler: "packages/functions/src/pager.handler",
    pattern: app([
      "incident.declared",
      "incident.status_changed",
      "page.acknowledged",
      "incident.severity_changed",
      "incident.alarm_attached",
      "incident.responder_requested",
      "incident.escalation_requested",
    ]),
  },
  /**
   * What people ask for to check their paging, through the pager's channels but kept out of its
   * function: a contact method's verification message, and a test page (no incident).
   */
  TestSender: {
    handler: "packages/functions/src/test-sender.handler",
    pattern: app(["oncall.verification_requested", "page.test_requested"]),
  },
  /** Incident channels, summaries, stakeholder updates, postmortem links. */
  SlackWorker: {
    handler: "packages/functions/src/slack-worker.handler",
    pattern: app([
      "slack.incident_declared",
      "slack.role_assigned",
      "incident.declared",
      "incident.status_changed",
      "incident.role_assigned",
      "incident.severity_changed",
      "incident.update_posted",
      "incident.merge_received",
      "incident.linked",
      "incident.unlinked",
      "postmortem.drafted",
      "oncall.coverage_gaps_found",
      "slo.budget_thresholds_crossed",
    ]),
  },
  /** A timeline entry (the event's detail) that resolved an incident: draft the postmortem. */
  Postmortem: {
    handler: "packages/functions/src/postmortem.handler",
    pattern: app(["incident.status_changed"], { detail: { data: { to: ["resolved"] } } }),
  },
  /** A new action item: its issue in the team's tracker, once (core/action-items/sync.ts). */
  ActionItemSync: {
    handler: "packages/functions/src/action-item-sync.handler",
    pattern: app(["action_item.created"]),
  },
  /** Every stored postmortem version, exported to S3 (only with a bucket). */
  PostmortemExport: {
    handler: "packages/functions/src/postmortem-export.handler",
    pattern: app(["postmortem.drafted"]),
    requires: "FIREBREAK_POSTMORTEM_BUCKET",
  },
} as const satisfies Record<string, BusConsumer>;

export type BusConsumerName = keyof typeof BUS_CONSUMERS;

/** The kinds a consumer's rule lets through. */
export type ConsumedKind<N extends BusConsumerName> =
  (typeof BUS_CONSUMERS)[N]["pattern"]["detail-type"][number];

/** The consumers that exist with these settings (an optional one needs its setting). */
export function activeBusConsumers(
  settings: Record<string, string | undefined>,
): Array<[BusConsumerName, BusConsumer]> {
  return (Object.entries(BUS_CONSUMERS) as Array<[BusConsumerName, BusConsumer]>).filter(
    ([, consumer]) => !consumer.requires || Boolean(settings[consumer.requires]?.trim()),
  );
}

/** The pattern in the shape `sst.aws.Bus.subscribe` takes (`detailType`). */
export function sstBusPattern(pattern: BusPattern): {
  source: string[];
  detailType: string[];
  detail?: Record<string, unknown>;
} {
  return {
    source: [...pattern.source],
    detailType: [...pattern["detail-type"]],
    ...(pattern.detail ? { detail: { ...pattern.detail } } : {}),
  };
}

/** Alarm state changes on the account's default bus → alarm-ingest (also the local `POST /events`). */
export const ALARM_INGEST = {
  handler: "packages/functions/src/alarm-ingest.handler",
  pattern: ALARM_RULE_PATTERN,
} as const;

/** AWS's deployment events on the default bus → ChangeIngest (core/changes; also the local `POST /events`). */
export const CHANGE_INGEST = {
  handler: "packages/functions/src/changes.handler",
  pattern: DEPLOY_EVENT_PATTERN,
} as const;

/** The rules on the account's default bus, by function: what the local `POST /events` routes by. */
export const DEFAULT_BUS_RULES = { AlarmIngest: ALARM_INGEST, ChangeIngest: CHANGE_INGEST } as const;

/** The escalation sweep, every minute (levels time out in whole minutes). */
export const ESCALATION = {
  handler: "packages/functions/src/escalation.handler",
  schedule: "rate(1 minute)",
  intervalMs: 60_000,
} as const;

/** The maintenance release, every minute: held alarms of windows that ended (core/maintenance). */
export const MAINTENANCE = {
  handler: "packages/functions/src/maintenance.handler",
  schedule: "rate(1 minute)",
  intervalMs: 60_000,
} as const;

/** The heartbeat sweep, every minute: heartbeats whose ping is overdue open their incidents (core/heartbeats). */
export const HEARTBEATS = {
  handler: "packages/functions/src/heartbeats.handler",
  schedule: "rate(1 minute)",
  intervalMs: 60_000,
} as const;

/** The coverage check, every hour: new gaps of the next 14 days go to the teams' alert channels (core/oncall/coverage-alerts). */
export const COVERAGE = {
  handler: "packages/functions/src/coverage.handler",
  schedule: "rate(1 hour)",
  intervalMs: 3_600_000,
} as const;

/** The action items' tracker sync, every 15 minutes: statuses pulled back, failed syncs retried (core/action-items/sync.ts). */
export const ACTION_ITEM_PULL = {
  handler: "packages/functions/src/action-item-sync.pull",
  schedule: "rate(15 minutes)",
  intervalMs: 15 * 60_000,
} as const;

/** Sort-key prefix of timeline entries, from the key builders (`TL#`). */
export const TIMELINE_SK_PREFIX = keys.timeline("", "").sk;

/** The table's stream → the outbox, filtered to new timeline entries (the domain events). */
export const OUTBOX: { handler: string; filter: OutboxFilter } = {
  handler: "packages/functions/src/outbox.handler",
  filter: { eventName: ["INSERT"], dynamodb: { Keys: { sk: { S: [{ prefix: TIMELINE_SK_PREFIX }] } } } },
};

/** A Lambda event-source filter pattern on the table stream (the local poller applies the same). */
export interface OutboxFilter extends DetailPattern {
  eventName: string[];
  dynamodb: { Keys: { sk: { S: Array<{ prefix: string }> } } };
}

export interface HttpFunction {
  handler: string;
  /** API Gateway route keys (`METHOD /path`, `{var}`, greedy `{proxy+}`, `ANY`). */
  routes: readonly string[];
}

/**
 * The HTTP API: each function and the routes API Gateway sends to it. A request goes to its most
 * specific route (see `matchRoute`), so the writes that need the schema validator or the YAML
 * parser reach their own, smaller functions, and everything else under /api and /auth the main one.
 */
export const HTTP_FUNCTIONS = {
  /** Everything else: reads, incident actions, tokens, sign-in. Linked to the sign-in secrets. */
  ApiHandler: {
    handler: "packages/functions/src/api.handler",
    routes: ["GET /health", "ANY /api/{proxy+}", "ANY /auth/{proxy+}", "GET /ical/{token}"],
  },
  /** Human edits of postmortems (lint + schema validation). */
  ApiPostmortem: {
    handler: "packages/functions/src/api-postmortem.handler",
    routes: ["PUT /api/incidents/{id}/postmortem"],
  },
  /**
   * The published documents: OpenAPI (zod's JSON Schema converter stays out of the main function)
   * and the postmortem metadata's JSON Schemas.
   */
  ApiDocs: {
    handler: "packages/functions/src/api-docs.handler",
    routes: [
      "GET /api/openapi.json",
      "GET /api/schemas/postmortem.v1.json",
      "GET /api/schemas/postmortem.v2.json",
    ],
  },
  /** Directory writes (YAML or JSON). */
  ApiDirectory: {
    handler: "packages/functions/src/api-directory.handler",
    routes: ["PUT /api/directory", "POST /api/oncall/overrides", "DELETE /api/oncall/overrides/{id}"],
  },
  /** Paging reads: the page trace of an incident and the directory's coverage (a small bundle of their own); test pages. */
  ApiPaging: {
    handler: "packages/functions/src/api-paging.handler",
    routes: [
      "GET /api/incidents/{id}/trace",
      "GET /api/oncall/coverage",
      "GET /api/oncall/calendar",
      "GET /api/budgets",
      "POST /api/test-pages",
      "GET /api/test-pages/{id}",
    ],
  },
  /** Postmortem action items and the risk view (core/action-items; a small bundle of their own). */
  ApiActionItems: {
    handler: "packages/functions/src/api-action-items.handler",
    routes: [
      "POST /api/incidents/{id}/action-items",
      "POST /api/incidents/{id}/action-items/from-draft",
      "GET /api/action-items",
      "GET /api/action-items/{id}",
      "PATCH /api/action-items/{id}",
      "POST /api/action-items/{id}/sync",
      "GET /api/risk",
    ],
  },
  /** The public status page's summary and Atom feed, no sign-in (a small bundle of its own). */
  ApiStatus: {
    handler: "packages/functions/src/api-status.handler",
    routes: ["GET /api/status/summary", "GET /api/status/feed.atom"],
  },
  /** One-click ack links and SMS replies to pages: only this function and the pager hold the AckKey secret. */
  Ack: {
    handler: "packages/functions/src/ack.handler",
    routes: ["GET /ack/{token}", "POST /ack/{token}", "POST /sms/inbound"],
  },
  /**
   * Alerts from other monitors, authenticated by integration keys (core/integrations): Prometheus
   * Alertmanager's webhook, PagerDuty's Events API v2 and Opsgenie's Alert API, at the paths their
   * senders already use, into the same ingest as CloudWatch alarms.
   */
  Integrations: {
    handler: "packages/functions/src/integrations.handler",
    routes: [
      "POST /integrations/alertmanager",
      "POST /integrations/sns/{key}",
      "POST /v2/enqueue",
      "POST /v2/change/enqueue",
      "POST /v2/alerts",
      "POST /v2/alerts/{identifier}/close",
      "POST /v2/alerts/{identifier}/acknowledge",
      "GET /heartbeats/{id}",
      "POST /heartbeats/{id}",
    ],
  },
  /** Slack commands, interactivity and events, verified by Slack's signature. */
  SlackHandler: {
    handler: "packages/functions/src/slack.handler",
    routes: ["POST /slack/events"],
  },
} as const satisfies Record<string, HttpFunction>;

export type HttpFunctionName = keyof typeof HTTP_FUNCTIONS;

/**
 * API Gateway HTTP API route selection: the most specific route wins: more literal path segments
 * first, then `{var}` segments, then a greedy `{proxy+}`; a route naming the method before `ANY`.
 * Returns the function and route key, or undefined (API Gateway answers 404 then).
 */
export function matchRoute(
  method: string,
  path: string,
  functions: Record<string, HttpFunction> = HTTP_FUNCTIONS,
): { name: string; route: string } | undefined {
  const segments = path.split("/").filter(Boolean);
  let best: { name: string; route: string; score: number[] } | undefined;
  for (const [name, fn] of Object.entries(functions)) {
    for (const route of fn.routes) {
      const score = routeScore(route, method.toUpperCase(), segments);
      if (score && (!best || compareScores(score, best.score) > 0)) best = { name, route, score };
    }
  }
  return best && { name: best.name, route: best.route };
}

/** [literal segments, variable segments, no greedy, method-specific], or undefined when no match. */
function routeScore(route: string, method: string, segments: string[]): number[] | undefined {
  const [routeMethod = "", routePath = "/"] = route.split(" ");
  if (routeMethod !== "ANY" && routeMethod !== method) return undefined;
  const parts = routePath.split("/").filter(Boolean);
  let literal = 0;
  let variable = 0;
  for (const [i, part] of parts.entries()) {
    if (/^\{[^}]+\+\}$/.test(part)) {
      if (i !== parts.length - 1 || segments.length <= i) return undefined;
      return [literal, variable, 0, routeMethod === "ANY" ? 0 : 1];
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if (/^\{[^}]+\}$/.test(part)) variable++;
    else if (part === segment) literal++;
    else return undefined;
  }
  if (parts.length !== segments.length) return undefined;
  return [literal, variable, 1, routeMethod === "ANY" ? 0 : 1];
}

function compareScores(a: number[], b: number[]): number {
  // A route without a greedy segment beats one with it; then more literal segments; then the method.
  const order = [2, 0, 1, 3];
  for (const i of order) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
