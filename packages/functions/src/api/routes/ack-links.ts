/**
 * The ack links as a route group of the whole-API app (api/app.ts, which the API tests drive).
 * The routes themselves are defined once, in api/ack-link-routes.ts; deployed and locally the Ack
 * function (ack.ts) serves them: only it and the Pager hold the AckKey secret.
 */
import { registerAckLinks } from "../ack-link-routes";
import { type BaseDeps, pagingOf, type RouteGroup } from "../base";

export const ackLinkRoutes: RouteGroup<BaseDeps> = (app, ctx) => registerAckLinks(app, () => pagingOf(ctx));
