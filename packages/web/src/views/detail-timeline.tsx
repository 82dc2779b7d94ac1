/** The incident's timeline (its own entries and those of incidents merged into it) and who did what. */
import { useState } from "preact/hooks";
import { formatTime } from "../format";
import {
  byMinuteNewestFirst,
  kindInfo,
  shownUnder,
  TIMELINE_FILTERS,
  type TimelineFilter,
} from "../timeline";
import type { IncidentDetail } from "../types";

/** Who a timeline entry is by, as people read it. */
export function actorName(actor: { type: string; id: string; name?: string }): string {
  return actor.name ?? (actor.type === "system" ? "Firebreak" : `${actor.type}:${actor.id}`);
}

/**
 * The timeline, newest first, grouped by minute, each kind by its label and icon (never its raw
 * name); paging noise is hidden unless asked for. With `merged`, the entries of the incidents merged
 * into this one are interleaved, each marked with its incident's key.
 */
export function Timeline({
  entries,
  merged = [],
  keys = new Map(),
}: {
  entries: IncidentDetail["timeline"];
  merged?: IncidentDetail["timeline"];
  keys?: Map<string, string>;
}) {
  const [filter, setFilter] = useState<TimelineFilter>("default");
  const all = merged.length ? [...entries, ...merged] : entries;
  const shown = all.filter((e) => shownUnder(e, filter));
  const groups = byMinuteNewestFirst(shown);
  return (
    <section aria-labelledby="timeline-title" class="card">
      <div class="heading-row">
        <h2 id="timeline-title">Timeline</h2>
        <fieldset class="segmented">
          <legend class="visually-hidden">Show in the timeline</legend>
          {TIMELINE_FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              class="ghost"
              aria-pressed={filter === f.value}
              onClick={() => setFilter(f.value)}
            >
              {f.label}
            </button>
          ))}
        </fieldset>
      </div>
      <p class="muted">
        Newest first. {shown.length} of {all.length} entries
        {filter === "default" && shown.length < all.length
          ? " (paging hidden: choose All or Paging to see it)"
          : ""}
        .
      </p>
      {all.length === 0 ? <p class="muted">Nothing recorded yet.</p> : null}
      <ol class="timeline">
        {groups.map((group) => (
          <li key={group.minute} class="minute">
            <time class="minute-time" dateTime={group.at}>
              {formatTime(group.at)}
            </time>
            <ol>
              {group.entries.map((entry) => {
                const info = kindInfo(entry.kind);
                return (
                  <li key={entry.id} data-kind={entry.kind} data-group={info.group}>
                    <div class="meta">
                      <time dateTime={entry.at}>{formatTime(entry.at)}</time>
                      {entry.incidentId && keys.has(entry.incidentId) ? (
                        <span class="badge" title="from an incident merged into this one">
                          {keys.get(entry.incidentId)}
                        </span>
                      ) : null}
                      <span class="kind" title={entry.kind}>
                        <span aria-hidden="true">{info.icon}</span> {info.label}
                      </span>
                      <span class="actor">{actorName(entry.actor)}</span>
                      {entry.kind === "incident.update_posted" && entry.data.temporary === true ? (
                        <span class="badge warn">temporary</span>
                      ) : null}
                    </div>
                    <p class="text" dir="auto">
                      {entry.kind === "incident.update_posted" && typeof entry.data.text === "string"
                        ? entry.data.text
                        : entry.summary}
                    </p>
                  </li>
                );
              })}
            </ol>
          </li>
        ))}
      </ol>
    </section>
  );
}
