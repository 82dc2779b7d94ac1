/**
 * On call: iCal feeds (a secret URL per person or rotation), who is on call per team, the runtime shift overrides, people (with their verified contact methods) and the directory as applied (admins).
 */
import { ForbiddenError } from "@firebreak/core/auth/errors";
import { teamsOnCall } from "@firebreak/core/incident/responders";
import { isVerified } from "@firebreak/core/oncall/contact-methods";
import { renderCalendar } from "@firebreak/core/oncall/ical";
import { CONTACT_METHODS } from "@firebreak/core/oncall/notify-rules";
import { onCallOverview } from "@firebreak/core/oncall/overview";
import { systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, NotFoundError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { directoryStoreOf, jsonBody, type RouteContext, type RouteGroup } from "../base";
import { overrideView } from "../override-view";
import { calendarBody, calendarQuery, onCallQuery } from "../schemas";
import { parse } from "../validate";

export const onCallRoutes: RouteGroup = (app, ctx: RouteContext) => {
  const { getDeps } = ctx;
  const viewer = requireRole("viewer");
  const admin = requireRole("admin");
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

  const calendarStore = () => {
    const store = getDeps().calendars;
    if (!store)
      throw new FirebreakError("not_configured", "calendar feeds are not configured on this deployment");
    return store;
  };
};
