import { randomUUID } from "node:crypto";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import type { SlackIncidentRecord, SlackStore } from "@firebreak/core/adapters/dynamodb/slack/slack-store";
import type { Incident, Severity } from "@firebreak/core/incident/model";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";
import { type ProviderFailure, type RetryPolicy, type Sleep, withRetry } from "@firebreak/core/paging/retry";
import { classifySlackError } from "@firebreak/core/paging/slack-channel";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { type Log, silentLog } from "@firebreak/core/shared/log";
import type { webApi } from "@slack/bolt";
import { incidentChannelName } from "./channel-name";
import { DEFAULT_CHANNEL_SEVERITIES, parseChannelSeverities, wantsChannel } from "./channel-severities";
import { incidentMessage, type SlackMessage } from "./messages";

/**
 * Incident channels (issue 4, item 4), run by the Slack worker off the bus, never inside Slack's
 * 3 seconds.
 *
 * `syncIncidentChannel` reconciles Slack with the incident as it is *now* in the table, whatever
 * event woke it up (declared, role assigned, status or severity changed, redelivered, reordered):
 * 1. an open incident whose severity wants a channel (`channelSeverities`, SEV1–SEV2 by default)
 *    and has none gets `#inc-<n>-<slug>` (channel-name.ts), a summary message (the incident
 *    message with its buttons), pinned;
 * 2. the role holders (and e.g. the declarer) are invited, each once;
 * 3. the summary is edited in place (`chat.update`) until it shows the incident's latest version.
 *
 * Exactly one channel per incident: the one-off steps of 1. run under a lease on the incident's
 * Slack record (a conditional write); the channel id, the summary ts and the channel → incident
 * lookup are recorded with conditional writes. A worker that finds the lease taken leaves: the
 * holder, after releasing it, reads the incident again and does steps 2–3 for everyone. A channel
 * whose creation timed out but happened anyway is found again by name (`conversations.list`,
 * created by this bot) instead of being created twice.
 *
 * Slack failures: each call is retried within bounds (429 honours Retry-After, 5xx, timeouts,
 * network errors: `withRetry` + `classifySlackError`); a failure that remains throws
 * `SlackWorkError`, so the bus consumer fails and is retried, then dead-lettered. A permanent
 * failure to create the channel also goes on the incident's timeline (`slack.channel_failed`).
 */

/** Slack answers to a step that are as good as done. */
const DONE_ALREADY = new Set(["already_in_channel", "already_pinned", "cant_invite_self"]);
/** Per-user invite failures that retrying cannot fix: logged, the person marked done. */
const UNINVITABLE = new Set([
  "user_not_found",
  "user_is_restricted",
  "user_is_ultra_restricted",
  "user_disabled",
  "cant_invite",
  "ura_max_channels",
  "not_allowed_token_type",
]);
/** The summary message or its channel is gone (archived, deleted by a person): nothing to update. */
const GONE = new Set(["message_not_found", "channel_not_found", "is_archived", "cant_update_message"]);

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const MAX_NAME_ATTEMPTS = 10;
const MAX_RENDER_ROUNDS = 3;

export { DEFAULT_CHANNEL_SEVERITIES, parseChannelSeverities, wantsChannel };

export class SlackWorkError extends FirebreakError {
  readonly retryable: boolean;
  readonly failure: ProviderFailure;
  constructor(what: string, failure: ProviderFailure) {
    super(`slack_${failure.code}`, `${what} failed: ${failure.code}: ${failure.message}`);
    this.retryable = failure.retryable;
    this.failure = failure;
  }
}

export interface IncidentChannelDeps {
  incidents: IncidentStore;
  slack: SlackStore;
  /** A WebClient without its own retries (`createSlackClient`). */
  client: webApi.WebClient;
  /** The bot's own user id: never invited, and the creator of the channels it may adopt. */
  botUserId?: string;
  /** Severities that get a channel (default SEV1 and SEV2); empty: never. */
  channelSeverities?: readonly Severity[];
  /** The Slack user id of a role holder who is a directory person (holders set from Slack are user ids already). */
  slackUserIdOf?(personId: string): Promise<string | undefined> | string | undefined;
  incidentUrl?(incident: Incident): string | undefined;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  clock?: Clock;
  log?: Log;
  /** How long the setup lease lasts (default 5 minutes: longer than the worker's timeout). */
  leaseMs?: number;
}

export type SyncOutcome = "no_incident" | "not_wanted" | "in_progress" | "synced";

export interface SyncResult {
  outcome: SyncOutcome;
  channelId?: string;
  channelName?: string;
  /** This call created the channel (or adopted one its earlier attempt created). */
  created: boolean;
  invited: string[];
  /** Versions the summary was rendered at by this call. */
  rendered: number[];
}

async function call<T>(deps: IncidentChannelDeps, operation: () => Promise<T>) {
  return withRetry(operation, classifySlackError, {
    ...(deps.retry ? { policy: deps.retry } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
}

/** The Slack user ids of the incident's role holders. */
async function roleHolderIds(deps: IncidentChannelDeps, incident: Incident): Promise<string[]> {
  const ids = new Set<string>();
  for (const holder of Object.values(incident.roles ?? {})) {
    if (!holder) continue;
    const id = SLACK_USER_ID.test(holder.personId)
      ? holder.personId
      : await deps.slackUserIdOf?.(holder.personId);
    if (id && SLACK_USER_ID.test(id)) ids.add(id);
  }
  return [...ids];
}

export function summaryMessage(incident: Incident, incidentUrl?: string): Required<SlackMessage> {
  const url = incidentUrl;
  return incidentMessage(incident, url ? { incidentUrl: url } : {});
}

export async function syncIncidentChannel(
  deps: IncidentChannelDeps,
  incidentId: string,
  hints: { invite?: readonly string[] } = {},
): Promise<SyncResult> {
  const log = deps.log ?? silentLog;
  const clock = deps.clock ?? systemClock;
  const severities = deps.channelSeverities ?? DEFAULT_CHANNEL_SEVERITIES;
  const result: SyncResult = { outcome: "synced", created: false, invited: [], rendered: [] };

  let incident = await deps.incidents.getIncident(incidentId);
  if (!incident) return { ...result, outcome: "no_incident" };
  let record = await deps.slack.get(incidentId);
  if (!record?.channelId && !wantsChannel(incident, severities)) return { ...result, outcome: "not_wanted" };

  const extra = (hints.invite ?? []).filter((id) => SLACK_USER_ID.test(id) && id !== deps.botUserId);
  const missing = extra.filter((id) => !record?.wanted?.includes(id));
  if (missing.length > 0) await deps.slack.addUsers(incidentId, "wanted", missing);

  if (!setUp(record)) {
    const token = randomUUID();
    const leased = await deps.slack.acquireLease(
      incidentId,
      token,
      clock.now().getTime(),
      deps.leaseMs ?? 5 * 60_000,
    );
    if (!leased) {
      log.info("slack channel: setup in progress elsewhere", { incidentId });
      return { ...result, outcome: "in_progress" };
    }
    try {
      await setUpChannel(deps, incident, leased, token, result);
    } finally {
      await deps.slack.releaseLease(incidentId, token);
    }
    // Read again after releasing: whatever changed while we held the lease is handled below.
    incident = (await deps.incidents.getIncident(incidentId)) ?? incident;
    record = await deps.slack.get(incidentId);
    if (!record?.channelId) return { ...result, outcome: "not_wanted" };
  }
  if (!record?.channelId || !record.summaryTs) return { ...result, outcome: "in_progress" };
  result.channelId = record.channelId;
  if (record.channelName) result.channelName = record.channelName;

  await inviteMissing(deps, incident, record, result);
  await renderLatest(deps, incident, record, result);
  return result;
}

function setUp(record: SlackIncidentRecord | undefined): boolean {
  return Boolean(record?.channelId && record.summaryTs && record.pinned);
}

/** Steps that happen once: channel, summary message, pin. Runs under the lease. */
async function setUpChannel(
  deps: IncidentChannelDeps,
  incident: Incident,
  record: SlackIncidentRecord,
  token: string,
  result: SyncResult,
): Promise<void> {
  const log = deps.log ?? silentLog;
  let channelId = record.channelId;
  if (!channelId) {
    const severities = deps.channelSeverities ?? DEFAULT_CHANNEL_SEVERITIES;
    if (!wantsChannel(incident, severities)) return; // e.g. resolved while we waited
    const channel = await createChannel(deps, incident);
    try {
      await deps.slack.recordChannel(incident.id, token, channel);
    } catch (error) {
      // Not recorded (lease lost, table down): the channel must not live on unrecorded.
      const archived = await call(deps, () => deps.client.conversations.archive({ channel: channel.id }));
      log.error("slack channel: created but not recorded; archived it", {
        incidentId: incident.id,
        channel,
        archived: archived.ok,
        error: (error as Error).message,
      });
      throw error;
    }
    channelId = channel.id;
    result.created = true;
    result.channelId = channel.id;
    result.channelName = channel.name;
    await deps.slack.appendTimeline(
      entry(deps, incident, "slack.channel_created", `Slack channel #${channel.name} created`, {
        channelId: channel.id,
        channelName: channel.name,
      }),
    );
    log.info("slack channel: created", { incidentId: incident.id, ...channel });
  }
  let summaryTs = record.summaryTs;
  if (!summaryTs) {
    const message = summaryMessage(incident, deps.incidentUrl?.(incident));
    const posted = await call(deps, () =>
      deps.client.chat.postMessage({
        channel: channelId,
        ...message,
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!posted.ok) throw new SlackWorkError("chat.postMessage (summary)", posted.failure);
    if (!posted.value.ts) throw new SlackWorkError("chat.postMessage (summary)", noTs());
    summaryTs = posted.value.ts;
    await deps.slack.recordSummary(incident.id, token, summaryTs, incident.version);
    result.rendered.push(incident.version);
  }
  if (!record.pinned) {
    const pinned = await call(deps, () => deps.client.pins.add({ channel: channelId, timestamp: summaryTs }));
    if (!pinned.ok && !DONE_ALREADY.has(pinned.failure.code))
      throw new SlackWorkError("pins.add", pinned.failure);
    await deps.slack.recordPinned(incident.id);
  }
}

const noTs = (): ProviderFailure => ({
  code: "no_ts",
  message: "Slack answered without a ts",
  retryable: true,
});

/** conversations.create with `-2`, `-3` … on name_taken; adopts our own channel after an ambiguous failure. */
async function createChannel(
  deps: IncidentChannelDeps,
  incident: Incident,
): Promise<{ id: string; name: string }> {
  const log = deps.log ?? silentLog;
  const ambiguous = new Set<string>();
  for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS; attempt++) {
    const name = incidentChannelName(incident.number, incident.title, attempt);
    const created = await withRetry(
      async () => {
        try {
          return await deps.client.conversations.create({ name, is_private: false });
        } catch (error) {
          const failure = classifySlackError(error);
          // The request may have reached Slack: the channel may exist although we got no answer.
          if (failure.retryable) ambiguous.add(name);
          throw error;
        }
      },
      classifySlackError,
      { ...(deps.retry ? { policy: deps.retry } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}) },
    );
    if (created.ok) {
      const channel = created.value.channel;
      if (!channel?.id) throw new SlackWorkError("conversations.create", noTs());
      return { id: channel.id, name: channel.name ?? name };
    }
    if (created.failure.code !== "name_taken") {
      await recordFailure(deps, incident, "conversations.create", created.failure);
      throw new SlackWorkError("conversations.create", created.failure);
    }
    if (ambiguous.has(name)) {
      const mine = await findOwnChannel(deps, name);
      if (mine) {
        log.warn("slack channel: adopted the channel an earlier attempt created", {
          incidentId: incident.id,
          name,
        });
        return { id: mine, name };
      }
    }
  }
  const failure: ProviderFailure = {
    code: "name_taken",
    message: `${MAX_NAME_ATTEMPTS} channel names for INC-${incident.number} are taken`,
    retryable: false,
  };
  await recordFailure(deps, incident, "conversations.create", failure);
  throw new SlackWorkError("conversations.create", failure);
}

/** A public channel named `name` created by this bot (the one a timed-out create made), or undefined. */
async function findOwnChannel(deps: IncidentChannelDeps, name: string): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const listed = await call(deps, () =>
      deps.client.conversations.list({
        types: "public_channel",
        exclude_archived: true,
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      }),
    );
    if (!listed.ok) throw new SlackWorkError("conversations.list", listed.failure);
    const found = listed.value.channels?.find(
      (c) => c.name === name && (!deps.botUserId || c.creator === deps.botUserId),
    );
    if (found?.id) return found.id;
    cursor = listed.value.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

/** A permanent failure on the timeline, once per code (the bus retries the event meanwhile). */
async function recordFailure(
  deps: IncidentChannelDeps,
  incident: Incident,
  what: string,
  failure: ProviderFailure,
): Promise<void> {
  if (failure.retryable) return;
  if (!(await deps.slack.claimPost(incident.id, `failed:${what}:${failure.code}`))) return;
  await deps.slack.appendTimeline(
    entry(deps, incident, "slack.channel_failed", `Slack channel could not be set up: ${failure.code}`, {
      call: what,
      code: failure.code,
      message: failure.message,
    }),
  );
}

function entry(
  deps: IncidentChannelDeps,
  incident: Incident,
  kind: string,
  summary: string,
  data: Record<string, unknown>,
): TimelineEntry {
  const at = (deps.clock ?? systemClock).now();
  return {
    id: newId(at.getTime()),
    incidentId: incident.id,
    kind,
    actor: { type: "system", id: "firebreak", name: "Firebreak" },
    at: at.toISOString(),
    summary,
    data,
  };
}

async function inviteMissing(
  deps: IncidentChannelDeps,
  incident: Incident,
  record: SlackIncidentRecord,
  result: SyncResult,
): Promise<void> {
  const log = deps.log ?? silentLog;
  const channel = record.channelId as string;
  const done = new Set(record.invited ?? []);
  const wanted = new Set([...(await roleHolderIds(deps, incident)), ...(record.wanted ?? [])]);
  const todo = [...wanted].filter((id) => !done.has(id) && id !== deps.botUserId);
  let lastFailure: SlackWorkError | undefined;
  for (const user of todo) {
    const invited = await call(deps, () => deps.client.conversations.invite({ channel, users: user }));
    if (invited.ok || DONE_ALREADY.has(invited.failure.code)) {
      await deps.slack.addUsers(incident.id, "invited", [user]);
      result.invited.push(user);
      continue;
    }
    if (UNINVITABLE.has(invited.failure.code)) {
      log.warn("slack channel: cannot invite", { incidentId: incident.id, user, code: invited.failure.code });
      await deps.slack.addUsers(incident.id, "invited", [user]);
      continue;
    }
    if (GONE.has(invited.failure.code)) {
      log.warn("slack channel: the channel is gone", { incidentId: incident.id, channel });
      return;
    }
    lastFailure = new SlackWorkError("conversations.invite", invited.failure);
  }
  if (lastFailure) throw lastFailure;
}

/** chat.update until the summary shows the version read last (a slower, older update is overwritten). */
async function renderLatest(
  deps: IncidentChannelDeps,
  first: Incident,
  record: SlackIncidentRecord,
  result: SyncResult,
): Promise<void> {
  const log = deps.log ?? silentLog;
  let incident = first;
  if ((record.renderedVersion ?? -1) >= incident.version && !result.rendered.includes(incident.version))
    return;
  for (let round = 0; round < MAX_RENDER_ROUNDS; round++) {
    if (!result.rendered.includes(incident.version)) {
      const message = summaryMessage(incident, deps.incidentUrl?.(incident));
      const current = incident;
      const updated = await call(deps, () =>
        deps.client.chat.update({
          channel: record.channelId as string,
          ts: record.summaryTs as string,
          ...message,
        }),
      );
      if (!updated.ok) {
        if (GONE.has(updated.failure.code)) {
          log.warn("slack channel: the summary message is gone", { incidentId: current.id });
          return;
        }
        throw new SlackWorkError("chat.update (summary)", updated.failure);
      }
      result.rendered.push(current.version);
      await deps.slack.recordRendered(current.id, current.version);
    }
    const latest = await deps.incidents.getIncident(incident.id);
    if (!latest || latest.version === incident.version) return;
    incident = latest;
  }
}
