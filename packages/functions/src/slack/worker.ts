import type { DirectoryStore } from "@firebreak/core/adapters/dynamodb/oncall/store";
import type { Incident } from "@firebreak/core/incident/model";
import { BUDGET_THRESHOLDS_CROSSED } from "@firebreak/core/metrics/budget-alerts";
import { COVERAGE_DAYS, GAP_REASONS } from "@firebreak/core/oncall/coverage";
import { COVERAGE_GAPS_FOUND } from "@firebreak/core/oncall/coverage-alerts";
import { indexDirectory, resolveOwner } from "@firebreak/core/oncall/directory-index";
import { withRetry } from "@firebreak/core/paging/retry";
import { classifySlackError } from "@firebreak/core/paging/slack-channel";
import { getPostmortem, type PostmortemDeps } from "@firebreak/core/postmortem/service";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { silentLog } from "@firebreak/core/shared/log";
import * as z from "@firebreak/core/shared/zod";
import {
  type IncidentChannelDeps,
  SlackWorkError,
  type SyncResult,
  syncIncidentChannel,
} from "./incident-channel";
import { postmortemSummary, updateText } from "./messages";
import { budgetThresholdsText, coverageGapsText } from "./oncall-messages";

/**
 * The Slack worker: the bus consumer behind incident channels and postmortem delivery. One event
 * at a time, idempotent (everything is reconciled from the table, one-off posts are claimed
 * first), so redelivered and reordered events are harmless. A failure throws: the async invoke is
 * retried, then dead-lettered.
 *
 * Event types (all `source: firebreak`): `BUS_CONSUMERS.SlackWorker` (wiring/topology.ts).
 */

export interface SlackWorkerDeps extends IncidentChannelDeps {
  postmortems: PostmortemDeps["postmortems"];
  /** The on-call directory: Slack ids of role holders, and the team alert channel. */
  directory?: DirectoryStore;
  timezone?: string;
}

export type WorkerResult =
  | { action: "ignored"; reason: string }
  | { action: "synced"; sync: SyncResult }
  | { action: "postmortem_posted"; channel: string; version: number }
  | { action: "postmortem_skipped"; reason: string }
  | { action: "update_posted"; channel: string }
  | { action: "update_skipped"; reason: string }
  | { action: "coverage_posted"; channels: string[]; skipped: string[] }
  | { action: "budget_posted"; channels: string[]; skipped: string[] };

const slackUserId = z.string().check(z.regex(/^[UW][A-Z0-9]{2,30}$/));
const envelope = z.object({
  "detail-type": z.string(),
  detail: z.object({
    incidentId: z.string().check(z.minLength(1)),
    detail: z.object({
      id: z.string().check(z.minLength(1)),
      actor: z.optional(z.object({ id: z.string(), name: z.optional(z.string()) })),
      data: z._default(z.record(z.string(), z.unknown()), {}),
    }),
  }),
});
const declaredWork = z.object({ declaredBy: z.optional(slackUserId) });
const assignedWork = z.object({ slackUserId: z.optional(slackUserId) });
const update = z.object({
  text: z.string().check(z.minLength(1)),
  temporary: z._default(z.boolean(), false),
});
const drafted = z.object({
  version: z.number().check(z.int(), z.positive()),
  origin: z.optional(z.string()),
});

const coverageGap = z.object({
  team: z.string(),
  services: z.array(z.string()),
  level: z.number(),
  urgencies: z.array(z.enum(["high", "low"])),
  from: z.string(),
  to: z.string(),
  minutes: z.number(),
  reason: z.enum(GAP_REASONS),
  detail: z.string(),
});
const coverageFound = z.object({
  teams: z.array(
    z.object({
      team: z.string().check(z.minLength(1)),
      name: z.string(),
      alertChannel: z.optional(z.string()),
      gaps: z.array(coverageGap),
      more: z.number(),
    }),
  ),
});

const budgetCrossed = z.object({
  teams: z.array(
    z.object({
      team: z.string().check(z.minLength(1)),
      name: z.string(),
      alertChannel: z.optional(z.string()),
      crossings: z.array(
        z.object({
          service: z.string(),
          threshold: z.number(),
          target: z.number(),
          windowDays: z.number(),
          budgetMinutes: z.number(),
          consumedMinutes: z.number(),
          remainingMinutes: z.number(),
          percentConsumed: z.number(),
        }),
      ),
    }),
  ),
});

/** Directory lookups for one event: the directory is read once, on first need. */
function withDirectory(deps: SlackWorkerDeps): SlackWorkerDeps & {
  alertChannelFor(incident: Incident): Promise<string | undefined>;
} {
  let loaded: ReturnType<NonNullable<SlackWorkerDeps["directory"]>["get"]> | undefined;
  const directory = () => {
    loaded ??= deps.directory ? deps.directory.get() : Promise.resolve(undefined);
    return loaded;
  };
  return {
    ...deps,
    slackUserIdOf:
      deps.slackUserIdOf ??
      (async (personId) => {
        const stored = await directory();
        return stored ? indexDirectory(stored.directory).people.get(personId)?.slackUserId : undefined;
      }),
    async alertChannelFor(incident) {
      const stored = await directory();
      if (!stored) return undefined;
      for (const service of incident.services) {
        const owner = resolveOwner(stored.directory, service, incident.locations[0]?.account, incident.team);
        if (owner.team?.alertChannel) return owner.team.alertChannel;
      }
      return undefined;
    },
  };
}

export async function handleSlackWorkerEvent(deps: SlackWorkerDeps, event: unknown): Promise<WorkerResult> {
  const log = deps.log ?? silentLog;
  const parsed = envelope.safeParse(event);
  if (!parsed.success) {
    const where = parsed.error.issues[0];
    // A malformed event cannot get better with retries: say so loudly, do not loop.
    log.error("slack worker: malformed event ignored", {
      path: where ? where.path.join(".") : "",
      message: where?.message ?? "",
    });
    return { action: "ignored", reason: `malformed event: ${where?.path.join(".")}: ${where?.message}` };
  }
  const type = parsed.data["detail-type"];
  const { incidentId } = parsed.data.detail;
  const data = parsed.data.detail.detail.data;
  const full = withDirectory(deps);
  switch (type) {
    case "slack.incident_declared": {
      const work = declaredWork.safeParse(data);
      const invite = work.success && work.data.declaredBy ? [work.data.declaredBy] : [];
      return { action: "synced", sync: await syncIncidentChannel(full, incidentId, { invite }) };
    }
    case "slack.role_assigned": {
      const work = assignedWork.safeParse(data);
      const invite = work.success && work.data.slackUserId ? [work.data.slackUserId] : [];
      return { action: "synced", sync: await syncIncidentChannel(full, incidentId, { invite }) };
    }
    case "incident.declared":
    case "incident.status_changed":
    case "incident.role_assigned":
    case "incident.severity_changed":
    case "incident.merge_received":
    case "incident.linked":
    case "incident.unlinked":
      return { action: "synced", sync: await syncIncidentChannel(full, incidentId) };
    case "incident.update_posted": {
      const posted = update.safeParse(data);
      if (!posted.success) return { action: "ignored", reason: "incident.update_posted without text" };
      const actor = parsed.data.detail.detail.actor ?? { id: "firebreak" };
      return postUpdateToChannel(full, incidentId, parsed.data.detail.detail.id, posted.data, actor);
    }
    case COVERAGE_GAPS_FOUND: {
      const found = coverageFound.safeParse(data);
      if (!found.success) return { action: "ignored", reason: `${COVERAGE_GAPS_FOUND} without its teams` };
      return postToAlertChannels(full, parsed.data.detail.detail.id, found.data.teams, {
        kind: "coverage",
        what: "coverage gaps",
        text: (team) => coverageGapsText(team, COVERAGE_DAYS),
      });
    }
    case BUDGET_THRESHOLDS_CROSSED: {
      const found = budgetCrossed.safeParse(data);
      if (!found.success)
        return { action: "ignored", reason: `${BUDGET_THRESHOLDS_CROSSED} without its teams` };
      return postToAlertChannels(full, parsed.data.detail.detail.id, found.data.teams, {
        kind: "budget",
        what: "an error budget crossed a threshold",
        text: budgetThresholdsText,
      });
    }
    case "postmortem.drafted": {
      const draft = drafted.safeParse(data);
      if (!draft.success) return { action: "ignored", reason: "postmortem.drafted without a version" };
      if (draft.data.origin === "human")
        return { action: "postmortem_skipped", reason: "a person's edit: the channel saw the draft already" };
      return deliverPostmortem(full, incidentId, draft.data.version);
    }
    default:
      return { action: "ignored", reason: `not a Slack worker event: ${type}` };
  }
}

/** What an hourly check announces to a team's alert channel: coverage gaps, error-budget crossings. */
interface AlertChannelPost<T> {
  /** The claim's key prefix (`coverage`, `budget`) and the result's action. */
  kind: "coverage" | "budget";
  /** What it is about, for the log line of a team without an alert channel and the error. */
  what: string;
  text: (team: T) => string;
}

/**
 * An announcement posted once per team in its alert channel (claimed per announcement and team,
 * the claim given back on failure). A team without an alert channel is logged and skipped
 * (`firebreak directory coverage` and `firebreak report` still list what it would have said).
 */
async function postToAlertChannels<T extends { team: string; alertChannel?: string }>(
  deps: ReturnType<typeof withDirectory>,
  entryId: string,
  teams: T[],
  post: AlertChannelPost<T>,
): Promise<WorkerResult> {
  const log = deps.log ?? silentLog;
  const channels: string[] = [];
  const skipped: string[] = [];
  for (const team of teams) {
    if (!team.alertChannel) {
      log.warn(`slack worker: ${post.what} for a team without an alert channel`, { team: team.team });
      skipped.push(team.team);
      continue;
    }
    const key = `${post.kind}:${team.team}`;
    if (!(await deps.slack.claimPost(entryId, key))) continue;
    const channel = team.alertChannel;
    const text = post.text(team);
    const sent = await withRetry(
      () => deps.client.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false }),
      classifySlackError,
      { ...(deps.retry ? { policy: deps.retry } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}) },
    );
    if (!sent.ok) {
      await deps.slack.unclaimPost(entryId, key);
      throw new SlackWorkError(`chat.postMessage (${post.what})`, sent.failure);
    }
    channels.push(channel);
  }
  return { action: post.kind === "coverage" ? "coverage_posted" : "budget_posted", channels, skipped };
}

/** A stakeholder update, posted once in the incident channel (when the incident has one). */
async function postUpdateToChannel(
  deps: ReturnType<typeof withDirectory>,
  incidentId: string,
  entryId: string,
  posted: { text: string; temporary: boolean },
  actor: { id: string; name?: string },
): Promise<WorkerResult> {
  const record = await deps.slack.get(incidentId);
  const channel = record?.channelId;
  if (!channel) return { action: "update_skipped", reason: "no incident channel" };
  const key = `update:${entryId}`;
  if (record.posted?.includes(key)) return { action: "update_skipped", reason: "already posted" };
  const incident = await deps.incidents.getIncident(incidentId);
  if (!incident) return { action: "update_skipped", reason: "no such incident" };
  if (!(await deps.slack.claimPost(incidentId, key)))
    return { action: "update_skipped", reason: "already posted" };
  const text = updateText(incident, posted, actor);
  const sent = await withRetry(
    () => deps.client.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false }),
    classifySlackError,
    { ...(deps.retry ? { policy: deps.retry } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}) },
  );
  if (!sent.ok) {
    await deps.slack.unclaimPost(incidentId, key);
    throw new SlackWorkError("chat.postMessage (update)", sent.failure);
  }
  return { action: "update_posted", channel };
}

/**
 * Issue 6's delivery: the draft's link and summary, in the incident channel, else the team's
 * alert channel; once per draft version (claimed before posting, the claim given back on failure).
 */
async function deliverPostmortem(
  deps: ReturnType<typeof withDirectory>,
  incidentId: string,
  version: number,
): Promise<WorkerResult> {
  const log = deps.log ?? silentLog;
  const incident = await deps.incidents.getIncident(incidentId);
  if (!incident) return { action: "postmortem_skipped", reason: "no such incident" };
  const record = await deps.slack.get(incidentId);
  const channel = record?.channelId ?? (await deps.alertChannelFor(incident));
  if (!channel) {
    log.info("slack worker: no channel for the postmortem", { incidentId });
    return { action: "postmortem_skipped", reason: "no incident channel and no team alert channel" };
  }
  if (record?.posted?.includes(`postmortem:${version}`))
    return { action: "postmortem_skipped", reason: "already posted" };
  let current: Awaited<ReturnType<typeof getPostmortem>>["current"];
  try {
    ({ current } = await getPostmortem(
      {
        incidents: deps.incidents,
        postmortems: deps.postmortems,
        ...(deps.timezone ? { timezone: deps.timezone } : {}),
      },
      incidentId,
    ));
  } catch (error) {
    if (error instanceof NotFoundError) return { action: "postmortem_skipped", reason: "no draft stored" };
    throw error;
  }
  if (current.version !== version)
    log.info("slack worker: a newer postmortem version exists; posting the current one", {
      incidentId,
      version,
      current: current.version,
    });
  const key = `postmortem:${version}`;
  if (!(await deps.slack.claimPost(incidentId, key)))
    return { action: "postmortem_skipped", reason: "already posted" };
  const message = postmortemSummary(incident, current, deps.incidentUrl?.(incident));
  const posted = await withRetry(
    () => deps.client.chat.postMessage({ channel, ...message, unfurl_links: false, unfurl_media: false }),
    classifySlackError,
    { ...(deps.retry ? { policy: deps.retry } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}) },
  );
  if (!posted.ok) {
    await deps.slack.unclaimPost(incidentId, key);
    throw new SlackWorkError("chat.postMessage (postmortem)", posted.failure);
  }
  return { action: "postmortem_posted", channel, version };
}
