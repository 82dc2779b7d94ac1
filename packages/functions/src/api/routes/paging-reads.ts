/**
 * Paging reads (the "ApiPaging" function): why an incident paged whom it paged
 * (`GET /api/incidents/{id}/trace`, core/paging/trace.ts) and whether a page would land
 * (`GET /api/oncall/coverage`, core/oncall/coverage.ts), and who is on call in each rotation
 * over the next two weeks (`GET /api/oncall/calendar`), and the error budgets of the directory's
 * SLOs (`GET /api/budgets`, core/metrics/budget.ts). A group of its own: the main API
 * function is at its bundle budget, and these two need only the incidents, the pages and the
 * directory.
 */

import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { budgetsAt } from "@firebreak/core/metrics/budget-load";
import { coverageGaps } from "@firebreak/core/oncall/coverage";
import { scheduleBetween } from "@firebreak/core/oncall/rotation";
import { buildTrace } from "@firebreak/core/paging/trace";
import { systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, NotFoundError } from "@firebreak/core/shared/errors";
import { requireRole } from "../auth";
import { type BaseDeps, directoryStoreOf, incidentIdOf, type RouteGroup } from "../base";
import { budgetsQuery, coverageQuery } from "../schemas";
import { parse } from "../validate";

export interface PagingReadDeps extends BaseDeps {
  store: IncidentStore;
  pages?: PageStore;
  /** The drafts' metadata, for the error budgets (default: the incidents' table). */
  postmortems?: PostmortemStore;
}

export const pagingReadRoutes: RouteGroup<PagingReadDeps> = (app, ctx) => {
  const viewer = requireRole("viewer");

  app.get("/api/incidents/:id/trace", viewer, async (c) => {
    const deps = ctx.getDeps();
    const id = await incidentIdOf(c, deps.store);
    const found = await deps.store.getIncidentWithTimeline(id);
    if (!found) throw new NotFoundError("incident", id);
    const pages = deps.pages ?? new PageStore(deps.store.db, deps.store.tableName);
    const [escalation, stored] = await Promise.all([pages.getEscalation(id), pages.listPages(id)]);
    return c.json(
      buildTrace({ incident: found.incident, timeline: found.timeline, escalation, pages: stored }),
    );
  });

  // Who is on call in each rotation over a window (default: the next 14 days), live shift
  // overrides included: the on-call page's calendar.
  app.get("/api/oncall/calendar", viewer, async (c) => {
    const query = parse(coverageQuery, c.req.query(), "query");
    const stored = await directoryStoreOf(ctx).get();
    if (!stored)
      throw new FirebreakError("paging_not_configured", "there is no on-call directory yet: apply one first");
    const from = query.from ? new Date(query.from) : (ctx.getDeps().clock ?? systemClock).now();
    const to = new Date(from.getTime() + query.days * 86_400_000);
    const { directory } = stored;
    return c.json({
      directoryVersion: stored.version,
      from: from.toISOString(),
      to: to.toISOString(),
      rotations: directory.teams.flatMap((team) =>
        team.rotations.map((rotation) => ({
          id: rotation.id,
          name: rotation.name ?? rotation.id,
          team: team.id,
          timezone: rotation.timezone,
          segments: scheduleBetween(rotation, directory.people, from, to).map((s) => ({
            personId: s.personId,
            ...(s.person ? { name: s.person.name } : {}),
            start: s.start.toISOString(),
            end: s.end.toISOString(),
            source: s.source,
          })),
        })),
      ),
    });
  });

  // The error budget of each service with an SLO over its window ending now: consumed by
  // incident (drafted ones by their metadata, open ones up to now), remaining and a burn-down.
  app.get("/api/budgets", viewer, async (c) => {
    const query = parse(budgetsQuery, c.req.query(), "query");
    const deps = ctx.getDeps();
    const now = (deps.clock ?? systemClock).now();
    const teams = (await directoryStoreOf(ctx).get())?.directory.teams ?? [];
    const postmortems = deps.postmortems ?? new PostmortemStore(deps.store.db, deps.store.tableName);
    return c.json({
      now: now.toISOString(),
      items: await budgetsAt({ store: deps.store, postmortems }, teams, now, query.service),
    });
  });

  app.get("/api/oncall/coverage", viewer, async (c) => {
    const query = parse(coverageQuery, c.req.query(), "query");
    const stored = await directoryStoreOf(ctx).get();
    if (!stored)
      throw new FirebreakError("paging_not_configured", "there is no on-call directory yet: apply one first");
    const from = query.from ? new Date(query.from) : (ctx.getDeps().clock ?? systemClock).now();
    return c.json({
      directoryVersion: stored.version,
      ...coverageGaps(stored.directory, from, query.days, { verification: stored.contacts ?? {} }),
    });
  });
};
