import { assignRole, changeStatus, declareIncident } from "@firebreak/core/incident/actions";
import { declareInputSchema } from "@firebreak/core/incident/inputs";
import type { Incident } from "@firebreak/core/incident/model";
import { runAs } from "@firebreak/core/shared/actor";
import { silentLog } from "@firebreak/core/shared/log";
import {
  App,
  AwsLambdaReceiver,
  type BlockAction,
  type Logger as BoltLogger,
  LogLevel,
  type RespondFn,
  type ViewSubmitAction,
  type webApi,
} from "@slack/bolt";
import type { SlackAppDeps, SlackLog } from "./app-deps";
import { incidentNumber } from "./commands";
import { SlackUserError } from "./errors";
import { ACTIONS, DECLARE_MODAL } from "./ids";
import { createSlackContext, describeError } from "./listeners/context";
import { registerIncidentCommand } from "./listeners/incident-command";
import { type DeclareModalMetadata, incidentMessage, type LastAction, type SlackMessage } from "./messages";
import { authorize } from "./permissions";

/**
 * The Slack app: one Bolt `App` on an `AwsLambdaReceiver`, with
 * - the `/incident` command (listeners/incident-command.ts; see commands.ts for the language),
 * - the declare modal (`/incident declare` with no arguments → views.open; view_submission → declare),
 * - the incident buttons (`ACTIONS`: Acknowledge, Take IC, Resolve; View in dashboard is a URL
 *   button, acknowledged only), on pages and on incident announcements alike: the use case runs,
 *   then the message is updated in place (`chat.update`) to show the new state and who acted.
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
  const { policy, actions, now, bounded, url, report, who, actorFor, enqueue, announce } = ctx;

  registerIncidentCommand(app, ctx);

  // ------------------------------------------------------------------------------------------
  // The declare modal
  // ------------------------------------------------------------------------------------------

  app.view<ViewSubmitAction>(DECLARE_MODAL.callbackId, async ({ ack, body, view, client }) => {
    const m = DECLARE_MODAL;
    const values = view.state.values;
    const field = (block: string, action: string) => values[block]?.[action];
    const me = await who(body.user.id);
    const actor = await actorFor(body.user, me);
    let acked = false;
    try {
      const services = (field(m.services.block, m.services.action)?.value ?? "")
        .split(/[,\s]+/)
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== "");
      const description = field(m.description.block, m.description.action)?.value ?? undefined;
      const input = {
        title: field(m.title.block, m.title.action)?.value ?? "",
        severity: (
          field(m.severity.block, m.severity.action)?.selected_option?.value ?? "sev3"
        ).toUpperCase(),
        ...(services.length > 0 ? { services } : {}),
        ...(description ? { description } : {}),
      };
      const checked = declareInputSchema.safeParse(input);
      if (!checked.success) {
        const errors: Record<string, string> = {};
        for (const issue of checked.error.issues) {
          const name = String(issue.path[0]) as "title" | "severity" | "services" | "description";
          const block = (m[name] ?? m.title).block;
          errors[block] ??= issue.message;
        }
        acked = true;
        await ack({ response_action: "errors", errors });
        return;
      }
      authorize(policy, "declare", undefined, me);
      const commanderId = field(m.commander.block, m.commander.action)?.selected_user ?? undefined;
      const commander = commanderId ? await who(commanderId) : undefined;
      const metadata = parseMetadata(view.private_metadata);
      await runAs(actor, async () => {
        let incident = await declareIncident(actions, checked.data);
        if (commander)
          incident = await assignRole(actions, incident.id, {
            role: "ic",
            personId: commander.personId ?? commander.slackUserId,
            ...(commander.personName ? { personName: commander.personName } : {}),
            ...(commander.personId ? {} : { page: false }), // only a directory person can be paged
          });
        acked = true;
        await ack();
        const lastAction: LastAction = {
          verb: "Declared",
          userId: body.user.id,
          userName: actor.name,
          at: now(),
        };
        const posted =
          (metadata.channel_id
            ? await announce(client, metadata.channel_id, incident, lastAction)
            : undefined) ?? (await announce(client, body.user.id, incident, lastAction));
        await enqueue({
          type: "slack.incident_declared",
          incidentId: incident.id,
          number: incident.number,
          declaredBy: body.user.id,
          ...(metadata.channel_id ? { channelId: metadata.channel_id } : {}),
          ...(posted ? { message: posted } : {}),
        });
      });
    } catch (error) {
      const text = report(error, undefined, "declare modal", "plain");
      if (!acked) await ack({ response_action: "errors", errors: { [m.title.block]: text } });
    }
  });

  // ------------------------------------------------------------------------------------------
  // Buttons
  // ------------------------------------------------------------------------------------------

  /** Finds the incident a button names: its value is the incident id (or `INC-n`). */
  const incidentOf = async (value: string | undefined): Promise<Incident> => {
    const number = value ? incidentNumber(value) : undefined;
    const incident =
      number !== undefined
        ? await deps.store.getIncidentByNumber(number)
        : value
          ? await deps.store.getIncident(value)
          : undefined;
    if (!incident) throw new SlackUserError("incident_not_found", "This incident no longer exists.");
    return incident;
  };

  /** Where the clicked message is, for chat.update and ephemeral answers. */
  const origin = (body: BlockAction) => {
    const container = body.container as { channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
    return {
      channel: container.channel_id ?? body.channel?.id,
      ts: container.message_ts ?? body.message?.ts,
      ephemeral: container.is_ephemeral === true,
    };
  };

  /** Tells the clicking user privately; falls back to the response URL, then to a DM. */
  const tell = async (client: webApi.WebClient, body: BlockAction, text: string, respond?: RespondFn) => {
    const { channel } = origin(body);
    try {
      if (!channel) throw new Error("no channel");
      await client.chat.postEphemeral({ channel, user: body.user.id, text });
      return;
    } catch (error) {
      log.warn("slack: chat.postEphemeral failed", { error: describeError(error) });
    }
    try {
      if (respond) await bounded(respond({ response_type: "ephemeral", replace_original: false, text }));
      else await client.chat.postMessage({ channel: body.user.id, text });
    } catch (error) {
      log.error("slack: could not tell the user", { error: describeError(error) });
    }
  };

  /** Shows the new state on the clicked message: chat.update, or the response URL for messages we can't edit. */
  const refresh = async (
    client: webApi.WebClient,
    body: BlockAction,
    message: SlackMessage,
    respond?: RespondFn,
  ) => {
    const { channel, ts, ephemeral: isEphemeral } = origin(body);
    if (channel && ts && !isEphemeral) {
      try {
        await client.chat.update({ channel, ts, ...message });
        return;
      } catch (error) {
        log.warn("slack: chat.update failed", { error: describeError(error) });
      }
    }
    try {
      if (respond) await bounded(respond({ replace_original: true, ...message }));
    } catch (error) {
      log.warn("slack: could not update the message through its response URL", {
        error: describeError(error),
      });
    }
  };

  type ButtonKind = "ack" | "takeIc" | "resolve";
  const onButton = async (
    kind: ButtonKind,
    body: BlockAction,
    value: string | undefined,
    client: webApi.WebClient,
    respond: RespondFn | undefined,
  ) => {
    const scope: { incident?: Incident } = {};
    try {
      const incident = await incidentOf(value);
      scope.incident = incident;
      const me = await who(body.user.id);
      const userName = body.user.name ?? body.user.username;
      let after: Incident;
      let verb: string;
      if (kind === "ack") {
        authorize(policy, "ack", incident, me);
        after = await changeStatus(actions, incident.id, { to: "acknowledged" });
        verb = "Acknowledged";
      } else if (kind === "resolve") {
        authorize(policy, "resolve", incident, me);
        after = await changeStatus(actions, incident.id, { to: "resolved" });
        verb = "Resolved";
      } else {
        if (incident.status === "resolved")
          throw new SlackUserError("incident_resolved", `INC-${incident.number} is already resolved.`);
        const ic = incident.roles?.ic?.personId;
        if (ic !== undefined && (ic === body.user.id || ic === me.personId))
          throw new SlackUserError(
            "already_ic",
            `You are already the incident commander of INC-${incident.number}.`,
          );
        authorize(policy, "assign", incident, me, { role: "ic", personId: body.user.id });
        const holder = me.personName ?? userName;
        after = await assignRole(actions, incident.id, {
          role: "ic",
          personId: me.personId ?? body.user.id,
          ...(holder ? { personName: holder } : {}),
        });
        verb = "IC taken";
        await enqueue({
          type: "slack.role_assigned",
          incidentId: after.id,
          number: after.number,
          role: "ic",
          slackUserId: body.user.id,
          assignedBy: body.user.id,
        });
      }
      const lastAction: LastAction = {
        verb,
        userId: body.user.id,
        ...(userName ? { userName } : {}),
        at: now(),
      };
      await refresh(client, body, incidentMessage(after, { lastAction, incidentUrl: url(after) }), respond);
    } catch (error) {
      await tell(client, body, report(error, scope.incident, `button ${kind}`), respond);
    }
  };

  const buttons: [string, ButtonKind][] = [
    [ACTIONS.ack, "ack"],
    [ACTIONS.takeIc, "takeIc"],
    [ACTIONS.resolve, "resolve"],
  ];
  for (const [actionId, kind] of buttons) {
    app.action<BlockAction>(actionId, async ({ ack, body, action, client, respond }) => {
      await ack();
      const value = "value" in action && typeof action.value === "string" ? action.value : undefined;
      const actor = await actorFor(body.user, await who(body.user.id));
      await runAs(actor, () => onButton(kind, body, value, client, respond));
    });
  }
  // A URL button opens the dashboard in the browser; Slack still sends the click, which needs an ack.
  // A test page's Acknowledge button is its ack link: the click itself needs only Slack's ack.
  app.action(ACTIONS.testPageAck, async ({ ack }) => {
    await ack();
  });
  app.action(ACTIONS.view, async ({ ack }) => {
    await ack();
  });

  // The last line of defence: log; the handler turns a failed request into a polite answer.
  app.error(async (error) => {
    log.error("slack: unhandled error in a listener", { error: describeError(error) });
  });

  return { app, handle: receiver.toHandler() };
}

function parseMetadata(raw: string | undefined): DeclareModalMetadata {
  try {
    const parsed: unknown = JSON.parse(raw ?? "{}");
    const channel = (parsed as { channel_id?: unknown })?.channel_id;
    return typeof channel === "string" && /^[CGD][A-Z0-9]{2,30}$/.test(channel)
      ? { channel_id: channel }
      : {};
  } catch {
    return {};
  }
}
