/**
 * The ack links as a route group of the whole-API app (api/app.ts, which the API tests drive).
 * The routes themselves are defined once, in api/ack-link-routes.ts; deployed and locally the Ack
 * function (ack.ts) serves them: only it and the Pager hold the AckKey secret.
 */
import { registerAckLinks } from "../ack-link-routes";
import { type BaseDeps, pagingOf, type RouteGroup } from "../base";
import { registerSmsInbound } from "../sms-inbound-routes";

/** With them, `POST /sms/inbound` (SMS replies): the whole-API app has no two-way topic, so it answers 404. */
export const ackLinkRoutes: RouteGroup<BaseDeps> = (app, ctx) => {
  registerAckLinks(app, () => pagingOf(ctx));
  registerSmsInbound(app, () => ({ paging: pagingOf(ctx) }));
};
