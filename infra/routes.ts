/** Plain data (no SST globals), so tests can import it. */
/**
 * The HTTP API's functions and the routes API Gateway sends to each, from the one route table
 * (packages/functions/src/wiring/topology.ts, which the local runtime routes by too). A request
 * goes to its most specific route: an exact path, then a path with `{variables}`, then a greedy
 * `{proxy+}`; a route with the request's method before `ANY`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
 * Each API function's Hono app serves its route groups (packages/functions/src/api/routes/);
 * infra/test/api-routes.test.ts checks that every route a group serves reaches a function that
 * registers it. `/ack/{token}` goes to the Ack function (infra/paging.ts), `POST /slack/events`
 * to the Slack handler (infra/api.ts).
 */
import { HTTP_FUNCTIONS } from "../packages/functions/src/wiring/topology";

/** The API functions (infra/api.ts creates them), with their handlers and routes. */
export const API_FUNCTIONS = {
  ApiHandler: HTTP_FUNCTIONS.ApiHandler,
  ApiPostmortem: HTTP_FUNCTIONS.ApiPostmortem,
  ApiDirectory: HTTP_FUNCTIONS.ApiDirectory,
  ApiDocs: HTTP_FUNCTIONS.ApiDocs,
  ApiPaging: HTTP_FUNCTIONS.ApiPaging,
  ApiStatus: HTTP_FUNCTIONS.ApiStatus,
  ApiActionItems: HTTP_FUNCTIONS.ApiActionItems,
} as const;

/** The main API function's routes. */
export const API_ROUTES: readonly string[] = API_FUNCTIONS.ApiHandler.routes;

/** The Slack endpoint's function and route. */
export const SLACK_FUNCTION = HTTP_FUNCTIONS.SlackHandler;
