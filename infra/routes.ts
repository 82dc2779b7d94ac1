/** Plain data (no SST globals), so tests can import it. */
/**
 * The API function's routes. The Hono app routes within them (every path it serves is in the
 * OpenAPI document, and infra/test checks each is covered here); `/ack/{token}` goes to the Ack
 * function (infra/paging.ts) and `POST /slack/events` to the Slack handler.
 */
export const API_ROUTES = ["GET /health", "ANY /api/{proxy+}", "ANY /auth/{proxy+}"];
