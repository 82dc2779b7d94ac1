import { randomUUID } from "node:crypto";
import { ActionItemStore } from "@firebreak/core/adapters/dynamodb/action-items/store";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import type { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import type { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import {
  type ActionDeps,
  assignRole,
  changeSeverity,
  changeStatus,
  declareIncident,
  postUpdate,
  reopenIncident,
} from "@firebreak/core/incident/actions";
import { declareInputSchema } from "@firebreak/core/incident/inputs";
import { linkIncidents, mergeIncident, unlinkIncidents } from "@firebreak/core/incident/merge";
import {
  type Actor,
  type Incident,
  type IncidentStatus,
  lowersSeverity,
} from "@firebreak/core/incident/model";
import { requestEscalation, requestResponders } from "@firebreak/core/incident/responders";
import { cancelWindow, listWindows, scheduleWindow, windowView } from "@firebreak/core/maintenance/actions";
import { indexDirectory } from "@firebreak/core/oncall/directory-index";
import type { Directory } from "@firebreak/core/oncall/directory-types";
import type { NotifyRulesDeps } from "@firebreak/core/oncall/notify-actions";
import {
  addShiftOverride,
  cancelShiftOverride,
  type OverrideDeps,
} from "@firebreak/core/oncall/override-actions";
import { parseShiftTime } from "@firebreak/core/oncall/override-requests";
import { onCallOverview } from "@firebreak/core/oncall/overview";
import { liveOverrides, type ShiftOverride } from "@firebreak/core/oncall/shift-overrides";
import type { VerifyDeps } from "@firebreak/core/oncall/verify-actions";
import { oneLine } from "@firebreak/core/paging/messages";
import { escapeMrkdwnWithin } from "@firebreak/core/paging/slack-message";
import { buildTrace } from "@firebreak/core/paging/trace";
import { answerReleaseInvolved } from "@firebreak/core/postmortem/release-answer";
import { getPostmortem, type PostmortemDeps } from "@firebreak/core/postmortem/service";
import { runAs } from "@firebreak/core/shared/actor";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { silentLog } from "@firebreak/core/shared/log";
import { multiLineText } from "@firebreak/core/shared/text";
import {
  App,
  AwsLambdaReceiver,
  type BlockAction,
  type Logger as BoltLogger,
  LogLevel,
  type RespondFn,
  type SlashCommand,
  type ViewSubmitAction,
  type webApi,
} from "@slack/bolt";
import { runActionItemCommand } from "./action-items";
import { type AssignableRole, type Command, incidentNumber, parseCommand, USAGE } from "./commands";
import type { PersonLookupResult } from "./directory-lookup";
import { CommandSyntaxError, errorText, isExpected, SlackUserError } from "./errors";
import { ACTIONS, DECLARE_MODAL, INCIDENT_COMMAND } from "./ids";
import {
  changeNotice,
  type DeclareModalMetadata,
  declareModal,
  helpMessage,
  incidentLabel,
  incidentMessage,
  type LastAction,
  openIncidentsList,
  person,
  postmortemSummary,
  type SlackMessage,
  slackDate,
  statusReport,
  updateText,
} from "./messages";
import { runMe } from "./notify-rules";
import { onCallMessage, traceMessage, windowLine, windowScheduled, windowsList } from "./oncall-messages";
import { type Act, authorize, type PermissionConfig, permissionPolicy, type Who } from "./permissions";
import { runTestPage, type SlackTestPageDeps } from "./test-page";
import { slackDisplayNames, usableName } from "./user-names";

/**
 * The Slack app: one Bolt `App` on an `AwsLambdaReceiver`, with
 * - the `/incident` command (see commands.ts for the language),
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

/** Slow work handed off by a listener (to the bus, or an async invoke): never awaited beyond the hand-off. */
export type SlackWork =
  | {
      type: "slack.incident_declared";
      incidentId: string;
      number: number;
      /** The Slack user who declared it. */
      declaredBy: string;
      /** Where it was declared. */
      channelId?: string;
      /** The announcement message with the buttons, when it could be posted. */
      message?: { channel: string; ts: string };
    }
  | {
      type: "slack.role_assigned";
      incidentId: string;
      number: number;
      role: AssignableRole;
      slackUserId: string;
      assignedBy: string;
    };

/** Structured logging (the Powertools logger fits). */
export interface SlackLog {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface SlackAppDeps {
  signingSecret: string;
  botToken: string;
  /** With `botUserId`, spares Bolt an `auth.test` call at cold start. */
  botId: string;
  botUserId: string;
  store: IncidentStore;
  postmortems: PostmortemStore;
  /** Hands slow work off (e.g. EventBridge PutEvents). Must be quick; failures are logged. */
  enqueue(work: SlackWork): Promise<void>;
  /** The incident a channel belongs to (incident channels): INC-n defaults to it there. */
  channelIncident?(channelId: string): Promise<string | undefined> | string | undefined;
  /**
   * Who a Slack user is in the on-call directory: permission checks (directory people may
   * acknowledge) and the name every action and role is recorded under (the person's directory
   * id and name, not a Slack id).
   */
  personFor?(slackUserId: string): Promise<PersonLookupResult> | PersonLookupResult;
  permissions?: PermissionConfig;
  /** The on-call directory (`/incident page`: who the people are, who is on call for a team). */
  directory?: () => Promise<Directory | undefined>;
  /** Runtime shift overrides (`/incident cover`): the directory store. */
  overrides?: OverrideDeps["directory"];
  /** People's own notification rules (`/incident me`): the directory store. */
  notifyRules?: NotifyRulesDeps["rules"];
  /** Contact-method verifications (`/incident me verify`). */
  contacts?: VerifyDeps["contacts"];
  /** Test pages (`/incident test-page`): their store and the directory. */
  testPages?: SlackTestPageDeps;
  /** Maintenance windows (`/incident maintenance`); without them the subcommand says so. */
  maintenance?: MaintenanceStore;
  /** The incident's page in the dashboard, for links and the View in dashboard button. */
  incidentUrl?(incident: Incident): string | undefined;
  clock?: Clock;
  /** The team's IANA time zone (postmortem drafts). */
  timezone?: string;
  log?: SlackLog;
  /** Web API base URL, e.g. a local fake `http://127.0.0.1:PORT/api/` (default Slack's). */
  slackApiUrl?: string;
  /** Web API call timeout in ms (default 1500). */
  slackTimeoutMs?: number;
}

export type SlackEventHandler = ReturnType<AwsLambdaReceiver["toHandler"]>;

export interface SlackApp {
  app: App;
  /** The receiver's Lambda handler: `(event, context) => { statusCode, headers?, body }`. */
  handle: SlackEventHandler;
}

type Reply = { response_type: "ephemeral" | "in_channel"; text: string; blocks?: SlackMessage["blocks"] };
const ephemeral = (message: SlackMessage | string): Reply =>
  typeof message === "string"
    ? { response_type: "ephemeral", text: message }
    : { response_type: "ephemeral", ...message };
const inChannel = (message: SlackMessage | string): Reply =>
  typeof message === "string"
    ? { response_type: "in_channel", text: message }
    : { response_type: "in_channel", ...message };

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

/** The Slack user acting: the directory person when there is one, else the Slack user. */
function slackActor(user: { id: string; name?: string; username?: string }, me?: Who): Actor {
  if (me?.personId) return { type: "slack", id: me.personId, name: me.personName ?? me.personId };
  const name = user.name ?? user.username;
  return name ? { type: "slack", id: user.id, name } : { type: "slack", id: user.id };
}

const describeError = (error: unknown) =>
  error instanceof Error
    ? { name: error.name, message: error.message, code: (error as { code?: unknown }).code }
    : { error: String(error) };

export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const log = deps.log ?? silentLog;
  const policy = permissionPolicy(deps.permissions);
  const actions: ActionDeps = { store: deps.store, clock: deps.clock };
  const pmDeps: PostmortemDeps = {
    incidents: deps.store,
    postmortems: deps.postmortems,
    clock: deps.clock,
    timezone: deps.timezone,
  };
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
  // One clock for the app (tests pin it); views of a change read it after the change.
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now().toISOString();
  /** Bolt's `respond` (a fetch to the response URL) has no timeout of its own. */
  const bounded = <T>(promise: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("response URL timed out")), deps.slackTimeoutMs ?? 1500);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };
  const url = (incident: Incident) => deps.incidentUrl?.(incident);

  /** Logs an unexpected error with a reference; returns the user's text. */
  const report = (error: unknown, incident: Incident | undefined, where: string, format?: "plain") => {
    if (isExpected(error)) return errorText(error, incident, undefined, format);
    const reference = randomUUID().slice(0, 8);
    log.error(`slack ${where} failed`, {
      reference,
      error: describeError(error),
      stack: (error as Error)?.stack,
    });
    return errorText(error, incident, reference, format);
  };

  // Someone outside the directory is named by their Slack display name (users.info, cached), never an id.
  const displayName = slackDisplayNames((user) => app.client.users.info({ user }), { clock });
  const actorFor = async (
    user: { id: string; name?: string; username?: string },
    me: Who,
  ): Promise<Actor> => {
    if (me.personId) return slackActor(user, me);
    const name = (await displayName(user.id)) ?? usableName(user.id, user.name ?? user.username);
    return slackActor(name ? { id: user.id, name } : { id: user.id }, me);
  };

  const who = async (slackUserId: string): Promise<Who> => {
    const found = await deps.personFor?.(slackUserId);
    if (!found) return { slackUserId };
    return found.person
      ? { slackUserId, personId: found.person.id, personName: found.person.name, directory: found.directory }
      : { slackUserId, directory: found.directory };
  };

  /** INC-n, else the channel's incident, else a clear error. `scope.incident` is set for error messages. */
  const target = async (
    number: number | undefined,
    channelId: string | undefined,
    usage: string,
    scope: { incident?: Incident },
  ): Promise<Incident> => {
    if (number !== undefined) {
      const incident = await deps.store.getIncidentByNumber(number);
      if (!incident) throw new SlackUserError("incident_not_found", `INC-${number} does not exist.`);
      scope.incident = incident;
      return incident;
    }
    const id = channelId ? await deps.channelIncident?.(channelId) : undefined;
    const incident = id ? await deps.store.getIncident(id) : undefined;
    if (!incident)
      throw new SlackUserError(
        "incident_required",
        "Which incident? Add its number (e.g. INC-12), or run the command in the incident's channel.",
        usage,
      );
    scope.incident = incident;
    return incident;
  };

  const enqueue = async (work: SlackWork) => {
    try {
      await deps.enqueue(work);
    } catch (error) {
      log.error("slack: could not hand off work", { work, error: describeError(error) });
    }
  };

  /** Posts the incident message with its buttons; undefined when Slack refused (e.g. a private channel). */
  const announce = async (
    client: webApi.WebClient,
    channel: string,
    incident: Incident,
    lastAction: LastAction,
  ): Promise<{ channel: string; ts: string } | undefined> => {
    const message = incidentMessage(incident, { lastAction, incidentUrl: url(incident) });
    try {
      const posted = await client.chat.postMessage({ channel, ...message, unfurl_links: false });
      return posted.channel && posted.ts ? { channel: posted.channel, ts: posted.ts } : undefined;
    } catch (error) {
      log.warn("slack: could not post the incident message", { channel, error: describeError(error) });
      return undefined;
    }
  };

  // ------------------------------------------------------------------------------------------
  // /incident
  // ------------------------------------------------------------------------------------------

  /** `/incident maintenance …`: schedule (in the channel), list (ephemeral), cancel (in the channel). */
  const runMaintenance = async (
    command: Extract<Command, { kind: "maintenance" | "maintenance_list" | "maintenance_cancel" }>,
    actor: Actor,
    check: (act: Act) => void,
  ): Promise<Reply> => {
    if (!deps.maintenance)
      throw new SlackUserError(
        "not_configured",
        "Maintenance windows are not configured on this deployment.",
      );
    const md = { maintenance: deps.maintenance, ...(deps.clock ? { clock: deps.clock } : {}) };
    try {
      if (command.kind === "maintenance_list")
        return ephemeral(
          windowsList(
            await listWindows(md, command.service ? { service: command.service } : {}),
            command.service,
          ),
        );
      check("maintenance");
      if (command.kind === "maintenance_cancel") {
        const cancelled = windowView(await cancelWindow(md, command.ref, actor), clock.now());
        return inChannel(
          `✖️ *${cancelled.key}* cancelled by ${escapeMrkdwnWithin(oneLine(actor.name ?? actor.id), 100)}: alarms it held still firing open their incidents within a minute.\n${windowLine(cancelled)}`,
        );
      }
      const window = await scheduleWindow(
        md,
        {
          ...(command.services.length ? { services: command.services } : {}),
          ...(command.team ? { team: command.team } : {}),
          duration: command.duration,
          reason: command.reason,
        },
        actor,
      );
      return inChannel(windowScheduled(windowView(window, clock.now())));
    } catch (error) {
      // Said about the window, not "the incident" (errorText's wording for an incident's errors).
      if (
        error instanceof NotFoundError ||
        (error instanceof FirebreakError && error.code === "window_ended")
      )
        throw new SlackUserError(
          error.code,
          `${error.message.replace(/^maintenance window /, "")}.`,
          USAGE.maintenance,
        );
      throw error;
    }
  };

  /** `/incident cover …`: take, give away or cancel a shift (core/oncall/override-actions.ts). */
  const runCover = async (
    command: Extract<Command, { kind: "cover" | "cover_list" | "cover_cancel" }>,
    actor: Actor,
    me: Who,
    check: (act: Act) => void,
  ): Promise<Reply> => {
    const store = deps.overrides;
    const directory = await deps.directory?.();
    if (!store || !directory)
      throw new SlackUserError(
        "not_configured",
        "There is no on-call directory yet: apply one (firebreak directory apply).",
      );
    const index = indexDirectory(directory);
    const name = (personId: string) =>
      escapeMrkdwnWithin(oneLine(index.people.get(personId)?.name ?? personId), 100);
    const line = (o: ShiftOverride) =>
      `*${o.id}* ${name(o.personId)} on call in ${escapeMrkdwnWithin(o.rotationId, 64)} · ${slackDate(o.from)} → ${slackDate(o.to)}${o.reason ? ` · ${escapeMrkdwnWithin(oneLine(o.reason), 200)}` : ""}`;
    if (command.kind === "cover_list") {
      const live = liveOverrides((await store.getOverrides()).items, clock.now());
      return ephemeral(
        live.length
          ? [`*Shift overrides (${live.length})*`, ...live.map(line)].join("\n")
          : "No shift overrides.",
      );
    }
    check("cover");
    const requester = {
      actor,
      ...(me.personId ? { personId: me.personId } : {}),
      admin: policy.admins.includes(me.slackUserId),
    };
    const od = { directory: store, ...(deps.clock ? { clock: deps.clock } : {}) };
    if (command.kind === "cover_cancel") {
      const cancelled = await cancelShiftOverride(od, command.id, requester).catch((error: unknown) => {
        if (error instanceof NotFoundError)
          throw new SlackUserError(
            "not_found",
            `${command.id} is not a shift override that has not ended.`,
            USAGE.cover,
          );
        throw error;
      });
      return inChannel(
        `✖️ ${line(cancelled)}: cancelled by ${escapeMrkdwnWithin(oneLine(actor.name ?? actor.id), 100)}`,
      );
    }
    const taker = command.self ? me : await who(command.userId!);
    if (!taker.personId)
      throw new SlackUserError(
        "not_in_directory",
        `${command.self ? "You are" : `@${oneLine(command.userName ?? command.userId ?? "")} is`} not in the on-call directory: only its people can be on call.`,
        USAGE.cover,
      );
    // Times are read in the requester's own time zone (the directory's), else the rotation's.
    const zone =
      (me.personId ? index.people.get(me.personId)?.timezone : undefined) ??
      (command.rotation ? index.rotations.get(command.rotation)?.rotation.timezone : undefined) ??
      deps.timezone ??
      "UTC";
    const at = (text: string, what: string) => {
      const instant = parseShiftTime(text, zone);
      if (!instant)
        throw new SlackUserError(
          "invalid_argument",
          `${what} "${oneLine(text)}" is not a time: write YYYY-MM-DD HH:MM.`,
          USAGE.cover,
        );
      return instant.toISOString();
    };
    const override = await addShiftOverride(
      od,
      {
        personId: taker.personId,
        from: at(command.from, "from"),
        to: at(command.to, "to"),
        ...(command.rotation ? { rotationId: command.rotation } : {}),
        ...(command.reason ? { reason: command.reason } : {}),
      },
      requester,
    );
    return inChannel(
      `🔁 ${line(override)} (times read in ${escapeMrkdwnWithin(zone, 64)}), by ${escapeMrkdwnWithin(oneLine(actor.name ?? actor.id), 100)}. Cancel with \`/incident cover cancel ${override.id}\`.`,
    );
  };

  const runCommand = async (
    body: SlashCommand,
    command: Command,
    client: webApi.WebClient,
    scope: { incident?: Incident },
  ): Promise<Reply | undefined> => {
    const me = await who(body.user_id);
    const actor = await actorFor({ id: body.user_id, name: body.user_name }, me);
    const check = (act: Act, incident?: Incident, assignment?: { role: AssignableRole; personId: string }) =>
      authorize(policy, act, incident, me, assignment);
    const find = (number: number | undefined, usage: string) => target(number, body.channel_id, usage, scope);
    const changeTo = async (
      act: "ack" | "mitigate" | "resolve",
      to: Exclude<IncidentStatus, "declared">,
      number: number | undefined,
      summary?: string,
    ) => {
      const incident = await find(number, USAGE[act]);
      check(act, incident);
      const after = await changeStatus(actions, incident.id, summary ? { to, summary } : { to });
      return inChannel(changeNotice(after, to, actor));
    };

    switch (command.kind) {
      case "help":
        return ephemeral(helpMessage());
      case "declare_modal": {
        check("declare");
        const metadata: DeclareModalMetadata = { channel_id: body.channel_id };
        await client.views.open({ trigger_id: body.trigger_id, view: declareModal(metadata) });
        return undefined;
      }
      case "declare": {
        check("declare");
        const incident = await declareIncident(actions, {
          title: command.title,
          ...(command.severity ? { severity: command.severity } : {}),
          ...(command.services ? { services: command.services } : {}),
        });
        scope.incident = incident;
        const lastAction: LastAction = {
          verb: "Declared",
          userId: body.user_id,
          userName: body.user_name,
          at: now(),
        };
        const posted = await announce(client, body.channel_id, incident, lastAction);
        await enqueue({
          type: "slack.incident_declared",
          incidentId: incident.id,
          number: incident.number,
          declaredBy: body.user_id,
          channelId: body.channel_id,
          ...(posted ? { message: posted } : {}),
        });
        if (!posted) return inChannel(incidentMessage(incident, { lastAction, incidentUrl: url(incident) }));
        return ephemeral(
          `Declared ${incidentLabel(incident)}. Take command with \`/incident assign ic @you INC-${incident.number}\` or the Take IC button.`,
        );
      }
      case "ack":
        return changeTo("ack", "acknowledged", command.number);
      case "mitigate":
        return changeTo("mitigate", "mitigated", command.number);
      case "resolve": {
        const reply = await changeTo("resolve", "resolved", command.number, command.summary);
        return { ...reply, text: `${reply.text}. A postmortem draft is on its way.` };
      }
      case "severity": {
        const incident = await find(command.number, USAGE.severity);
        check("severity", incident);
        const lowering = lowersSeverity(incident.severity, command.severity);
        if (lowering && !command.reason)
          throw new SlackUserError(
            "reason_required",
            `Lowering ${incidentLabel(incident)} from ${incident.severity} to ${command.severity} needs a reason: add it after the incident.`,
            USAGE.severity,
          );
        const result = await changeSeverity(actions, incident.id, {
          severity: command.severity,
          ...(command.reason ? { reason: command.reason } : {}),
        });
        if (!result.changed) return ephemeral(`${incidentLabel(incident)} is already ${command.severity}.`);
        const verb = lowering ? "lowered" : "raised";
        return inChannel(
          changeNotice(
            result.incident,
            `severity ${verb} from ${incident.severity} to ${command.severity}${command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : ""}`,
            actor,
          ),
        );
      }
      case "assign": {
        const incident = await find(command.number, USAGE.assign);
        check("assign", incident, { role: command.role, personId: command.userId });
        // Recorded as the directory person when the mentioned user is one (one identity per person).
        const assignee = await who(command.userId);
        const holderId = incident.roles?.[command.role]?.personId;
        if (holderId === command.userId || (assignee.personId && holderId === assignee.personId))
          return ephemeral(
            `${person(command.userId, command.userName)} is already ${command.role.toUpperCase()} of INC-${incident.number}.`,
          );
        const assigneeName =
          assignee.personName ??
          (await displayName(command.userId)) ??
          usableName(command.userId, command.userName);
        const after = await assignRole(actions, incident.id, {
          role: command.role,
          personId: assignee.personId ?? command.userId,
          ...(assigneeName ? { personName: assigneeName } : {}),
          // Only a directory person can be paged; `--page` / `--no-page` override the default.
          ...(assignee.personId
            ? command.page === undefined
              ? {}
              : { page: command.page }
            : { page: false }),
        });
        await enqueue({
          type: "slack.role_assigned",
          incidentId: after.id,
          number: after.number,
          role: command.role,
          slackUserId: command.userId,
          assignedBy: body.user_id,
        });
        return inChannel(
          changeNotice(
            after,
            `now has ${person(command.userId, command.userName)} as ${command.role.toUpperCase()}`,
            actor,
          ),
        );
      }
      case "update": {
        const incident = await find(command.number, USAGE.update);
        check("update", incident);
        const after = await postUpdate(actions, incident.id, {
          text: command.text,
          temporary: command.temporary,
          public: command.public,
        });
        // The Slack worker posts every update in the incident channel: typed there, no echo.
        if ((await deps.channelIncident?.(body.channel_id)) === after.id)
          return ephemeral(`Update recorded on ${incidentLabel(after)}; it is posted in this channel.`);
        return inChannel(
          updateText(after, command, {
            id: body.user_id,
            ...(body.user_name ? { name: body.user_name } : {}),
          }),
        );
      }
      case "status": {
        const incident = await find(command.number, USAGE.status);
        const found = await deps.store.getIncidentWithTimeline(incident.id);
        if (!found) throw new NotFoundError("incident", incident.id);
        return ephemeral(statusReport(found.incident, found.timeline, url(found.incident)));
      }
      case "page": {
        const incident = await find(command.number, USAGE.page);
        check("page", incident);
        const { people } = await requestResponders(
          { ...actions, directory: async () => deps.directory?.() },
          incident.id,
          {
            ...(command.userId ? { personId: command.userId } : {}),
            ...(command.team ? { team: command.team } : {}),
            ...(command.message ? { message: command.message } : {}),
          },
          actor,
        ).catch((error: unknown) => {
          if (error instanceof ValidationError && command.userId && error.issues[0]?.path === "personId")
            throw new SlackUserError(
              "not_in_directory",
              `@${oneLine(command.userName ?? command.userId)} is not in the on-call directory: Firebreak has no way to page them.`,
              USAGE.page,
            );
          throw error;
        });
        const names = people.map((p) => escapeMrkdwnWithin(oneLine(p.name), 100)).join(", ");
        return inChannel(
          changeNotice(
            incident,
            `is paging ${names}${command.team ? ` (team ${escapeMrkdwnWithin(command.team, 64)}'s on-call)` : ""}${command.message ? `: ${escapeMrkdwnWithin(command.message, 500)}` : ""}`,
            actor,
          ),
        );
      }
      case "reopen": {
        const incident = await find(command.number, USAGE.reopen);
        check("reopen", incident);
        if (incident.status !== "resolved")
          throw new SlackUserError(
            "not_resolved",
            `INC-${incident.number} is ${incident.status}, not resolved: there is nothing to reopen.`,
          );
        const after = await reopenIncident(actions, incident.id, { reason: command.reason });
        return inChannel(
          changeNotice(
            after,
            `is reopened: ${escapeMrkdwnWithin(command.reason, 500)}. Paging starts again`,
            actor,
          ),
        );
      }
      case "merge": {
        const duplicate = await find(command.number, USAGE.merge);
        check("merge", duplicate);
        const survivor = await find(command.into, USAGE.merge);
        const result = await mergeIncident(
          actions,
          duplicate.id,
          { into: survivor.id, ...(command.reason ? { reason: command.reason } : {}) },
          actor,
        );
        if (!result.changed)
          return ephemeral(`INC-${duplicate.number} was merged into INC-${survivor.number} already.`);
        const alarms = result.movedAlarms.length ? ` Its alarms now attach to INC-${survivor.number}.` : "";
        const why = command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : "";
        return inChannel(
          `${changeNotice(result.incident, `was merged into ${incidentLabel(survivor)} *${escapeMrkdwnWithin(oneLine(survivor.title), 300)}*`, actor)}${why}. It is resolved and its pages stop: follow INC-${survivor.number} from now on.${alarms}`,
        );
      }
      case "link":
      case "unlink": {
        const usage = USAGE[command.kind];
        const incident = await find(command.number, usage);
        check("link", incident);
        const other = await find(command.other, usage);
        if (other.id === incident.id)
          throw new SlackUserError(
            "invalid_argument",
            `${incidentLabel(incident)} cannot be ${command.kind === "link" ? "linked to" : "unlinked from"} itself.`,
            usage,
          );
        const result =
          command.kind === "link"
            ? await linkIncidents(
                actions,
                incident.id,
                { other: other.id, ...(command.reason ? { reason: command.reason } : {}) },
                actor,
              )
            : await unlinkIncidents(actions, incident.id, other.id, actor);
        const pair = `INC-${incident.number} and INC-${other.number}`;
        if (!result.changed)
          return ephemeral(`${pair} ${command.kind === "link" ? "are linked already" : "are not linked"}.`);
        const why =
          command.kind === "link" && command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : "";
        return inChannel(
          `${changeNotice(
            incident,
            command.kind === "link"
              ? `is linked to ${incidentLabel(other)} *${escapeMrkdwnWithin(oneLine(other.title), 300)}*`
              : `is no longer linked to ${incidentLabel(other)}`,
            actor,
          )}${why}`,
        );
      }
      case "oncall": {
        const directory = await deps.directory?.();
        if (!directory)
          throw new SlackUserError(
            "not_configured",
            "There is no on-call directory yet: apply one (firebreak directory apply).",
          );
        const filter = {
          ...(command.service ? { service: command.service } : {}),
          ...(command.team ? { team: command.team } : {}),
        };
        return ephemeral(onCallMessage(onCallOverview(directory, clock.now(), filter), filter));
      }
      case "escalate": {
        const usage = command.mode === "repage" ? USAGE.repage : USAGE.escalate;
        const incident = await find(command.number, usage);
        check("escalate", incident);
        await requestEscalation(
          actions,
          incident.id,
          { mode: command.mode, ...(command.reason ? { reason: command.reason } : {}) },
          actor,
        );
        const what =
          command.mode === "repage"
            ? "is paging the current level again"
            : "is escalating to the next level now";
        return inChannel(
          changeNotice(
            incident,
            `${what}${command.reason ? `: ${escapeMrkdwnWithin(command.reason, 500)}` : ""}`,
            actor,
          ),
        );
      }
      case "maintenance":
      case "maintenance_list":
      case "maintenance_cancel":
        return runMaintenance(command, actor, check);
      case "cover":
      case "cover_list":
      case "cover_cancel":
        return runCover(command, actor, me, check);
      case "me":
        return ephemeral(await runMe(deps, command, actor, me));
      case "test_page":
        return ephemeral(await runTestPage(deps, command, actor, me));
      case "list": {
        const page = await deps.store.listOpen({ limit: 20 });
        return ephemeral(openIncidentsList(page.items, page.cursor !== undefined));
      }
      case "trace": {
        const incident = await find(command.number, USAGE.trace);
        const found = await deps.store.getIncidentWithTimeline(incident.id);
        if (!found) throw new NotFoundError("incident", incident.id);
        const pages = new PageStore(deps.store.db, deps.store.tableName);
        const [escalation, stored] = await Promise.all([
          pages.getEscalation(incident.id),
          pages.listPages(incident.id),
        ]);
        const trace = buildTrace({
          incident: found.incident,
          timeline: found.timeline,
          escalation,
          pages: stored,
        });
        return ephemeral(traceMessage(trace, url(found.incident)));
      }
      case "action":
      case "action_status":
      case "actions": {
        const answer = await runActionItemCommand(command, {
          deps: {
            actionItems: new ActionItemStore(deps.store.db, deps.store.tableName),
            incidents: deps.store,
            directory: async () => deps.directory?.(),
            clock,
          },
          find,
          getIncident: (id) => deps.store.getIncident(id),
          actor,
          me,
          check,
          triggerId: body.trigger_id,
          incidentUrl: url,
        });
        return answer.inChannel ? inChannel(answer.text) : ephemeral(answer.text);
      }
      case "postmortem": {
        const incident = await find(command.number, USAGE.postmortem);
        if (command.release) check("postmortem", incident);
        try {
          let { current } = await getPostmortem(pmDeps, incident.id);
          // A new version with the same text (core/postmortem/release-answer.ts: no linter or validator here).
          if (command.release)
            current = await answerReleaseInvolved(pmDeps, incident.id, command.release, actor);
          return ephemeral(postmortemSummary(incident, current, url(incident)));
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          throw new SlackUserError(
            "no_postmortem",
            incident.status === "resolved"
              ? `INC-${incident.number} has no postmortem yet: the draft is being written, try again in a minute.`
              : `INC-${incident.number} has no postmortem yet: a draft is written when the incident is resolved.`,
          );
        }
      }
    }
  };

  app.command(INCIDENT_COMMAND, async ({ command: body, ack, client }) => {
    const scope: { incident?: Incident } = {};
    let reply: Reply | undefined;
    try {
      // Text enters here: well-formed (no lone surrogates), no stray control characters.
      const parsed = parseCommand(multiLineText(body.text));
      if (!parsed.ok) throw new CommandSyntaxError(parsed.error);
      const actor = await actorFor({ id: body.user_id, name: body.user_name }, await who(body.user_id));
      reply = await runAs(actor, () => runCommand(body, parsed.command, client, scope));
    } catch (error) {
      reply = ephemeral(report(error, scope.incident, `command "${oneLine(body.text).slice(0, 80)}"`));
    }
    await ack(reply);
  });

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
