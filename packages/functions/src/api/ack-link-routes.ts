/**
 * The one-click ack links, `GET|POST /ack/{token}`, defined once: the Ack function (ack.ts) serves
 * them deployed and in the local runtime; the API's `ackLinkRoutes` group registers the same routes
 * for the whole-API app the API tests drive. GET answers a confirmation page (link scanners and
 * previews only GET); its form POSTs, which acknowledges once (`acknowledgeByLink`).
 */
import { acknowledgeByLink, type PagingDeps } from "@firebreak/core/paging/service";
import type { Hono } from "hono";
import type { Hono as TinyHono } from "hono/tiny";
import { ackPage } from "./ack-page";

/** How each ack-link failure answers (the page says what happened; nothing was acknowledged). */
export const ACK_FAILURE_STATUS = {
  expired: 410,
  already_used: 410,
  forged: 400,
  malformed: 400,
  not_found: 404,
} as const;

export interface AckLinkLog {
  info(message: string, attributes: Record<string, unknown>): void;
}

// biome-ignore lint/suspicious/noExplicitAny: both Hono flavours (hono and hono/tiny) with any env
type AnyHono = Hono<any> | TinyHono<any>;

export function registerAckLinks(app: AnyHono, getPaging: () => PagingDeps, log?: AckLinkLog): void {
  app.get("/ack/:token", (c) => c.html(ackPage({ state: "confirm", token: c.req.param("token") })));
  app.post("/ack/:token", async (c) => {
    const result = await acknowledgeByLink(getPaging(), c.req.param("token"));
    if (result.ok) {
      log?.info("acknowledged by link", { incidentId: result.incident.id, pageId: result.pageId });
      return c.html(ackPage({ state: "acknowledged", incident: result.incident }));
    }
    log?.info("ack link refused", { reason: result.reason });
    return c.html(ackPage({ state: result.reason }), ACK_FAILURE_STATUS[result.reason]);
  });
}
