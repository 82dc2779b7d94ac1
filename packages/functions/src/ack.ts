import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { acknowledgeByLink, type PagingDeps } from "@firebreak/core/paging/service";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { ackPage } from "./api/ack-page";
import { createLogger } from "./lib/logger";
import { awsPagingDeps } from "./lib/paging-resources";

type HonoEvent = Parameters<ReturnType<typeof handle>>[0];

/** How each ack-link failure answers (the page says what happened; nothing was acknowledged). */
export const ACK_FAILURE_STATUS = {
  expired: 410,
  already_used: 410,
  forged: 400,
  malformed: 400,
  not_found: 404,
} as const;

/**
 * ack: the one-click ack links of SMS and email pages, `GET|POST /ack/{token}` on the HTTP API.
 * GET answers a confirmation page (link scanners and previews only GET); its form POSTs, which
 * acknowledges once (`acknowledgeByLink`). A function of its own, so only it and the pager hold
 * the AckKey secret. The local runtime serves the same two routes from the API app.
 */
export function createAckHandler(getDeps: () => PagingDeps) {
  const logger = createLogger("ack");
  const app = new Hono();
  app.get("/ack/:token", (c) => c.html(ackPage({ state: "confirm", token: c.req.param("token") })));
  app.post("/ack/:token", async (c) => {
    const result = await acknowledgeByLink(getDeps(), c.req.param("token"));
    if (result.ok) {
      logger.info("acknowledged by link", { incidentId: result.incident.id, pageId: result.pageId });
      return c.html(ackPage({ state: "acknowledged", incident: result.incident }));
    }
    logger.info("ack link refused", { reason: result.reason });
    return c.html(ackPage({ state: result.reason }), ACK_FAILURE_STATUS[result.reason]);
  });
  app.notFound((c) => c.text("Not found", 404));
  app.onError((error, c) => {
    logger.error("ack failed", { error: String(error) });
    return c.text("Something went wrong; nothing was acknowledged. Try again in a minute.", 503);
  });
  const lambda = handle(app);
  return middy((event: APIGatewayProxyEventV2, context: Context) =>
    lambda(event as unknown as HonoEvent, context),
  ).use(injectLambdaContext(logger));
}

export const handler = createAckHandler(awsPagingDeps);
