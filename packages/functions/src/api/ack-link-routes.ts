/**
 * The one-click ack links, `GET|POST /ack/{token}`, defined once: the Ack function (ack.ts) serves
 * them deployed and in the local runtime; the API's `ackLinkRoutes` group registers the same routes
 * for the whole-API app the API tests drive. GET answers a confirmation page naming the incident
 * and the page, and writes nothing (link scanners and previews only GET); its form POSTs, which
 * acknowledges once (`acknowledgeByLink`). A used, expired, invalid link, or one whose incident is
 * resolved, says so on GET too, without the form.
 */
import { acknowledgeByLink, inspectAckLink, type PagingReplyDeps } from "@firebreak/core/paging/service";
import {
  acknowledgeTestPageByLink,
  inspectTestPageLink,
  testAckDepsOf,
} from "@firebreak/core/paging/test-page-ack";
import type { Hono } from "hono";
import type { Hono as TinyHono } from "hono/tiny";
import { ackPage } from "./ack-page";

/** How each ack-link failure answers (the page says what happened; nothing was acknowledged). */
export const ACK_FAILURE_STATUS = {
  expired: 410,
  already_used: 410,
  resolved: 409,
  forged: 400,
  malformed: 400,
  not_found: 404,
} as const;

/**
 * The ack pages' headers: no script, no framing (a clickjacked Acknowledge button would stop an
 * escalation), the form posts only back here, the link (a credential) is neither sent as a
 * referrer nor cached.
 */
export const ACK_PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
} as const;

export interface AckLinkLog {
  info(message: string, attributes: Record<string, unknown>): void;
}

// biome-ignore lint/suspicious/noExplicitAny: both Hono flavours (hono and hono/tiny) with any env
export type AnyHono = Hono<any> | TinyHono<any>;

export function registerAckLinks(app: AnyHono, getPaging: () => PagingReplyDeps, log?: AckLinkLog): void {
  // GET says what the link is for and whether it still works; only a usable link shows the form.
  app.get("/ack/:token", async (c) => {
    const token = c.req.param("token");
    // A test page's link (no incident involved); any other goes on to the incident path.
    const test = await inspectTestPageLink(testAckDepsOf(getPaging()), token);
    if (test?.ok)
      return c.html(
        ackPage({ state: "test_confirm", token: test.token, test: test.subject }),
        200,
        ACK_PAGE_HEADERS,
      );
    if (test)
      return c.html(ackPage({ state: "test_already_used", test: test.subject }), 410, ACK_PAGE_HEADERS);
    const found = await inspectAckLink(getPaging(), token);
    if (found.ok)
      return c.html(ackPage({ state: "confirm", token, subject: found.subject }), 200, ACK_PAGE_HEADERS);
    return c.html(
      ackPage({ state: found.reason, ...(found.subject ? { subject: found.subject } : {}) }),
      ACK_FAILURE_STATUS[found.reason],
      ACK_PAGE_HEADERS,
    );
  });
  app.post("/ack/:token", async (c) => {
    const test = await acknowledgeTestPageByLink(testAckDepsOf(getPaging()), c.req.param("token"));
    if (test?.ok) {
      log?.info("test page acknowledged by link", { testPageId: test.subject.testPageId });
      return c.html(ackPage({ state: "test_acknowledged", test: test.subject }), 200, ACK_PAGE_HEADERS);
    }
    if (test)
      return c.html(ackPage({ state: "test_already_used", test: test.subject }), 410, ACK_PAGE_HEADERS);
    const result = await acknowledgeByLink(getPaging(), c.req.param("token"));
    if (result.ok) {
      log?.info("acknowledged by link", { incidentId: result.incident.id, pageId: result.pageId });
      return c.html(ackPage({ state: "acknowledged", incident: result.incident }), 200, ACK_PAGE_HEADERS);
    }
    log?.info("ack link refused", { reason: result.reason });
    return c.html(
      ackPage({ state: result.reason, ...(result.subject ? { subject: result.subject } : {}) }),
      ACK_FAILURE_STATUS[result.reason],
      ACK_PAGE_HEADERS,
    );
  });
}
