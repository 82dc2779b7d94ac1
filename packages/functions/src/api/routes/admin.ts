/**
 * What admins manage: API tokens, integration keys of the alert endpoints, and heartbeats (listing them is for anyone signed in).
 */
import { createHeartbeat, heartbeatView } from "@firebreak/core/heartbeats/actions";
import { INTEGRATION_PATHS } from "@firebreak/core/integrations/keys";
import { systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { jsonBody, type RouteContext, type RouteGroup } from "../base";
import { heartbeatBody, heartbeatPath, integrationBody, tokenBody, tokenPath } from "../schemas";
import { parse } from "../validate";

export const adminRoutes: RouteGroup = (app, ctx: RouteContext) => {
  const { getDeps } = ctx;
  const viewer = requireRole("viewer");
  const admin = requireRole("admin");
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
