import { silentLog } from "@firebreak/core/shared/log";
import { App, AwsLambdaReceiver, type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { SlackAppDeps, SlackLog } from "./app-deps";
import { registerButtons } from "./listeners/actions-buttons";
import { createSlackContext, describeError } from "./listeners/context";
import { registerDeclareModal } from "./listeners/declare-modal";
import { registerIncidentCommand } from "./listeners/incident-command";

/**
 * The Slack app: one Bolt `App` on an `AwsLambdaReceiver`, with these listeners, registered in
 * this order (Bolt matches listeners in registration order), one module each in listeners/ on what
 * they share in listeners/context.ts:
 * - the `/incident` command (listeners/incident-command.ts; see commands.ts for the language),
 * - the declare modal (`/incident declare` with no arguments → views.open; view_submission →
 *   declare: listeners/declare-modal.ts),
 * - the incident buttons (`ACTIONS`: Acknowledge, Take IC, Resolve; View in dashboard is a URL
 *   button, acknowledged only), on pages and on incident announcements alike: the use case runs,
 *   then the message is updated in place (`chat.update`) to show the new state and who acted
 *   (listeners/actions-buttons.ts).
 *
 * Speed: the receiver answers Slack only after every listener finished, so everything awaited here
 * counts against Slack's 3 seconds. A listener does its own DynamoDB work and at most one or two
 * Web API calls (timeout 1.5 s, no retries, no rate-limit waits, each with a fallback); anything slower (channel creation, invites,
 * pages) is handed to `enqueue`.
 *
 * Errors: every listener catches its errors and answers the user in an ephemeral message (or under
 * the modal's field), via `errorText`, the one mapping from errors to Slack text. Unexpected errors
 * are logged with a reference the user sees. Concurrent clicks are safe: the use cases lock
 * optimistically, and the loser of a race reads e.g. "INC-7 is already acknowledged."
 */

export type { SlackAppDeps, SlackLog, SlackWork } from "./app-deps";

export type SlackEventHandler = ReturnType<AwsLambdaReceiver["toHandler"]>;

export interface SlackApp {
  app: App;
  /** The receiver's Lambda handler: `(event, context) => { statusCode, headers?, body }`. */
  handle: SlackEventHandler;
}

/** Bolt's logger interface on top of ours. */
function boltLogger(log: SlackLog): BoltLogger {
  let level = LogLevel.INFO;
  const join = (parts: unknown[]) => parts.map((p) => (typeof p === "string" ? p : String(p))).join(" ");
  return {
    debug: (...msg) => log.debug(join(msg)),
    info: (...msg) => log.info(join(msg)),
    warn: (...msg) => log.warn(join(msg)),
    error: (...msg) => log.error(join(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const log = deps.log ?? silentLog;
  // Bolt checks the signature again (defence in depth), but against the wall clock. With an injected
  // clock (tests, a local runtime pinned to an instant) only our check, which the handler always runs
  // first with that clock (verify.ts: signature, ±5 minutes, workspace), can judge the timestamp.
  const receiver = new AwsLambdaReceiver({
    signingSecret: deps.signingSecret,
    logger: boltLogger(log),
    signatureVerification: deps.clock === undefined,
  });
  const app = new App({
    receiver,
    token: deps.botToken,
    botId: deps.botId,
    botUserId: deps.botUserId,
    logger: boltLogger(log),
    convoStore: false,
    clientOptions: {
      ...(deps.slackApiUrl ? { slackApiUrl: deps.slackApiUrl } : {}),
      // Inside Slack's 3 seconds: no retries (every call has a fallback), no waiting out a 429.
      timeout: deps.slackTimeoutMs ?? 1500,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    },
  });
  const ctx = createSlackContext(deps, app, log);

  registerIncidentCommand(app, ctx);
  registerDeclareModal(app, ctx);
  registerButtons(app, ctx);

  // The last line of defence: log; the handler turns a failed request into a polite answer.
  app.error(async (error) => {
    log.error("slack: unhandled error in a listener", { error: describeError(error) });
  });

  return { app, handle: receiver.toHandler() };
}
