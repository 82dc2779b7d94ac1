/**
 * Reading incidents: the list (cursor, filters, ETag), one incident with its timeline, pages, alarms and changes, and its postmortem (current, a version, Markdown, JSON).
 */
import { incidentAlarms } from "@firebreak/core/alarm/grouping";
import { changesBefore } from "@firebreak/core/changes/actions";
import { listPages } from "@firebreak/core/paging/service";
import { getPostmortemVersion } from "@firebreak/core/postmortem/service";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { etag } from "hono/etag";
import { requireRole } from "../auth";
import { incidentIdOf, postmortemOf, type RouteContext, type RouteGroup } from "../base";
import { listScope, openCursor, sealCursor } from "../cursor";
import { listIncidentsQuery, postmortemVersionPath } from "../schemas";
import { parse } from "../validate";

import { incidentView } from "./incident-view";

export const incidentReadRoutes: RouteGroup = (app, ctx: RouteContext) => {
  const { getDeps } = ctx;
  const viewer = requireRole("viewer");
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
};
