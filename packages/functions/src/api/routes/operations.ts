/**
 * Operations around incidents: metrics, pages, ignored alarms, maintenance windows (core/maintenance) and changes (core/changes).
 */
import { recordChange } from "@firebreak/core/changes/actions";
import {
  cancelWindow,
  listWindows,
  scheduleWindow,
  windowDetail,
  windowView,
} from "@firebreak/core/maintenance/actions";
import { computeMetrics } from "@firebreak/core/metrics/metrics";
import { parseSince } from "@firebreak/core/metrics/since";
import { listPages } from "@firebreak/core/paging/service";
import { systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, ValidationError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { jsonBody, pagingOf, type RouteContext, type RouteGroup, resolveIncidentRef } from "../base";
import {
  changeBody,
  maintenanceBody,
  maintenancePath,
  maintenanceQuery,
  metricsQuery,
  pagesQuery,
} from "../schemas";
import { parse } from "../validate";

export const operationsRoutes: RouteGroup = (app, ctx: RouteContext) => {
  const { getDeps } = ctx;
  const viewer = requireRole("viewer");
  const responder = requireRole("responder");
  app.get("/api/metrics", viewer, async (c) => {
    const query = parse(metricsQuery, c.req.query(), "query");
    const now = (getDeps().clock ?? systemClock).now();
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

  app.get("/api/pages", viewer, async (c) => {
    const { incident } = parse(pagesQuery, c.req.query(), "query");
    const deps = getDeps();
    const pages = deps.pages ?? pagingOf(ctx).pages;
    return c.json({ items: await listPages({ pages }, await resolveIncidentRef(incident, deps.store)) });
  });

  // Alarms that open no incident (auto-scaling, suppressed composites, firebreak:ignore): each
  // with its count and last transition (core/alarm/ignore.ts).
  app.get("/api/alarms/ignored", viewer, async (c) => {
    const store = getDeps().ignoredAlarms;
    return c.json({ items: store ? await store.list() : [] });
  });

  // Maintenance windows (core/maintenance): alarms of their services are held, not paged.
  const maintenanceOf = () => {
    const deps = getDeps();
    if (!deps.maintenance)
      throw new FirebreakError(
        "paging_not_configured",
        "maintenance windows are not configured on this deployment",
      );
    return { maintenance: deps.maintenance, ...(deps.clock ? { clock: deps.clock } : {}) };
  };
  const clockNow = () => (getDeps().clock ?? systemClock).now();
  app.get("/api/maintenance", viewer, async (c) => {
    const query = parse(maintenanceQuery, c.req.query(), "query");
    return c.json({
      items: await listWindows(maintenanceOf(), query.service ? { service: query.service } : {}),
    });
  });
  app.post("/api/maintenance", responder, async (c) => {
    const body = parse(maintenanceBody, await jsonBody(c), "body");
    const window = await scheduleWindow(maintenanceOf(), body, actorOf(c.get("principal")));
    return c.json(windowView(window, clockNow()), 201);
  });
  app.get("/api/maintenance/:id", viewer, async (c) => {
    const { id } = parse(maintenancePath, { id: c.req.param("id") }, "path");
    return c.json(await windowDetail(maintenanceOf(), id));
  });
  app.post("/api/maintenance/:id/cancel", responder, async (c) => {
    const { id } = parse(maintenancePath, { id: c.req.param("id") }, "path");
    const window = await cancelWindow(maintenanceOf(), id, actorOf(c.get("principal")));
    return c.json(windowView(window, clockNow()));
  });

  // Changes (core/changes): deploys and other changes, recorded by people and pipelines.
  app.post("/api/changes", responder, async (c) => {
    const body = parse(changeBody, await jsonBody(c), "body");
    const changes = getDeps().changes;
    if (!changes) throw new FirebreakError("not_configured", "changes are not configured on this deployment");
    const { change } = await recordChange(
      { changes, clock: getDeps().clock ?? systemClock },
      body,
      "api",
      actorOf(c.get("principal")),
    );
    return c.json(change, 201);
  });
};
