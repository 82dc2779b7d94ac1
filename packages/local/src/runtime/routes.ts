/**
 * The local HTTP API's route table: each of the cloud's HTTP functions (HTTP_FUNCTIONS) as the same
 * handler, built by the same wiring and called as API Gateway calls it; and the answers the local
 * server makes itself (problem+json, JSON).
 */
import type { MemoryDeadLetterSink } from "@firebreak/core/alarm/dead-letter";
import type { PagingReplyDeps } from "@firebreak/core/paging/service";
import type { ValidationIssue } from "@firebreak/core/shared/errors";
import { createAckHandler } from "@firebreak/functions/ack";
import { createApiHandler } from "@firebreak/functions/api";
import { createApiActionItemsHandler } from "@firebreak/functions/api-action-items";
import { createApiDirectoryHandler } from "@firebreak/functions/api-directory";
import { createApiDocsHandler } from "@firebreak/functions/api-docs";
import { createApiPagingHandler } from "@firebreak/functions/api-paging";
import { createApiPostmortemHandler } from "@firebreak/functions/api-postmortem";
import { createApiStatusHandler } from "@firebreak/functions/api-status";
import { createIntegrationsHandler } from "@firebreak/functions/integrations";
import { createSlackHandler } from "@firebreak/functions/slack";
import {
  apiActionItemsDeps,
  apiDeps,
  apiDirectoryDeps,
  apiDocsDeps,
  apiPagingDeps,
  apiPostmortemDeps,
  apiStatusDeps,
} from "@firebreak/functions/wiring/api";
import { integrationDeps } from "@firebreak/functions/wiring/integrations";
import { smsInboundDeps } from "@firebreak/functions/wiring/paging";
import type { Platform } from "@firebreak/functions/wiring/platform";
import { slackHandlerDeps } from "@firebreak/functions/wiring/slack";
import type { HttpFunctionName } from "@firebreak/functions/wiring/topology";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { type HttpResult, lambdaContext } from "../apigw";

/** The local sign-in: the dev sign-in only on loopback, cookies without `Secure` (plain http). */
type LocalAuth = { devSignIn: boolean; secureCookies: boolean };

/** One HTTP function of the route table, as the local server calls it. */
export type HttpFunction = (event: APIGatewayProxyEventV2) => Promise<HttpResult>;

export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: ValidationIssue[],
): HttpResult & { headers: Record<string, string> } {
  return {
    statusCode: status,
    headers: { "content-type": "application/problem+json" },
    body: JSON.stringify({ type: "about:blank", title, status, detail, ...(errors ? { errors } : {}) }),
  };
}

export function json(status: number, body: unknown): HttpResult {
  return { statusCode: status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** A Lambda handler of the HTTP API, called as API Gateway calls it. */
function lambdaOf(
  name: string,
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>,
): HttpFunction {
  return async (event) => (await handler(event, lambdaContext(name))) as HttpResult;
}

/**
 * The HTTP API: each route goes to the function the cloud's route table names (HTTP_FUNCTIONS).
 * `localAuth` says whether the dev sign-in exists (only on loopback; see local-guard.ts).
 */
export function httpFunctions(wiring: {
  platform: Platform;
  localAuth: LocalAuth;
  pagingOf: () => PagingReplyDeps;
  deadLetters: MemoryDeadLetterSink;
}): Record<HttpFunctionName, HttpFunction> {
  const { platform, localAuth, pagingOf, deadLetters } = wiring;
  // A function of the HTTP API, its dependencies built with the local sign-in's settings.
  const api = <D>(
    name: HttpFunctionName,
    create: (getDeps: () => D) => (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>,
    deps: (platform: Platform, auth: LocalAuth) => D,
  ) =>
    lambdaOf(
      name,
      create(() => deps(platform, localAuth)),
    );
  return {
    ApiHandler: api("ApiHandler", createApiHandler, apiDeps),
    ApiPostmortem: api("ApiPostmortem", createApiPostmortemHandler, apiPostmortemDeps),
    ApiDirectory: api("ApiDirectory", createApiDirectoryHandler, apiDirectoryDeps),
    ApiDocs: api("ApiDocs", createApiDocsHandler, apiDocsDeps),
    ApiPaging: api("ApiPaging", createApiPagingHandler, apiPagingDeps),
    ApiActionItems: api("ApiActionItems", createApiActionItemsHandler, apiActionItemsDeps),
    ApiStatus: api("ApiStatus", createApiStatusHandler, apiStatusDeps),
    Ack: lambdaOf(
      "Ack",
      createAckHandler(pagingOf, () => smsInboundDeps(platform, pagingOf(), deadLetters)),
    ),
    Integrations: lambdaOf(
      "Integrations",
      createIntegrationsHandler(() => integrationDeps(platform, deadLetters)),
    ),
    SlackHandler: lambdaOf(
      "SlackHandler",
      createSlackHandler(() => slackHandlerDeps(platform)),
    ),
  };
}
