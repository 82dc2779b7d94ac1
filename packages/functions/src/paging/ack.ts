import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import middy from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import { ACK_FAILURE_STATUS, registerAckLinks } from "../api/ack-link-routes";
import { registerSmsInbound, type SmsInboundDeps } from "../api/sms-inbound-routes";
import { createLogger } from "../lib/logger";

type HonoEvent = Parameters<ReturnType<typeof handle>>[0];

export { ACK_FAILURE_STATUS };

/**
 * The Ack function: the one-click ack links of SMS and email pages, `GET|POST /ack/{token}` on the HTTP API.
 * GET answers a confirmation page (link scanners and previews only GET); its form POSTs, which
 * acknowledges once (`acknowledgeByLink`; the routes: api/ack-link-routes.ts). A function of its
 * own, so only it and the pager hold the AckKey secret; the local runtime routes /ack/{token} here too.
 * It also takes the replies by SMS to a page, `POST /sms/inbound` (api/sms-inbound-routes.ts): an
 * SMS "1" acknowledges as the link does, and a voice page's code is checked with the same AckKey.
 */
export function createAckHandler(getDeps: () => PagingReplyDeps, getSmsDeps: () => SmsInboundDeps) {
  const logger = createLogger("ack");
  const app = new Hono();
  registerAckLinks(app, getDeps, logger);
  registerSmsInbound(app, getSmsDeps);
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
