/**
 * What every listener shares: the reply shapes, the acting user, error reporting, and the
 * `SlackContext` built once per app from its deps (the incident finder, the hand-off, the
 * announcement). `CommandCall` is what one `/incident` invocation adds to it.
 */
import { randomUUID } from "node:crypto";
import type { ActionDeps } from "@firebreak/core/incident/actions";
import type { Actor, Incident } from "@firebreak/core/incident/model";
import type { PostmortemDeps } from "@firebreak/core/postmortem/service";
import { systemClock } from "@firebreak/core/shared/clock";
import type { App, SlashCommand, webApi } from "@slack/bolt";
import type { SlackAppDeps, SlackLog, SlackWork } from "../app-deps";
import type { AssignableRole, Command } from "../commands";
import { errorText, isExpected, SlackUserError } from "../errors";
import { incidentMessage, type LastAction, type SlackMessage } from "../messages";
import { type Act, permissionPolicy, type Who } from "../permissions";
import { slackDisplayNames, usableName } from "../user-names";

export type Reply = {
  response_type: "ephemeral" | "in_channel";
  text: string;
  blocks?: SlackMessage["blocks"];
};
export const ephemeral = (message: SlackMessage | string): Reply =>
  typeof message === "string"
    ? { response_type: "ephemeral", text: message }
    : { response_type: "ephemeral", ...message };
export const inChannel = (message: SlackMessage | string): Reply =>
  typeof message === "string"
    ? { response_type: "in_channel", text: message }
    : { response_type: "in_channel", ...message };

/** The Slack user acting: the directory person when there is one, else the Slack user. */
export function slackActor(user: { id: string; name?: string; username?: string }, me?: Who): Actor {
  if (me?.personId) return { type: "slack", id: me.personId, name: me.personName ?? me.personId };
  const name = user.name ?? user.username;
  return name ? { type: "slack", id: user.id, name } : { type: "slack", id: user.id };
}

export const describeError = (error: unknown) =>
  error instanceof Error
    ? { name: error.name, message: error.message, code: (error as { code?: unknown }).code }
    : { error: String(error) };

export type SlackContext = ReturnType<typeof createSlackContext>;

export function createSlackContext(deps: SlackAppDeps, app: App, log: SlackLog) {
  const policy = permissionPolicy(deps.permissions);
  const actions: ActionDeps = { store: deps.store, clock: deps.clock };
  const pmDeps: PostmortemDeps = {
    incidents: deps.store,
    postmortems: deps.postmortems,
    clock: deps.clock,
    timezone: deps.timezone,
  };
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

  return {
    deps,
    log,
    policy,
    actions,
    pmDeps,
    clock,
    now,
    bounded,
    url,
    report,
    displayName,
    actorFor,
    who,
    target,
    enqueue,
    announce,
  };
}

/** One `/incident` invocation: who typed it, where, and the checks and finder bound to them. */
export interface CommandCall {
  body: SlashCommand;
  client: webApi.WebClient;
  /** The incident the command is about, once found: for error messages. */
  scope: { incident?: Incident };
  me: Who;
  actor: Actor;
  check(act: Act, incident?: Incident, assignment?: { role: AssignableRole; personId: string }): void;
  /** INC-n, else the channel's incident (`target`). */
  find(number: number | undefined, usage: string): Promise<Incident>;
}

/** What runs one `/incident` subcommand. */
export type Subcommand<C extends Command = Command> = (
  ctx: SlackContext,
  call: CommandCall,
  command: C,
) => Promise<Reply | undefined>;

/** A table from subcommand kinds to what runs them: each entry takes its own kind's command. */
export type Subcommands<K extends Command["kind"]> = { [P in K]: Subcommand<Extract<Command, { kind: P }>> };

/** The table entries of a group of subcommands that one function runs. */
export function subcommands<K extends Command["kind"], C extends Extract<Command, { kind: K }>>(
  kinds: readonly K[],
  run: Subcommand<C>,
): Record<K, Subcommand<C>> {
  return Object.fromEntries(kinds.map((kind) => [kind, run])) as Record<K, Subcommand<C>>;
}
