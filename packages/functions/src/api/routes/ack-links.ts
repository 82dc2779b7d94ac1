/**
 * One-click ack links, `GET|POST /ack/{token}`, in the local runtime's app. Deployed, the Ack
 * function (ack.ts) serves them: only it and the Pager hold the AckKey secret.
 */
import { acknowledgeByLink } from "@firebreak/core/paging/service";
import { ackPage } from "../ack-page";
import { type BaseDeps, pagingOf, type RouteGroup } from "../base";

export const ackLinkRoutes: RouteGroup<BaseDeps> = (app, ctx) => {
  // One-click ack links: GET shows a confirmation (link scanners and previews only GET), POST acks.
  app.get("/ack/:token", (c) => c.html(ackPage({ state: "confirm", token: c.req.param("token") })));
  app.post("/ack/:token", async (c) => {
    const result = await acknowledgeByLink(pagingOf(ctx), c.req.param("token"));
    if (result.ok) return c.html(ackPage({ state: "acknowledged", incident: result.incident }));
    const status = { expired: 410, already_used: 410, forged: 400, malformed: 400, not_found: 404 } as const;
    return c.html(ackPage({ state: result.reason }), status[result.reason]);
  });
};
