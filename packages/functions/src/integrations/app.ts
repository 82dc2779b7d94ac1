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
import type { ChangeStore } from "@firebreak/core/adapters/dynamodb/changes/store";
import type { HeartbeatStore } from "@firebreak/core/adapters/dynamodb/heartbeats/store";
import type { IntegrationKeys } from "@firebreak/core/integrations/keys";
import type { ReceiveDeps } from "@firebreak/core/integrations/receive";
import type { Log } from "@firebreak/core/shared/log";
import { Hono } from "hono/tiny";
import { alertmanagerRoutes } from "./alertmanager-routes";
import { heartbeatRoutes } from "./heartbeat-routes";
import { ACCEPTED_FORMATS, problem, routeKit, tryAgain } from "./kit";
import { opsgenieRoutes } from "./opsgenie-routes";
import { pagerDutyRoutes } from "./pagerduty-routes";
import { type SnsHttp, snsOverHttps } from "./sns-http";
import { snsRoutes } from "./sns-routes";

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

export { MAX_INTEGRATION_BODY_BYTES } from "./kit";

export function createIntegrationsApp(getDeps: () => IntegrationDeps): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("cache-control", "no-store");
  });

  const kit = routeKit(getDeps);
  alertmanagerRoutes(app, kit);
  pagerDutyRoutes(app, kit);
  opsgenieRoutes(app, kit);
  snsRoutes(app, kit);
  heartbeatRoutes(app, kit);

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
