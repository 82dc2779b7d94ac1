/** What is related to an incident: changes before it, incidents merged into or linked to it, merging it. */
import { useState } from "preact/hooks";
import { formatTime } from "../format";
import { Link } from "../router";
import type { Change, IncidentDetail } from "../types";
import { NoteField, useTargetForm } from "./common";

/** INC-n as people type it (inc-7, 7, INC-7) → INC-7; undefined when it is not one. */
export function incidentKeyOf(text: string): string | undefined {
  const m = /^(?:inc-?)?(\d{1,9})$/i.exec(text.trim());
  return m && Number(m[1]) > 0 ? `INC-${Number(m[1])}` : undefined;
}

/** "Merge into INC-n": this incident is a duplicate of that one. */
export function MergeForm(props: {
  disabled: boolean;
  onMerge: (into: string, reason?: string) => Promise<boolean>;
}) {
  const { target: into, setTarget: setInto, note, setNote, onSubmit } = useTargetForm(props.onMerge);
  const key = incidentKeyOf(into);
  return (
    <form class="inline" aria-label="Merge into another incident" onSubmit={onSubmit(key)}>
      <label for="merge-into">Duplicate of</label>
      <input
        id="merge-into"
        type="text"
        dir="auto"
        inputMode="numeric"
        placeholder="INC-7"
        size={8}
        maxLength={14}
        value={into}
        aria-invalid={into.trim() !== "" && !key}
        onInput={(e) => setInto((e.target as HTMLInputElement).value)}
      />
      <NoteField id="merge-reason" label="Why (optional)" value={note} onInput={setNote} />
      <button
        type="submit"
        disabled={props.disabled || !key}
        title="Resolve this incident as a duplicate: its pages stop, its alarms follow"
      >
        Merge into it
      </button>
    </form>
  );
}

const CHANGE_SOURCES: Record<Change["source"], string> = {
  api: "recorded",
  pagerduty: "PagerDuty",
  codedeploy: "CodeDeploy",
  ecs: "ECS",
  cloudformation: "CloudFormation",
};

/** What changed on its services in the two hours before it started (deploys first suspects). */
export function ChangesCard({ changes }: { changes: Change[] }) {
  return (
    <section aria-labelledby="changes-title" class="card">
      <h2 id="changes-title">Changes before it started</h2>
      {changes.length === 0 ? (
        <p class="muted">No changes recorded to its services in the 2 hours before it started.</p>
      ) : (
        <ul class="related" aria-label="Changes before it started">
          {changes.map((change) => (
            <li key={change.id}>
              <time dateTime={change.at}>{formatTime(change.at)}</time> <strong>{change.service}</strong>{" "}
              {change.link ? (
                <a href={change.link} rel="noopener noreferrer" target="_blank">
                  {change.summary}
                </a>
              ) : (
                change.summary
              )}{" "}
              <span class="muted">
                ({CHANGE_SOURCES[change.source] ?? change.source}
                {change.recordedBy ? ` by ${change.recordedBy.name ?? change.recordedBy.id}` : ""})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The incidents merged into this one, and related incidents (link, unlink). */
export function RelatedCard(props: {
  incident: IncidentDetail;
  canAct: boolean;
  busy: boolean;
  onLink: (other: string, reason?: string) => Promise<boolean>;
  onUnlink: (other: string) => Promise<boolean>;
}) {
  const { incident } = props;
  const [other, setOther] = useState("");
  const key = incidentKeyOf(other);
  const merged = incident.merged ?? [];
  const links = incident.links ?? [];
  if (!props.canAct && merged.length === 0 && links.length === 0) return null;
  const refLink = (r: { number: number; title: string }) => (
    <Link href={`/incidents/INC-${r.number}`}>
      INC-{r.number} {r.title}
    </Link>
  );
  return (
    <section aria-labelledby="related-title" class="card">
      <h2 id="related-title">Related incidents</h2>
      {merged.length ? (
        <>
          <h3>Merged into this incident</h3>
          <ul class="related" aria-label="Merged into this incident">
            {merged.map((m) => (
              <li key={m.id}>
                {refLink(m)} <span class="muted">merged {formatTime(m.at)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {links.length ? (
        <ul class="related" aria-label="Linked incidents">
          {links.map((l) => (
            <li key={l.id}>
              {refLink(l)}{" "}
              {props.canAct ? (
                <button
                  type="button"
                  class="link"
                  disabled={props.busy}
                  aria-label={`Unlink INC-${l.number}`}
                  onClick={() => void props.onUnlink(`INC-${l.number}`)}
                >
                  Unlink
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No linked incidents.</p>
      )}
      {props.canAct ? (
        <form
          class="inline"
          aria-label="Link an incident"
          onSubmit={(e) => {
            e.preventDefault();
            if (key) void props.onLink(key).then((ok) => ok && setOther(""));
          }}
        >
          <label for="link-other">Link</label>
          <input
            id="link-other"
            type="text"
            dir="auto"
            placeholder="INC-3"
            size={8}
            maxLength={14}
            value={other}
            aria-invalid={other.trim() !== "" && !key}
            onInput={(e) => setOther((e.target as HTMLInputElement).value)}
          />
          <button type="submit" disabled={props.busy || !key}>
            Link
          </button>
        </form>
      ) : null}
    </section>
  );
}
