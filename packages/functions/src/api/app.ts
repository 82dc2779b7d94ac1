import { assignRole, changeStatus, declareIncident, postUpdate } from "@firebreak/core/incident/actions";
import { IllegalTransitionError, type Incident } from "@firebreak/core/incident/model";
import { computeMetrics } from "@firebreak/core/metrics/metrics";
import { parseSince } from "@firebreak/core/metrics/since";
import { parseDirectory } from "@firebreak/core/oncall/directory";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import type { DirectoryStore } from "@firebreak/core/oncall/store";
import { acknowledge, acknowledgeByLink, listPages, type PagingDeps } from "@firebreak/core/paging/service";
import type { PageStore } from "@firebreak/core/paging/store";
import { editPostmortem } from "@firebreak/core/postmortem/edit";
import { postmortemSchemaV1 } from "@firebreak/core/postmortem/schema-document";
import { getPostmortem } from "@firebreak/core/postmortem/service";
import type { PostmortemStore } from "@firebreak/core/postmortem/store";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import type { IncidentStore } from "@firebreak/core/storage/incident-store";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { etag } from "hono/etag";
import { ackPage } from "./ack-page";
import { type AuthDeps, type AuthEnv, actorOf, authenticate, mountAuthRoutes, requireRole } from "./auth";
import { openApiDocument } from "./openapi";
import { IncidentConflictError, PayloadTooLargeError, toProblem } from "./problem";
import {
  declareBody,
  directoryDocument,
  incidentPath,
  listIncidentsQuery,
  metricsQuery,
  pagesQuery,
  postmortemBody,
  roleBody,
  statusBody,
  tokenBody,
  tokenPath,
  updateBody,
} from "./schemas";
import { parse } from "./validate";

export { incidentPath, listIncidentsQuery, metricsQuery } from "./schemas";

export interface ApiDeps {
  store: IncidentStore;
  postmortems: PostmortemStore;
  /** Paging (pages list, ack links, acks that stop escalation); ack links answer 503 without it. */
  paging?: PagingDeps;
  /**
   * The pages, for reading (incident detail, /api/pages); defaults to paging's. The deployed API
   * reads pages without holding the paging secrets: acknowledgements it records reach the Pager
   * through `incident.status_changed`, which stops the escalation there.
   */
  pages?: PageStore;
  /** The on-call directory (people, roles, /api/directory); defaults to paging's. */
  directory?: DirectoryStore;
  auth: AuthDeps;
  log?: Pick<Log, "error">;
}

/** The largest request body the API reads (a postmortem or a directory fits); larger → 413. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

/** The API view of an incident: the stored fields, with `key` (INC-n), `service` and `declaredAt`. */
export function incidentView(incident: Incident) {
  return {
    ...incident,
    key: `INC-${incident.number}`,
    service: incident.services[0] ?? "unassigned",
    declaredAt: incident.createdAt,
    alarm: incident.alarm ?? null,
  };
}

async function jsonBody(c: { req: { json(): Promise<unknown>; header(name: string): string | undefined } }) {
  try {
    return await c.req.json();
  } catch {
    throw new ValidationError("invalid body: not JSON", [
      { path: "(root)", message: "expected a JSON object" },
    ]);
  }
}

/** The HTTP API. The same app serves Lambda (API Gateway v2 events) and the local runtime. */
export function createApiApp(getDeps: () => ApiDeps) {
  const app = new Hono<AuthEnv>();
  // Answers are per caller: no shared cache (the dashboard's CloudFront Router, a proxy) may keep
  // one, unless a route says otherwise (the list's `private, no-cache` with its ETag).
  app.use(async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  });
  const directoryOf = () => {
    const deps = getDeps();
    return deps.directory ?? deps.paging?.directory;
  };

  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_API_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(MAX_API_BODY_BYTES);
      },
    }),
  );

  app.get("/health", (c) => c.json({ status: "ok" }));
  mountAuthRoutes(app, () => getDeps().auth, directoryOf);

  // Everything under /api needs a session or a token; reads need viewer.
  app.use(
    "/api/*",
    authenticate(() => getDeps().auth),
  );
  const viewer = requireRole("viewer");
  const responder = requireRole("responder");
  const admin = requireRole("admin");

  app.get("/api/me", (c) => {
    const p = c.get("principal");
    return c.json({
      user: { id: p.id, name: p.name, slackUserId: p.slackUserId ?? null },
      role: p.role,
      csrfToken: p.csrf ?? null,
      devSignIn: Boolean(getDeps().auth.devSignIn),
    });
  });

  app.get("/api/openapi.json", viewer, (c) => c.json(openApiDocument()));

  app.get("/api/incidents", viewer, etag(), async (c) => {
    const query = parse(listIncidentsQuery, c.req.query(), "query");
    const page = await getDeps().store.listIncidents(query);
    c.header("cache-control", "private, no-cache");
    return c.json({ items: page.items.map(incidentView), cursor: page.cursor ?? null });
  });

  const incidentId = (c: { req: { param(name: string): string } }) =>
    parse(incidentPath, { id: c.req.param("id") }, "path").id;

  app.get("/api/incidents/:id", viewer, async (c) => {
    const id = incidentId(c);
    const deps = getDeps();
    const found = await deps.store.getIncidentWithTimeline(id);
    if (!found) throw new NotFoundError("incident", id);
    const pageStore = deps.pages ?? deps.paging?.pages;
    const pages = pageStore ? await listPages({ pages: pageStore }, id) : [];
    return c.json({ ...incidentView(found.incident), timeline: found.timeline, pages });
  });

  app.post("/api/incidents", responder, async (c) => {
    const body = parse(declareBody, await jsonBody(c), "body");
    const incident = await declareIncident(
      { store: getDeps().store },
      {
        title: body.title,
        severity: body.severity,
        ...(body.service ? { services: [body.service] } : {}),
        description: body.description,
      },
      actorOf(c.get("principal")),
    );
    return c.json(incidentView(incident), 201);
  });

  /** Runs an incident change; a version conflict becomes a 409 carrying the incident as it is now. */
  const withConflict = async <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || error instanceof IncidentConflictError) throw error;
      const current = await getDeps().store.getIncident(id);
      throw new IncidentConflictError(
        error.message,
        current?.version ?? error.currentVersion,
        current ? incidentView(current) : undefined,
      );
    }
  };
  const checkVersion = (incident: Incident, expected: number | undefined) => {
    if (expected !== undefined && incident.version !== expected) {
      throw new IncidentConflictError(
        `INC-${incident.number} is at version ${incident.version}, not ${expected}: reload and try again`,
        incident.version,
        incidentView(incident),
      );
    }
  };

  app.post("/api/incidents/:id/ack", responder, async (c) => {
    const id = incidentId(c);
    const body = parse(statusBody, await jsonBody(c), "body");
    const deps = getDeps();
    const actor = actorOf(c.get("principal"));
    const before = await deps.store.getIncident(id);
    if (!before) throw new NotFoundError("incident", id);
    checkVersion(before, body.expectedVersion);
    if (before.status !== "declared" && before.status !== "acknowledged")
      throw new IllegalTransitionError(before.status, "acknowledged");
    if (deps.paging) {
      // The paging use case: acknowledges the escalation (stops the ladder) and the incident.
      const result = await withConflict(id, () =>
        acknowledge(deps.paging!, { incidentId: id, actor }, "api"),
      );
      return c.json(incidentView(result.incident));
    }
    if (before.status === "acknowledged") return c.json(incidentView(before));
    const after = await withConflict(id, () =>
      changeStatus({ store: deps.store }, id, { to: "acknowledged", expectedVersion: before.version }, actor),
    );
    return c.json(incidentView(after));
  });

  for (const to of ["mitigated", "resolved"] as const) {
    app.post(`/api/incidents/:id/${to === "mitigated" ? "mitigate" : "resolve"}`, responder, async (c) => {
      const id = incidentId(c);
      const body = parse(statusBody, await jsonBody(c), "body");
      const after = await withConflict(id, () =>
        changeStatus(
          { store: getDeps().store },
          id,
          { to, summary: body.summary, expectedVersion: body.expectedVersion },
          actorOf(c.get("principal")),
        ),
      );
      return c.json(incidentView(after));
    });
  }

  app.post("/api/incidents/:id/roles", responder, async (c) => {
    const id = incidentId(c);
    const body = parse(roleBody, await jsonBody(c), "body");
    const people = (await directoryOf()?.get())?.directory.people;
    const person = people?.find((p) => p.id === body.personId);
    if (people && !person) {
      throw new ValidationError(`invalid body: personId: unknown person "${body.personId}"`, [
        { path: "personId", message: `unknown person "${body.personId}" (see GET /api/people)` },
      ]);
    }
    const after = await withConflict(id, () =>
      assignRole(
        { store: getDeps().store },
        id,
        {
          role: body.role,
          personId: body.personId,
          personName: person?.name,
          expectedVersion: body.expectedVersion,
        },
        actorOf(c.get("principal")),
      ),
    );
    return c.json(incidentView(after));
  });

  app.post("/api/incidents/:id/updates", responder, async (c) => {
    const id = incidentId(c);
    const body = parse(updateBody, await jsonBody(c), "body");
    const store = getDeps().store;
    const after = await withConflict(id, () => postUpdate({ store }, id, body, actorOf(c.get("principal"))));
    const found = await store.getIncidentWithTimeline(id);
    const entry = found?.timeline
      .filter((e) => e.kind === "incident.update_posted" && e.at === after.updatedAt)
      .at(-1);
    return c.json(entry ?? { incident: incidentView(after) }, 201);
  });

  const postmortemOf = async (id: string) => {
    const deps = getDeps();
    return getPostmortem({ incidents: deps.store, postmortems: deps.postmortems }, id);
  };

  app.get("/api/incidents/:id/postmortem", viewer, async (c) => {
    const { current, versions } = await postmortemOf(incidentId(c));
    return c.json({ ...current, lint: current.metadata.lint, versions });
  });

  app.put("/api/incidents/:id/postmortem", responder, async (c) => {
    const id = incidentId(c);
    const body = parse(postmortemBody, await jsonBody(c), "body");
    const deps = getDeps();
    await editPostmortem(
      { incidents: deps.store, postmortems: deps.postmortems },
      id,
      { markdown: body.markdown, expectedVersion: body.baseVersion },
      actorOf(c.get("principal")),
    );
    const { current, versions } = await postmortemOf(id);
    return c.json({ ...current, lint: current.metadata.lint, versions });
  });

  app.get("/api/incidents/:id/postmortem.md", viewer, async (c) => {
    const { current } = await postmortemOf(incidentId(c));
    return c.body(current.markdown, 200, {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="INC-${current.metadata.incident.number}-postmortem.md"`,
    });
  });

  app.get("/api/incidents/:id/postmortem.json", viewer, async (c) => {
    const { current } = await postmortemOf(incidentId(c));
    return c.json(current.metadata, 200, {
      "content-disposition": `attachment; filename="INC-${current.metadata.incident.number}-postmortem.json"`,
    });
  });

  app.get("/api/schemas/postmortem.v1.json", viewer, (c) =>
    c.json(postmortemSchemaV1, 200, { "content-type": "application/schema+json" }),
  );

  app.get("/api/metrics", viewer, async (c) => {
    const query = parse(metricsQuery, c.req.query(), "query");
    const now = new Date();
    const since = parseSince(query.since, now);
    const until = query.until ? parseSince(query.until, now) : now;
    if (since >= until) {
      throw new ValidationError("invalid query: since must be before until", [
        { path: "since", message: "must be before until" },
      ]);
    }
    const docs = await getDeps().postmortems.metadataBetween(since, until);
    return c.json(computeMetrics(docs, { window: { since, until }, service: query.service }));
  });

  const paging = () => {
    const deps = getDeps().paging;
    if (!deps)
      throw new FirebreakError("paging_not_configured", "paging is not configured on this deployment");
    return deps;
  };

  app.get("/api/pages", viewer, async (c) => {
    const { incident } = parse(pagesQuery, c.req.query(), "query");
    const deps = getDeps();
    const pages = deps.pages ?? paging().pages;
    return c.json({ items: await listPages({ pages }, incident) });
  });

  // ---- People, directory and tokens --------------------------------------------------------

  const directoryStore = () => {
    const store = directoryOf();
    if (!store)
      throw new FirebreakError(
        "paging_not_configured",
        "the on-call directory is not configured on this deployment",
      );
    return store;
  };

  app.get("/api/people", viewer, async (c) => {
    const people = (await directoryOf()?.get())?.directory.people ?? [];
    return c.json({
      items: people.map((p) => ({
        id: p.id,
        name: p.name,
        ...(p.slackUserId ? { slackUserId: p.slackUserId } : {}),
      })),
    });
  });

  app.get("/api/directory", admin, async (c) => {
    const stored = await directoryStore().get();
    if (!stored) throw new NotFoundError("on-call directory", "CURRENT");
    c.header("etag", `"${stored.version}"`);
    return c.json(stored);
  });

  app.put("/api/directory", admin, async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const directory = /(^|\/|\+)(x-)?yaml$/.test(type)
      ? parseDirectoryYaml(await c.req.text())
      : parseDirectory(parse(directoryDocument, await jsonBody(c), "body"));
    const ifMatch = c.req.header("if-match");
    let expected: number | undefined;
    if (ifMatch !== undefined) {
      const m = /^"?(\d+)"?$/.exec(ifMatch.trim());
      if (!m)
        throw new ValidationError("invalid header: If-Match", [
          { path: "If-Match", message: 'expected the directory version, e.g. "3" (0: none yet)' },
        ]);
      expected = Number(m[1]);
    }
    const stored = await directoryStore().apply(directory, expected, { actor: actorOf(c.get("principal")) });
    c.header("etag", `"${stored.version}"`);
    return c.json(stored);
  });

  app.get("/api/tokens", admin, async (c) => c.json({ items: await getDeps().auth.tokens.list() }));

  app.post("/api/tokens", admin, async (c) => {
    const body = parse(tokenBody, await jsonBody(c), "body");
    const principal = c.get("principal");
    const { token, record } = await getDeps().auth.tokens.create({
      ...body,
      userId: principal.id,
      createdBy: actorOf(principal),
    });
    return c.json({ ...record, token }, 201);
  });

  app.delete("/api/tokens/:id", admin, async (c) => {
    const { id } = parse(tokenPath, { id: c.req.param("id") }, "path");
    return c.json(await getDeps().auth.tokens.revoke(id));
  });

  // One-click ack links: GET shows a confirmation (link scanners and previews only GET), POST acks.
  app.get("/ack/:token", (c) => c.html(ackPage({ state: "confirm", token: c.req.param("token") })));
  app.post("/ack/:token", async (c) => {
    const result = await acknowledgeByLink(paging(), c.req.param("token"));
    if (result.ok) return c.html(ackPage({ state: "acknowledged", incident: result.incident }));
    const status = { expired: 410, already_used: 410, forged: 400, malformed: 400, not_found: 404 } as const;
    return c.html(ackPage({ state: result.reason }), status[result.reason]);
  });

  app.notFound((c) => {
    const problem = toProblem(new NotFoundError("route", `${c.req.method} ${new URL(c.req.url).pathname}`));
    return c.json(problem, 404, { "content-type": "application/problem+json" });
  });

  app.onError((error, c) => {
    const problem = toProblem(error);
    if (problem.status >= 500) getDeps().log?.error("unhandled API error", { error });
    return c.json(problem, problem.status as 400, { "content-type": "application/problem+json" });
  });

  return app;
}
