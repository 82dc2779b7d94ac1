/**
 * The main route group (the "ApiHandler" function): health, sign-in, who am I, the OpenAPI document,
 * incidents and their actions, postmortem reads, the schema, metrics, pages, people, reading the
 * directory, API tokens. Writes of postmortems and of the directory are groups of their own
 * (postmortem-edit.ts, directory-edit.ts): they bundle the schema validator and the YAML parser.
 */

import { incidentAlarms } from "@firebreak/core/alarm/grouping";
import { ForbiddenError } from "@firebreak/core/auth/errors";
import { changesBefore, recordChange } from "@firebreak/core/changes/actions";
import { createHeartbeat, heartbeatView } from "@firebreak/core/heartbeats/actions";
import {
  assignRole,
  changeSeverity,
  declareIncident,
  postUpdate,
  reopenIncident,
  setStatus,
} from "@firebreak/core/incident/actions";
import { linkIncidents, mergeIncident, unlinkIncidents } from "@firebreak/core/incident/merge";
import { IllegalTransitionError, type Incident, type Severity } from "@firebreak/core/incident/model";
import { requestEscalation, requestResponders, teamsOnCall } from "@firebreak/core/incident/responders";
import { INTEGRATION_PATHS } from "@firebreak/core/integrations/keys";
import {
  cancelWindow,
  listWindows,
  scheduleWindow,
  windowDetail,
  windowView,
} from "@firebreak/core/maintenance/actions";
import { computeMetrics } from "@firebreak/core/metrics/metrics";
import { parseSince } from "@firebreak/core/metrics/since";
import { isVerified } from "@firebreak/core/oncall/contact-methods";
import { renderCalendar } from "@firebreak/core/oncall/ical";
import { CONTACT_METHODS } from "@firebreak/core/oncall/notify-rules";
import { onCallOverview } from "@firebreak/core/oncall/overview";
import { acknowledge, listPages } from "@firebreak/core/paging/service";
import { getPostmortemVersion } from "@firebreak/core/postmortem/service";
import { systemClock } from "@firebreak/core/shared/clock";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";
import { etag } from "hono/etag";
import { actorOf, mountAuthRoutes, requireRole } from "../auth";
import {
  directoryStoreOf,
  incidentIdOf,
  jsonBody,
  pagingOf,
  postmortemOf,
  type RouteContext,
  type RouteGroup,
  resolveIncidentRef,
} from "../base";
import { listScope, openCursor, sealCursor } from "../cursor";
import { runHealthChecks } from "../health";
import { overrideView } from "../override-view";
import { IncidentConflictError } from "../problem";
import {
  calendarBody,
  calendarQuery,
  changeBody,
  declareBody,
  escalateBody,
  heartbeatBody,
  heartbeatPath,
  integrationBody,
  linkBody,
  linkPath,
  listIncidentsQuery,
  maintenanceBody,
  maintenancePath,
  maintenanceQuery,
  mergeBody,
  metricsQuery,
  onCallQuery,
  pagesQuery,
  postmortemVersionPath,
  reopenBody,
  respondersBody,
  roleBody,
  severityBody,
  statusBody,
  tokenBody,
  tokenPath,
  updateBody,
} from "../schemas";
import { parse } from "../validate";

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

/**
 * The answer to ack, mitigate and resolve: the incident, and whether this request changed it.
 * `changed: false` (`alreadyInState: true`): the incident was already in that state; nothing was
 * written. A stale `expectedVersion` is never this answer: it is a 409.
 */
export function statusChangeView(incident: Incident, changed: boolean) {
  return { ...incidentView(incident), changed, alreadyInState: !changed };
}

/** The answer to link and unlink: both incidents, and whether this request changed them. */
const linkView = (result: { incident: Incident; other: Incident; changed: boolean }) => ({
  incident: incidentView(result.incident),
  other: incidentView(result.other),
  changed: result.changed,
});

export const mainRoutes: RouteGroup = (app, ctx: RouteContext) => {
  const { getDeps } = ctx;
  // 503 naming each failing check (health.ts); 200 when every check passes.
  app.get("/health", async (c) => {
    const report = await runHealthChecks(getDeps().health ?? {});
    return c.json(report, report.status === "ok" ? 200 : 503);
  });
  mountAuthRoutes(app, () => getDeps().auth, ctx.directoryOf);

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
      ...(p.session ? { session: p.session } : {}),
    });
  });

  app.get("/api/incidents", viewer, etag(), async (c) => {
    const query = parse(listIncidentsQuery, c.req.query(), "query");
    const deps = getDeps();
    // Cursors are sealed (cursor.ts): a forged one is a 400 naming `cursor`, never a DynamoDB error.
    const secret = deps.auth.sessionKey;
    const scope = listScope(query);
    const page = await deps.store.listIncidents({
      ...query,
      cursor: openCursor(secret, scope, query.cursor),
    });
    // The open incidents' paging (level, acknowledged, who was paged): one BatchGetItem per 100.
    const open = page.items.filter((i) => i.status !== "resolved").map((i) => i.id);
    const paging = deps.pages && open.length > 0 ? await deps.pages.escalationSummaries(open) : undefined;
    c.header("cache-control", "private, no-cache");
    return c.json({
      items: page.items.map((i) => ({ ...incidentView(i), escalation: paging?.get(i.id) ?? null })),
      cursor: sealCursor(secret, scope, page.cursor) ?? null,
    });
  });

  // ETag / If-None-Match → 304: the dashboard polls it every few seconds, mostly unchanged.
  app.get("/api/incidents/:id", viewer, etag(), async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const deps = getDeps();
    const found = await deps.store.getIncidentWithTimeline(id);
    if (!found) throw new NotFoundError("incident", id);
    const pageStore = deps.pages ?? deps.paging?.pages;
    const pages = pageStore ? await listPages({ pages: pageStore }, id) : [];
    const alarms = incidentAlarms(found.incident, found.timeline);
    // The duplicates merged into it: their timelines, beside its own (at most MAX_MERGED reads).
    const mergedTimeline = (
      await Promise.all(
        (found.incident.merged ?? []).map(
          async (m) => (await deps.store.getIncidentWithTimeline(m.id))?.timeline ?? [],
        ),
      )
    )
      .flat()
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    // What changed on its services in the two hours before it started (core/changes).
    const changes = deps.changes ? await changesBefore({ changes: deps.changes }, found.incident) : [];
    return c.json(
      {
        ...incidentView(found.incident),
        alarms,
        allClear: alarms.length > 0 && alarms.every((a) => a.state === "OK"),
        timeline: found.timeline,
        mergedTimeline,
        pages,
        changes,
      },
      200,
      { "cache-control": "private, no-cache" },
    );
  });

  app.post("/api/incidents", responder, async (c) => {
    const body = parse(declareBody, await jsonBody(c), "body");
    const incident = await declareIncident(
      { store: getDeps().store, clock: getDeps().clock },
      {
        title: body.title,
        severity: body.severity.toUpperCase() as Severity,
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
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(statusBody, await jsonBody(c), "body");
    const deps = getDeps();
    const actor = actorOf(c.get("principal"));
    const before = await deps.store.getIncident(id);
    if (!before) throw new NotFoundError("incident", id);
    checkVersion(before, body.expectedVersion);
    if (
      body.expectedStatus !== undefined &&
      before.status !== body.expectedStatus &&
      before.status !== "acknowledged"
    )
      throw new IncidentConflictError(
        `INC-${before.number} is ${before.status} now, not ${body.expectedStatus}: reload and try again`,
        before.version,
        incidentView(before),
      );
    if (before.status !== "declared" && before.status !== "acknowledged")
      throw new IllegalTransitionError(before.status, "acknowledged");
    if (deps.paging) {
      // The paging use case: acknowledges the incident (conditioned on expectedVersion, when
      // given) and the escalation (stops the ladder).
      const result = await withConflict(id, () =>
        acknowledge(
          deps.paging!,
          {
            incidentId: id,
            actor,
            ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }),
          },
          "api",
        ),
      );
      return c.json(statusChangeView(result.incident, !result.alreadyAcknowledged));
    }
    const result = await withConflict(id, () =>
      setStatus(
        { store: deps.store, clock: deps.clock },
        id,
        {
          to: "acknowledged",
          expectedVersion: body.expectedVersion,
          ...(body.expectedStatus ? { expectedStatus: body.expectedStatus } : {}),
        },
        actor,
      ),
    );
    return c.json(statusChangeView(result.incident, result.changed));
  });

  for (const to of ["mitigated", "resolved"] as const) {
    app.post(`/api/incidents/:id/${to === "mitigated" ? "mitigate" : "resolve"}`, responder, async (c) => {
      const id = await incidentIdOf(c, getDeps().store);
      const body = parse(statusBody, await jsonBody(c), "body");
      const result = await withConflict(id, () =>
        setStatus(
          { store: getDeps().store, clock: getDeps().clock },
          id,
          {
            to,
            summary: body.summary,
            expectedVersion: body.expectedVersion,
            ...(body.expectedStatus ? { expectedStatus: body.expectedStatus } : {}),
          },
          actorOf(c.get("principal")),
        ),
      );
      return c.json(statusChangeView(result.incident, result.changed));
    });
  }

  // Raising re-evaluates urgency and paging (the pager consumes incident.severity_changed);
  // lowering needs a reason; the same severity writes nothing (changed: false).
  app.post("/api/incidents/:id/severity", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(severityBody, await jsonBody(c), "body");
    const result = await withConflict(id, () =>
      changeSeverity(
        { store: getDeps().store, clock: getDeps().clock },
        id,
        {
          severity: body.severity,
          ...(body.reason ? { reason: body.reason } : {}),
          ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }),
        },
        actorOf(c.get("principal")),
      ),
    );
    return c.json({ ...incidentView(result.incident), changed: result.changed });
  });

  // Pull people in: the pager pages them on incident.responder_requested (core/incident/responders.ts).
  app.post("/api/incidents/:id/responders", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(respondersBody, await jsonBody(c), "body");
    const directory = ctx.directoryOf();
    const { incident, people } = await requestResponders(
      {
        store: getDeps().store,
        clock: getDeps().clock,
        directory: async () => (await directory?.get())?.directory,
      },
      id,
      body,
      actorOf(c.get("principal")),
    );
    return c.json({ incidentId: incident.id, key: `INC-${incident.number}`, people }, 202);
  });

  // A duplicate into the incident that survives (core/incident/merge.ts): `into` is INC-n or an id.
  app.post("/api/incidents/:id/merge", responder, async (c) => {
    const store = getDeps().store;
    const id = await incidentIdOf(c, store);
    const body = parse(mergeBody, await jsonBody(c), "body");
    const into = await resolveIncidentRef(body.into, store);
    const result = await withConflict(id, () =>
      mergeIncident(
        { store, clock: getDeps().clock },
        id,
        {
          into,
          ...(body.reason ? { reason: body.reason } : {}),
          ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }),
        },
        actorOf(c.get("principal")),
      ),
    );
    return c.json({
      incident: incidentView(result.incident),
      into: incidentView(result.into),
      changed: result.changed,
      movedAlarms: result.movedAlarms,
    });
  });

  app.post("/api/incidents/:id/links", responder, async (c) => {
    const store = getDeps().store;
    const id = await incidentIdOf(c, store);
    const body = parse(linkBody, await jsonBody(c), "body");
    const other = await resolveIncidentRef(body.incident, store);
    const result = await linkIncidents(
      { store, clock: getDeps().clock },
      id,
      { other, ...(body.reason ? { reason: body.reason } : {}) },
      actorOf(c.get("principal")),
    );
    return c.json(linkView(result));
  });

  app.delete("/api/incidents/:id/links/:other", responder, async (c) => {
    const store = getDeps().store;
    const path = parse(linkPath, { id: c.req.param("id"), other: c.req.param("other") }, "path");
    const [id, other] = await Promise.all([
      resolveIncidentRef(path.id, store),
      resolveIncidentRef(path.other, store),
    ]);
    const result = await unlinkIncidents(
      { store, clock: getDeps().clock },
      id,
      other,
      actorOf(c.get("principal")),
    );
    return c.json(linkView(result));
  });

  app.post("/api/incidents/:id/roles", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(roleBody, await jsonBody(c), "body");
    const people = (await ctx.directoryOf()?.get())?.directory.people;
    const person = people?.find((p) => p.id === body.personId);
    if (people && !person) {
      throw new ValidationError(`invalid body: personId: unknown person "${body.personId}"`, [
        { path: "personId", message: `unknown person "${body.personId}" (see GET /api/people)` },
      ]);
    }
    const after = await withConflict(id, () =>
      assignRole(
        { store: getDeps().store, clock: getDeps().clock },
        id,
        {
          role: body.role,
          personId: body.personId,
          personName: person?.name,
          expectedVersion: body.expectedVersion,
          // Only a directory person can be paged.
          ...(person ? (body.page === undefined ? {} : { page: body.page }) : { page: false }),
        },
        actorOf(c.get("principal")),
      ),
    );
    return c.json(incidentView(after));
  });

  app.post("/api/incidents/:id/updates", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(updateBody, await jsonBody(c), "body");
    const store = getDeps().store;
    const after = await withConflict(id, () =>
      postUpdate({ store, clock: getDeps().clock }, id, body, actorOf(c.get("principal"))),
    );
    const found = await store.getIncidentWithTimeline(id);
    const entry = found?.timeline
      .filter((e) => e.kind === "incident.update_posted" && e.at === after.updatedAt)
      .at(-1);
    return c.json(entry ?? { incident: incidentView(after) }, 201);
  });

  app.get("/api/incidents/:id/postmortem", viewer, async (c) => {
    const { current, versions } = await postmortemOf(ctx, await incidentIdOf(c, getDeps().store));
    return c.json({ ...current, lint: current.metadata.lint, versions });
  });

  // One stored version with its Markdown: the dashboard diffs it against the current one.
  app.get("/api/incidents/:id/postmortem/versions/:version", viewer, async (c) => {
    const { version } = parse(
      postmortemVersionPath,
      { id: c.req.param("id"), version: c.req.param("version") },
      "path",
    );
    const id = await incidentIdOf(c, getDeps().store);
    const deps = getDeps();
    const draft = await getPostmortemVersion(
      { incidents: deps.store, postmortems: deps.postmortems },
      id,
      version,
    );
    return c.json({ ...draft, lint: draft.metadata.lint });
  });

  app.get("/api/incidents/:id/postmortem.md", viewer, async (c) => {
    const { current } = await postmortemOf(ctx, await incidentIdOf(c, getDeps().store));
    return c.body(current.markdown, 200, {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="INC-${current.metadata.incident.number}-postmortem.md"`,
    });
  });

  app.get("/api/incidents/:id/postmortem.json", viewer, async (c) => {
    const { current } = await postmortemOf(ctx, await incidentIdOf(c, getDeps().store));
    return c.json(current.metadata, 200, {
      "content-disposition": `attachment; filename="INC-${current.metadata.incident.number}-postmortem.json"`,
    });
  });

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

  app.post("/api/incidents/:id/reopen", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(reopenBody, await jsonBody(c), "body");
    const after = await withConflict(id, () =>
      reopenIncident(
        { store: getDeps().store, clock: getDeps().clock },
        id,
        body,
        actorOf(c.get("principal")),
      ),
    );
    return c.json(incidentView(after));
  });

  app.post("/api/incidents/:id/escalate", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(escalateBody, await jsonBody(c), "body");
    const incident = await requestEscalation(
      { store: getDeps().store, clock: getDeps().clock },
      id,
      body,
      actorOf(c.get("principal")),
    );
    return c.json({ incidentId: incident.id, key: `INC-${incident.number}`, mode: body.mode }, 202);
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

  // iCal feeds of on-call shifts (core/oncall/ical.ts): a secret URL per person or rotation feed.
  // Anyone signed in gets their own person feed; admins any feed. Creating one again rotates it.
  app.post("/api/calendars", viewer, async (c) => {
    const feed = parse(calendarBody, await jsonBody(c), "body");
    const principal = c.get("principal");
    const own = feed.kind === "person" && feed.id === principal.id;
    if (!own && principal.role !== "admin")
      throw new ForbiddenError(
        "forbidden",
        "only admins create feeds of other people and of rotations; anyone may create their own",
      );
    const stored = await ctx.directoryOf()?.get();
    const now = (getDeps().clock ?? systemClock).now();
    if (!stored || !renderCalendar(stored.directory, feed, { now, weeks: 1 }))
      throw new NotFoundError(feed.kind, feed.id);
    const { token } = await calendarStore().create(feed, actorOf(principal));
    return c.json({ ...feed, path: `/ical/${token}.ics` }, 201);
  });

  app.get("/ical/:token", async (c) => {
    const token = c.req.param("token").replace(/\.ics$/, "");
    const { weeks } = parse(calendarQuery, c.req.query(), "query");
    const feed = await calendarStore().find(token);
    const stored = feed ? await ctx.directoryOf()?.get() : undefined;
    const now = (getDeps().clock ?? systemClock).now();
    const ics = feed && stored ? renderCalendar(stored.directory, feed, { now, weeks }) : undefined;
    if (!ics)
      throw new NotFoundError(
        "calendar feed",
        "(this URL was rotated, or its person or rotation left the directory)",
      );
    return c.body(ics, 200, {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": 'inline; filename="firebreak-on-call.ics"',
      "cache-control": "private, max-age=300",
    });
  });

  app.get("/api/oncall", viewer, async (c) => {
    const directory = (await ctx.directoryOf()?.get())?.directory;
    const now = (getDeps().clock ?? systemClock).now();
    const query = parse(onCallQuery, c.req.query(), "query");
    if (!directory) return c.json({ items: [] });
    const reach = new Map(teamsOnCall(directory, now).map((t) => [t.id, t]));
    const items = onCallOverview(directory, now, query).map((t) => {
      const { onCall, nobody } = reach.get(t.id) ?? { onCall: [] };
      return { ...t, onCall, ...(nobody ? { nobody } : {}) };
    });
    return c.json({ items });
  });

  // Runtime shift overrides (core/oncall/shift-overrides.ts); taking and cancelling them are
  // directory writes (directory-edit.ts).
  app.get("/api/oncall/overrides", viewer, async (c) => {
    const stored = await ctx.directoryOf()?.get();
    return c.json({ items: (stored?.overrides ?? []).map((o) => overrideView(stored, o)) });
  });

  app.get("/api/people", viewer, async (c) => {
    const stored = await ctx.directoryOf()?.get();
    const people = stored?.directory.people ?? [];
    return c.json({
      items: people.map((p) => ({
        id: p.id,
        name: p.name,
        ...(p.slackUserId ? { slackUserId: p.slackUserId } : {}),
        // The methods confirmed for the addresses the directory has now (contact-methods.ts).
        verified: CONTACT_METHODS.filter((m) => isVerified(stored?.contacts, p, m)),
      })),
    });
  });

  app.get("/api/directory", admin, async (c) => {
    const stored = await directoryStoreOf(ctx).get();
    if (!stored) throw new NotFoundError("on-call directory", "CURRENT");
    c.header("etag", `"${stored.version}"`);
    // The directory as applied (what an editor applies again), and the runtime overrides beside it.
    // Not the verifications: they hold code hashes (GET /api/people/{id}/contact-methods shows them).
    const { applied, overrides, contacts: _contacts, ...rest } = stored;
    return c.json({ ...rest, directory: applied ?? stored.directory, overrides: overrides ?? [] });
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

  // Integration keys of the alert endpoints (core/integrations/keys.ts): the key is shown once.
  const integrationKeys = () => {
    const store = getDeps().integrations;
    if (!store)
      throw new FirebreakError("not_configured", "integration keys are not configured on this deployment");
    return store;
  };
  app.get("/api/integrations", admin, async (c) => c.json({ items: await integrationKeys().list() }));

  app.post("/api/integrations", admin, async (c) => {
    const body = parse(integrationBody, await jsonBody(c), "body");
    const { key, record } = await integrationKeys().create({
      ...body,
      createdBy: actorOf(c.get("principal")),
    });
    return c.json({ ...record, key, path: INTEGRATION_PATHS[record.format] }, 201);
  });

  app.delete("/api/integrations/:id", admin, async (c) => {
    const { id } = parse(tokenPath, { id: c.req.param("id") }, "path");
    return c.json(await integrationKeys().revoke(id));
  });

  // Heartbeats (core/heartbeats): the key is shown once; the job pings /heartbeats/{id} with it.
  const calendarStore = () => {
    const store = getDeps().calendars;
    if (!store)
      throw new FirebreakError("not_configured", "calendar feeds are not configured on this deployment");
    return store;
  };
  const heartbeatStore = () => {
    const store = getDeps().heartbeats;
    if (!store)
      throw new FirebreakError("not_configured", "heartbeats are not configured on this deployment");
    return store;
  };
  app.get("/api/heartbeats", viewer, async (c) =>
    c.json({ items: (await heartbeatStore().list()).map(heartbeatView) }),
  );

  app.post("/api/heartbeats", admin, async (c) => {
    const body = parse(heartbeatBody, await jsonBody(c), "body");
    const { key, heartbeat } = await createHeartbeat(
      { heartbeats: heartbeatStore(), clock: getDeps().clock ?? systemClock },
      body,
      actorOf(c.get("principal")),
    );
    return c.json({ ...heartbeatView(heartbeat), key, path: `/heartbeats/${heartbeat.id}` }, 201);
  });

  app.delete("/api/heartbeats/:id", admin, async (c) => {
    const { id } = parse(heartbeatPath, { id: c.req.param("id") }, "path");
    return c.json(heartbeatView(await heartbeatStore().delete(id)));
  });
};
