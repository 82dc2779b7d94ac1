/**
 * The public status page: what anyone may see, derived from incidents, their public stakeholder
 * updates and the directory's `statusPage` section. Pure: the caller reads the store and passes
 * the instant. Only public fields leave here: a service's public name, derived states, times and
 * the text of updates flagged public. Never incident titles, ids, alarms, people or services'
 * directory ids.
 */
import { createHash } from "node:crypto";
import type { Incident } from "../incident/model";
import type { StatusPageConfig } from "../oncall/directory-types";

export const STATES = ["operational", "degraded", "major_outage"] as const;
export type ServiceState = (typeof STATES)[number];

/** Days of history per service, today included. */
export const HISTORY_DAYS = 90;
/** At most this many public updates in the feed, newest first. */
export const MAX_UPDATES = 50;

export interface PublicUpdateInput {
  incidentId: string;
  /** The timeline entry's id; only its digest is shown. */
  entryId: string;
  at: string;
  text: string;
  public?: boolean;
}

export interface PublicUpdate {
  /** A stable opaque id (a digest): the Atom entry id. */
  id: string;
  at: string;
  text: string;
  /** Public names of the affected listed services. */
  services: string[];
}

export interface PublicService {
  name: string;
  state: ServiceState;
  /** One entry per UTC day, oldest first: the worst state that day. */
  history: { date: string; state: ServiceState }[];
}

export interface PublicSummary {
  title: string;
  generatedAt: string;
  state: ServiceState;
  services: PublicService[];
  updates: PublicUpdate[];
}

const RANK: Record<ServiceState, number> = { operational: 0, degraded: 1, major_outage: 2 };
const worst = (a: ServiceState, b: ServiceState): ServiceState => (RANK[b] > RANK[a] ? b : a);
const DAY_MS = 86_400_000;

/** An open SEV1 is a major outage; any other counted open incident (or a mitigated one) degrades. */
function stateOf(incident: Pick<Incident, "severity" | "status">): ServiceState {
  if (incident.status === "mitigated") return "degraded";
  return incident.severity === "SEV1" ? "major_outage" : "degraded";
}

function digest(incidentId: string, entryId: string): string {
  return createHash("sha256").update(`${incidentId}\u0000${entryId}`).digest("hex").slice(0, 24);
}

/**
 * The public summary at `now`. `incidents` are those open now or resolved within the history
 * window (others are ignored); `updates` are stakeholder updates of those incidents, public or not.
 * `days` (1–90) is the history kept, today included.
 */
export function publicSummary(
  config: StatusPageConfig | undefined,
  incidents: readonly Incident[],
  updates: readonly PublicUpdateInput[],
  now: Date,
  days: number = HISTORY_DAYS,
): PublicSummary {
  const services = config?.services ?? [];
  const counted = new Set<string>(config?.severities ?? ["SEV1", "SEV2", "SEV3"]);
  const nameOf = new Map(services.map((s) => [s.service, s.name]));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const firstDay = today - (Math.min(Math.max(Math.trunc(days), 1), HISTORY_DAYS) - 1) * DAY_MS;
  const nowMs = now.getTime();

  const relevant = incidents.filter(
    (i) =>
      counted.has(i.severity) &&
      i.services.some((s) => nameOf.has(s)) &&
      Date.parse(i.createdAt) <= nowMs &&
      (i.status !== "resolved" || Date.parse(i.resolvedAt ?? i.updatedAt) >= firstDay),
  );

  const out: PublicService[] = services.map(({ service, name }) => {
    const mine = relevant.filter((i) => i.services.includes(service));
    let state: ServiceState = "operational";
    for (const i of mine) if (i.status !== "resolved") state = worst(state, stateOf(i));
    const history: PublicService["history"] = [];
    for (let day = firstDay; day <= today; day += DAY_MS) {
      let dayState: ServiceState = "operational";
      for (const i of mine) {
        const from = Date.parse(i.createdAt);
        const to = i.status === "resolved" ? Date.parse(i.resolvedAt ?? i.updatedAt) : nowMs;
        if (from < day + DAY_MS && to >= day)
          dayState = worst(dayState, stateOf({ ...i, status: "declared" }));
      }
      history.push({ date: new Date(day).toISOString().slice(0, 10), state: dayState });
    }
    return { name, state, history };
  });

  const byId = new Map(
    incidents.filter((i) => i.services.some((s) => nameOf.has(s))).map((i) => [i.id, i] as const),
  );
  const feed: PublicUpdate[] = updates
    .filter((u) => u.public === true && byId.has(u.incidentId) && Date.parse(u.at) <= nowMs)
    .filter((u) => Date.parse(u.at) >= firstDay)
    .map((u) => ({
      id: digest(u.incidentId, u.entryId),
      at: u.at,
      text: u.text,
      services: (byId.get(u.incidentId)?.services ?? [])
        .map((s) => nameOf.get(s))
        .filter((n): n is string => n !== undefined),
    }))
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id.localeCompare(b.id)))
    .slice(0, MAX_UPDATES);

  return {
    title: config?.title ?? "Service status",
    generatedAt: now.toISOString(),
    state: out.reduce<ServiceState>((s, svc) => worst(s, svc.state), "operational"),
    services: out,
    updates: feed,
  };
}

function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** An Atom feed (RFC 4287) of the summary's public updates; `base` is the page's absolute URL. */
export function atomFeed(summary: PublicSummary, base: string): string {
  const page = base.replace(/\/+$/, "");
  const updated = summary.updates[0]?.at ?? summary.generatedAt;
  const entries = summary.updates.map((u) => {
    const title = u.services.length ? `Update: ${u.services.join(", ")}` : "Update";
    return [
      "  <entry>",
      `    <id>urn:firebreak:status:${u.id}</id>`,
      `    <title>${xml(title)}</title>`,
      `    <updated>${xml(u.at)}</updated>`,
      `    <link rel="alternate" href="${xml(page)}"/>`,
      `    <content type="text">${xml(u.text)}</content>`,
      "  </entry>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xml(`${page}/feed.atom`)}</id>`,
    `  <title>${xml(summary.title)}</title>`,
    `  <updated>${xml(updated)}</updated>`,
    `  <link rel="self" href="${xml(`${page}/feed.atom`)}"/>`,
    `  <link rel="alternate" href="${xml(page)}"/>`,
    `  <author><name>${xml(summary.title)}</name></author>`,
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
