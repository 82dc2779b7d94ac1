/** The incident detail page's header: title, facts, alarm(s) and their context, paging state, latest update. */
import { formatAge, formatTime, incidentAge } from "../format";
import { Link } from "../router";
import { escalationState, latestUpdate } from "../timeline";
import type { AlarmContext, IncidentDetail, Page } from "../types";
import { ServiceLinks, SeverityBadge, StatusBadge } from "./common";
import { actorName } from "./detail-timeline";

/** The incident's title and facts; the paging state comes from its pages (null while loading). */
export function IncidentHeader({
  incident,
  pages,
  now,
}: {
  incident: IncidentDetail;
  pages: Page[] | null;
  now: number;
}) {
  const latest = latestUpdate(incident.timeline);
  const escalation = escalationState(incident.status, pages);
  return (
    <header class="incident-head">
      <h1 id="incident-title">
        <span class="key">{incident.key}</span>{" "}
        <span class="title" dir="auto">
          {incident.title}
        </span>
      </h1>
      <p class="facts">
        <SeverityBadge severity={incident.severity} /> <StatusBadge status={incident.status} />{" "}
        <span>
          {incident.resolvedAt ? "lasted" : "open for"}{" "}
          <time dateTime={incident.createdAt}>{incidentAge(incident, now)}</time>
        </span>
        {incident.services.length ? (
          <span>
            {" "}
            · service <ServiceLinks services={incident.services} />
          </span>
        ) : null}
        {incident.flapping ? <span class="badge warn">flapping</span> : null}
        {incident.reopens ? (
          <span class="badge warn" title={`last reopened ${incident.reopenedAt ?? ""}`}>
            reopened{incident.reopens > 1 ? ` ×${incident.reopens}` : ""}
          </span>
        ) : null}
      </p>
      {incident.alarm ? (
        <p>
          Alarm: <span class="alarm">{incident.alarm.name}</span>{" "}
          <span class="muted">
            ({incident.alarm.region}, account {incident.alarm.account})
          </span>
        </p>
      ) : null}
      {escalation ? (
        <p class="escalation-state">
          Paging {typeof escalation.level === "number" ? `level ${escalation.level}` : escalation.level} since{" "}
          <time dateTime={escalation.since}>{formatTime(escalation.since)}</time> (
          {formatAge(escalation.since, now)}
          ): nobody has acknowledged.
        </p>
      ) : null}
      {incident.alarm?.context ? <AlarmContextFacts context={incident.alarm.context} /> : null}
      {latest ? (
        <p class="latest-update">
          <strong>Latest update</strong>, <time dateTime={latest.at}>{formatAge(latest.at, now)} ago</time> by{" "}
          {actorName(latest.actor)}:{" "}
          <span dir="auto">{typeof latest.data.text === "string" ? latest.data.text : latest.summary}</span>
        </p>
      ) : null}
      {incident.alarms && incident.alarms.length > 1 ? (
        <section class="alarms" aria-label="Alarms of this incident">
          <p>
            {incident.alarms.length} alarms
            {incident.allClear ? " · all clear" : ""}:
          </p>
          <ul>
            {incident.alarms.map((a) => (
              <li key={a.arn} data-state={a.state}>
                <span class="alarm">{a.name}</span>{" "}
                <span class={`badge ${a.state === "ALARM" ? "warn" : ""}`}>{a.state}</span>
                {a.role === "grouped" ? <span class="muted"> (grouped)</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {incident.mergedInto ? (
        <p class="notice merged" role="note">
          Merged into{" "}
          <Link href={`/incidents/INC-${incident.mergedInto.number}`}>
            INC-{incident.mergedInto.number} {incident.mergedInto.title}
          </Link>
          : follow it there.
        </p>
      ) : null}
      {incident.description ? (
        <p class="description" dir="auto">
          {incident.description}
        </p>
      ) : null}
      {incident.summary ? (
        <p class="description" dir="auto">
          Resolution: {incident.summary}
        </p>
      ) : null}
    </header>
  );
}

/** Only http(s) URLs become links (the API sends no other; this is the browser's own check). */
function safeHref(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The alarm's crossing, metrics, composite children and links, under the incident's title. */
function AlarmContextFacts({ context }: { context: AlarmContext }) {
  const crossing = [
    context.value === undefined ? null : `value ${context.value}`,
    context.comparison ?? null,
    context.threshold === undefined ? null : `threshold ${context.threshold}`,
  ]
    .filter(Boolean)
    .join(" ");
  const links = [
    ...context.links,
    ...(context.consoleUrl ? [{ label: context.source ?? "CloudWatch alarm", url: context.consoleUrl }] : []),
  ];
  return (
    <dl class="alarm-context">
      {crossing ? (
        <>
          <dt>Crossing</dt>
          <dd class="crossing">{crossing}</dd>
        </>
      ) : null}
      {context.metrics.map((metric) => (
        <>
          <dt>Metric</dt>
          <dd class="metric">{metric}</dd>
        </>
      ))}
      {context.band ? (
        <>
          <dt>Band</dt>
          <dd>{context.band}</dd>
        </>
      ) : null}
      {context.composite ? (
        <>
          <dt>Rule</dt>
          <dd class="metric">{context.composite.rule}</dd>
          {context.composite.children.length ? (
            <>
              <dt>Triggered by</dt>
              <dd>
                {context.composite.children
                  .map((c) => `${c.name}${c.state ? ` (${c.state})` : ""}`)
                  .join(", ")}
              </dd>
            </>
          ) : null}
        </>
      ) : null}
      <dt>Links</dt>
      <dd class="alarm-links">
        {links.map((link, i) => {
          const href = safeHref(link.url);
          return (
            <>
              {i > 0 ? " · " : null}
              {href ? (
                <a href={href} target="_blank" rel="noopener noreferrer">
                  {link.label}
                </a>
              ) : (
                <span>{link.label}</span>
              )}
            </>
          );
        })}
      </dd>
    </dl>
  );
}
