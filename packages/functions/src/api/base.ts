/**
 * The HTTP API's base app: what every route group runs behind (no-store caching by default, the
 * body limit, authentication + CSRF on /api/*, RFC 9457 problems for errors and unknown routes),
 * and the helpers route groups share. The route groups live in routes/; a Lambda handler registers
 * only the groups it serves (the deployed HTTP API sends each route to one function: infra/routes.ts),
 * so that it does not bundle what the other groups need. `createApiApp` (app.ts) registers them all.
 */

import type { IgnoredAlarmStore } from "@firebreak/core/adapters/dynamodb/alarm/ignored-store";
import type { ChangeStore } from "@firebreak/core/adapters/dynamodb/changes/store";
import type { HeartbeatStore } from "@firebreak/core/adapters/dynamodb/heartbeats/store";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import type { IntegrationKeyStore } from "@firebreak/core/adapters/dynamodb/integrations/key-store";
import type { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import type { CalendarFeedStore } from "@firebreak/core/adapters/dynamodb/oncall/calendar-store";
import type { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import type { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import type { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import { getPostmortem } from "@firebreak/core/postmortem/service";
import type { Clock } from "@firebreak/core/shared/clock";
import { FirebreakError, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { JsonBoundsError, MAX_JSON_DEPTH, parseBoundedJson } from "@firebreak/core/shared/json";
import type { Log } from "@firebreak/core/shared/log";
import { bodyLimit } from "hono/body-limit";
import { Hono } from "hono/tiny";
import { type AuthDeps, type AuthEnv, authenticate } from "./auth";
import type { HealthChecks } from "./health";
import { PayloadTooLargeError, toProblem } from "./problem";
import { INCIDENT_KEY, incidentPath } from "./schemas-base";
import { parse } from "./validate";

/** What every route group may use: authentication, the log, the directory and paging if any. */
export interface BaseDeps {
  auth: AuthDeps;
  log?: Pick<Log, "error">;
  /** The on-call directory (people, roles, /api/directory); defaults to paging's. */
  directory?: DirectoryStore;
  /** Paging (pages list, ack links, acks that stop escalation); ack links answer 503 without it. */
  paging?: PagingReplyDeps;
  /** The time incident actions, postmortem edits and metrics windows read (default: the system clock). */
  clock?: Clock;
}

/** Everything the whole API uses (the main route group and postmortem edits need the stores). */
export interface ApiDeps extends BaseDeps {
  store: IncidentStore;
  postmortems: PostmortemStore;
  /**
   * The pages, for reading (incident detail, /api/pages); defaults to paging's. The deployed API
   * reads pages without holding the paging secrets: acknowledgements it records reach the Pager
   * through `incident.status_changed`, which stops the escalation there.
   */
  pages?: PageStore;
  /** Alarms that open no incident, for GET /api/alarms/ignored. */
  ignoredAlarms?: IgnoredAlarmStore;
  /** Maintenance windows (/api/maintenance); 503 without them. */
  maintenance?: MaintenanceStore;
  /** Integration keys of the alert endpoints (/api/integrations; core/integrations/keys.ts). */
  integrations?: IntegrationKeyStore;
  /** Heartbeats (/api/heartbeats; core/heartbeats). */
  heartbeats?: HeartbeatStore;
  /**
   * The secret URLs of iCal feeds (/api/calendars, /ical/{token};
   * core/adapters/dynamodb/oncall/calendar-store.ts).
   */
  calendars?: CalendarFeedStore;
  /** Changes to services (POST /api/changes, the incident detail's `changes`; core/changes). */
  changes?: ChangeStore;
  /** What GET /health checks (none: it answers 200 as long as the function runs). */
  health?: HealthChecks;
}

export type ApiApp = Hono<AuthEnv>;

/** What a route group gets: the dependencies (read per request) and the shared lookups. */
export interface RouteContext<D extends BaseDeps = ApiDeps> {
  getDeps: () => D;
  /** The on-call directory store, if this deployment has one. */
  directoryOf: () => DirectoryStore | undefined;
}

/** Routes under this prefix answer without a session or token: the public status page. */
export const PUBLIC_API_PREFIX = "/api/status/";

/** Registers a group of routes on the base app. */
export type RouteGroup<D extends BaseDeps = ApiDeps> = (app: ApiApp, ctx: RouteContext<D>) => void;

/** The largest request body the API reads (a postmortem or a directory fits); larger → 413. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

export async function jsonBody(c: { req: { text(): Promise<string> } }) {
  return parseJsonBody(await c.req.text());
}

/**
 * A request body's JSON, nested at most `MAX_JSON_DEPTH` (64) levels (checked before parsing:
 * nothing recursive ever walks a deeper value); else a ValidationError (400) saying why.
 */
export function parseJsonBody(text: string): unknown {
  try {
    return parseBoundedJson(text);
  } catch (error) {
    if (error instanceof JsonBoundsError && error.reason === "too_deep")
      throw new ValidationError(`invalid body: ${error.message}`, [
        { path: "(root)", message: `nested more than ${MAX_JSON_DEPTH} levels deep` },
      ]);
    throw new ValidationError("invalid body: not JSON", [
      { path: "(root)", message: "expected a JSON object" },
    ]);
  }
}

/** An incident reference (ULID or INC-<n>) as its id; INC-<n> is looked up by number (404 if none). */
export async function resolveIncidentRef(
  ref: string,
  store: Pick<IncidentStore, "getIncidentByNumber">,
): Promise<string> {
  const key = INCIDENT_KEY.exec(ref);
  if (!key) return ref;
  const incident = await store.getIncidentByNumber(Number(key[1]));
  if (!incident) throw new NotFoundError("incident", `INC-${key[1]}`);
  return incident.id;
}

/** The validated `:id` path parameter of an incident route, as the incident's id (INC-<n> resolved). */
export async function incidentIdOf(
  c: { req: { param(name: string): string } },
  store: Pick<IncidentStore, "getIncidentByNumber">,
): Promise<string> {
  return resolveIncidentRef(parse(incidentPath, { id: c.req.param("id") }, "path").id, store);
}

/** The directory store, or a problem saying this deployment has none. */
export function directoryStoreOf(ctx: RouteContext<BaseDeps>): DirectoryStore {
  const store = ctx.directoryOf();
  if (!store)
    throw new FirebreakError(
      "paging_not_configured",
      "the on-call directory is not configured on this deployment",
    );
  return store;
}

/** Paging, or a problem saying this deployment has none. */
export function pagingOf(ctx: RouteContext<BaseDeps>): PagingReplyDeps {
  const deps = ctx.getDeps().paging;
  if (!deps) throw new FirebreakError("paging_not_configured", "paging is not configured on this deployment");
  return deps;
}

/** The current postmortem draft of an incident and its versions (404 without one). */
export function postmortemOf(ctx: RouteContext, incidentId: string) {
  const deps = ctx.getDeps();
  return getPostmortem({ incidents: deps.store, postmortems: deps.postmortems }, incidentId);
}

/** The HTTP API with the given route groups. The same app serves Lambda (API Gateway v2 events) and the local runtime. */
export function buildApiApp<D extends BaseDeps>(getDeps: () => D, groups: readonly RouteGroup<D>[]): ApiApp {
  // hono/tiny: Hono with its smallest router (PatternRouter, ≈ 6 KB less than the default
  // SmartRouter); a few dozen routes at most, matched once per Lambda invocation.
  const app = new Hono<AuthEnv>();
  // Answers are per caller: no shared cache (the dashboard's CloudFront Router, a proxy) may keep
  // one, unless a route says otherwise (the list's `private, no-cache` with its ETag).
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_API_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(MAX_API_BODY_BYTES);
      },
    }),
  );
  // Everything under /api needs a session or a token (writes from a session: the CSRF header too),
  // except the public status page's reads (api/routes/status.ts).
  const auth = authenticate(() => getDeps().auth);
  app.use("/api/*", (c, next) => (c.req.path.startsWith(PUBLIC_API_PREFIX) ? next() : auth(c, next)));

  const ctx: RouteContext<D> = {
    getDeps,
    directoryOf: () => {
      const deps = getDeps();
      // Paging's directory is the DirectoryStore its wiring builds (wiring/paging-core.ts).
      return deps.directory ?? (deps.paging?.directory as DirectoryStore | undefined);
    },
  };
  for (const group of groups) group(app, ctx);

  app.notFound((c) => {
    const problem = toProblem(new NotFoundError("route", `${c.req.method} ${new URL(c.req.url).pathname}`));
    return c.json(problem, 404, { "content-type": "application/problem+json" });
  });
  app.onError((error, c) => {
    const problem = toProblem(error);
    if (problem.status >= 500) getDeps().log?.error("unhandled API error", { error });
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return c.json(problem, problem.status as 400, {
      "content-type": "application/problem+json",
      ...(problem.status === 429 && typeof retryAfter === "number"
        ? { "retry-after": String(retryAfter) }
        : {}),
    });
  });
  return app;
}
