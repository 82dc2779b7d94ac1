/**
 * The main route group (the "ApiHandler" function): health, sign-in and who am I here, and the
 * groups it composes: incident-reads.ts, incident-commands.ts, operations.ts (metrics, pages,
 * ignored alarms, maintenance, changes), oncall-reads.ts (calendars, who is on call, people, the
 * directory as applied) and admin.ts (tokens, integration keys, heartbeats). Writes of
 * postmortems and of the directory are groups of other functions (postmortem-edit.ts,
 * directory-edit.ts): they bundle the schema validator and the YAML parser.
 */

import { mountAuthRoutes } from "../auth";
import type { RouteContext, RouteGroup } from "../base";
import { runHealthChecks } from "../health";

import { adminRoutes } from "./admin";
import { incidentCommandRoutes } from "./incident-commands";
import { incidentReadRoutes } from "./incident-reads";
import { onCallRoutes } from "./oncall-reads";
import { operationsRoutes } from "./operations";

export { incidentView, statusChangeView } from "./incident-view";

export const mainRoutes: RouteGroup = (app, ctx: RouteContext) => {
  const { getDeps } = ctx;
  // 503 naming each failing check (health.ts); 200 when every check passes.
  app.get("/health", async (c) => {
    const report = await runHealthChecks(getDeps().health ?? {});
    return c.json(report, report.status === "ok" ? 200 : 503);
  });
  mountAuthRoutes(app, () => getDeps().auth, ctx.directoryOf);

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

  incidentReadRoutes(app, ctx);
  incidentCommandRoutes(app, ctx);
  operationsRoutes(app, ctx);
  onCallRoutes(app, ctx);
  adminRoutes(app, ctx);
};
