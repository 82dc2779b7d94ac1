import type { Clock } from "@firebreak/core/shared/clock";
import { webApi } from "@slack/bolt";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { createSlackApp, type SlackApp, type SlackAppDeps, type SlackLog } from "./app";
import { normaliseSlackEvent } from "./lambda-event";
import { firstSighting, replayAnswer } from "./replay";
import { verifySlackRequest } from "./verify";

/**
 * The Slack endpoint's request pipeline (everything but middy): fix the event up for Bolt
 * (lambda-event.ts), check it (verify.ts: signature, ±5 min timestamp, workspace, body), refuse a
 * replay of a request already seen (replay.ts: one conditional PutItem), then let Bolt route it to
 * the listeners (app.ts). A request Bolt fails on (500) is logged and answered 200 with
 * an ephemeral apology: Slack shows a polite line instead of "dispatch_failed".
 */

export type SlackHandlerDeps = Omit<SlackAppDeps, "botId" | "botUserId" | "log"> & {
  /** The workspace(s) this app serves (`T…`). Requests from any other are refused (403). */
  teamIds: readonly string[];
  /** Without them, one `auth.test` call finds them at cold start. */
  botId?: string;
  botUserId?: string;
  clock?: Clock;
};

export type SlackRequestHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const APOLOGY: APIGatewayProxyStructuredResultV2 = {
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    response_type: "ephemeral",
    text: "Sorry, Firebreak could not handle that just now. It has been logged; please try again.",
  }),
};

export function createSlackRequestHandler(
  getDeps: () => SlackHandlerDeps | Promise<SlackHandlerDeps>,
  log: SlackLog,
): SlackRequestHandler {
  let ready: Promise<{ deps: SlackHandlerDeps; slack: SlackApp }> | undefined;
  const init = async () => {
    const deps = await getDeps();
    if (deps.teamIds.length === 0) throw new Error("no Slack team id configured (SlackTeamId)");
    let { botId, botUserId } = deps;
    if (!botId || !botUserId) {
      const client = new webApi.WebClient(deps.botToken, {
        ...(deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {}),
        timeout: 2000,
        retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 200 },
      });
      const auth = await client.auth.test();
      botId = auth.bot_id ?? "";
      botUserId = auth.user_id ?? "";
    }
    return { deps, slack: createSlackApp({ ...deps, botId, botUserId, log }) };
  };

  return async (event, context) => {
    let deps: SlackHandlerDeps;
    let slack: SlackApp;
    try {
      ready ??= init();
      ({ deps, slack } = await ready);
    } catch (error) {
      ready = undefined; // try again on the next request
      log.error("slack: not configured", { error: (error as Error).message });
      return { statusCode: 503, body: "" };
    }
    const request = normaliseSlackEvent(event);
    const verdict = verifySlackRequest(request, {
      signingSecret: deps.signingSecret,
      teamIds: deps.teamIds,
      now: () => (deps.clock ? deps.clock.now().getTime() : Date.now()),
    });
    if (!verdict.ok) {
      log.warn("slack: request refused", { statusCode: verdict.statusCode, reason: verdict.reason });
      // A signed request Slack sent without something we need: tell the person, in Slack.
      if (verdict.reply)
        return {
          statusCode: 200,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(verdict.reply),
        };
      return { statusCode: verdict.statusCode, body: "" };
    }
    // ssl_check and url_verification (no team) act on nothing: Bolt answers them, replayed or not.
    if (verdict.teamId !== undefined) {
      try {
        if (!(await firstSighting(deps.store, verdict))) {
          log.warn("slack: replayed request ignored", { kind: verdict.kind, timestamp: verdict.timestamp });
          return replayAnswer(verdict.kind);
        }
      } catch (error) {
        // Without the check a replay could act: fail closed, politely.
        log.error("slack: could not record the request", { error: (error as Error).message });
        return APOLOGY;
      }
    }
    try {
      const result = await slack.handle(request, context);
      if (result.statusCode < 500) return result as APIGatewayProxyStructuredResultV2;
      log.error("slack: Bolt failed on a request", { statusCode: result.statusCode });
    } catch (error) {
      log.error("slack: Bolt threw", { error: (error as Error).message });
    }
    return APOLOGY;
  };
}
