/**
 * The public status page's data (the "ApiStatus" function): `GET /api/status/summary` (JSON) and
 * `GET /api/status/feed.atom` (Atom), no sign-in. Only core/status/summary.ts's public fields
 * leave: listed services' public names and derived states, times, and the text of updates
 * flagged public. The reads are bounded: the open incidents (one page), incidents resolved within
 * the history window (a few pages), and the timelines of at most MAX_TIMELINES of them.
 */

import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import type { Incident } from "@firebreak/core/incident/model";
import { systemClock } from "@firebreak/core/shared/clock";
import {
  atomFeed,
  HISTORY_DAYS,
  type PublicUpdateInput,
  publicSummary,
} from "@firebreak/core/status/summary";
import { type BaseDeps, directoryStoreOf, type RouteGroup } from "../base";
import { feedQuery, statusQuery } from "../schemas";
import { parse } from "../validate";

export interface StatusDeps extends BaseDeps {
  store: IncidentStore;
}

/** Incidents whose timelines are read for public updates (the newest first). */
const MAX_TIMELINES = 25;
/** Pages of resolved incidents read (200 each), newest resolved first. */
const MAX_RESOLVED_PAGES = 3;
/** Shared caches may keep an answer this long: a public page polled by many. */
const CACHE = "public, max-age=30";

export const statusRoutes: RouteGroup<StatusDeps> = (app, ctx) => {
  async function summary(days: number, now: Date) {
    const deps = ctx.getDeps();
    const config = (await directoryStoreOf(ctx).get())?.directory.statusPage;
    if (!config || config.services.length === 0) return publicSummary(config, [], [], now, days);
    const listed = new Set(config.services.map((s) => s.service));
    const since = now.getTime() - HISTORY_DAYS * 86_400_000;
    const incidents: Incident[] = [...(await deps.store.listOpen({ limit: 200 })).items];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_RESOLVED_PAGES; page++) {
      const found = await deps.store.listIncidents({ status: "resolved", limit: 200, cursor });
      const recent = found.items.filter((i) => Date.parse(i.resolvedAt ?? i.updatedAt) >= since);
      incidents.push(...recent);
      cursor = found.cursor;
      if (!cursor || recent.length < found.items.length) break;
    }
    const mine = incidents.filter((i) => i.services.some((s) => listed.has(s)));
    const newest = [...mine].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)).slice(0, MAX_TIMELINES);
    const updates: PublicUpdateInput[] = [];
    for (const incident of newest) {
      const found = await deps.store.getIncidentWithTimeline(incident.id);
      for (const e of found?.timeline ?? [])
        if (e.kind === "incident.update_posted" && typeof e.data.text === "string")
          updates.push({
            incidentId: incident.id,
            entryId: e.id,
            at: e.at,
            text: e.data.text,
            public: e.data.public === true,
          });
    }
    return publicSummary(config, mine, updates, now, days);
  }

  app.get("/api/status/summary", async (c) => {
    const query = parse(statusQuery, c.req.query(), "query");
    const now = (ctx.getDeps().clock ?? systemClock).now();
    const body = await summary(query.days, now);
    c.header("cache-control", CACHE);
    c.header("access-control-allow-origin", "*");
    return c.json(body);
  });

  app.get("/api/status/feed.atom", async (c) => {
    parse(feedQuery, c.req.query(), "query");
    const now = (ctx.getDeps().clock ?? systemClock).now();
    const url = new URL(c.req.url);
    const base = `${c.req.header("x-forwarded-proto") ?? url.protocol.replace(":", "")}://${c.req.header("x-forwarded-host") ?? url.host}/status`;
    c.header("cache-control", CACHE);
    return c.body(atomFeed(await summary(HISTORY_DAYS, now), base), 200, {
      "content-type": "application/atom+xml; charset=utf-8",
    });
  });
};
