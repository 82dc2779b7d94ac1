/** The postmortem page: the drafted postmortem, rendered, editable by responders, with its versions. */
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, apiUrl, getJson } from "../api";
import { useDraft } from "../draft";
import { splitFrontMatter } from "../markdown";
import { Link } from "../router";
import type { IncidentView, PostmortemDoc } from "../types";
import { ActionItemsPanel } from "./action-items";
import { ErrorNote } from "./common";
import { LintList, pmPath, Rendered, VIEWER_REASON } from "./postmortem-common";
import { Versions } from "./postmortem-diff";
import { Editor } from "./postmortem-editor";

/** The drafted postmortem, rendered, editable by responders; it is written right after resolve, so a 404 is retried. */
export function PostmortemView({ id, canAct = false }: { id: string; canAct?: boolean }) {
  const [doc, setDoc] = useState<PostmortemDoc | null>(null);
  const [incident, setIncident] = useState<IncidentView | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  // A draft kept in this tab (e.g. across a sign-in) reopens the editor.
  const [kept] = useDraft(`${id}:postmortem`);
  const [editing, setEditing] = useState(canAct && kept !== "");

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    getJson<IncidentView>(api.incident(id)).then(
      (value) => !stopped && setIncident(value),
      () => undefined,
    );
    const load = async () => {
      try {
        const value = await getJson<PostmortemDoc>(pmPath(id));
        if (stopped) return;
        setDoc(value);
        setWaiting(false);
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 409)) {
          setWaiting(true);
          timer = setTimeout(load, 2000);
        } else setError(e as Error);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);

  const parts = doc ? splitFrontMatter(doc.markdown) : null;
  const base = apiUrl(pmPath(id));
  return (
    <article aria-labelledby="pm-title" class="postmortem">
      <p>
        <Link href={`/incidents/${id}`}>← Back to the incident</Link>
      </p>
      <div class="heading-row">
        <h1 id="pm-title">
          Postmortem{incident ? ` · ${incident.key}` : ""}
          {incident ? (
            <span class="title" dir="auto">
              {" "}
              {incident.title}
            </span>
          ) : null}
        </h1>
        {doc ? (
          <p class="downloads">
            <a class="button" href={`${base}.md`} download>
              Download .md
            </a>{" "}
            <a class="button" href={`${base}.json`} download>
              Download .json
            </a>
          </p>
        ) : null}
      </div>
      <ErrorNote error={error} />
      {waiting ? (
        <p aria-live="polite">
          The postmortem draft is not ready yet (it is written when the incident is resolved). Checking again…
        </p>
      ) : null}
      {!doc && !waiting && !error ? <p aria-live="polite">Loading the postmortem…</p> : null}
      {doc ? (
        <div class="pm-toolbar">
          <p class="muted">
            Version {doc.version} ({doc.origin === "human" ? "edited" : "generated draft"})
          </p>
          {canAct ? (
            editing ? null : (
              <button type="button" class="primary" onClick={() => setEditing(true)}>
                Edit the postmortem
              </button>
            )
          ) : (
            <p class="note pm-readonly">
              <button type="button" disabled aria-describedby="pm-readonly-reason">
                Edit the postmortem
              </button>{" "}
              <span id="pm-readonly-reason">{VIEWER_REASON}</span>
            </p>
          )}
        </div>
      ) : null}
      {doc && canAct && editing ? (
        <Editor id={id} doc={doc} onSaved={setDoc} onClose={() => setEditing(false)} />
      ) : null}
      {doc && !editing ? (
        <LintList findings={doc.lint ?? []} title="Wording suggestions in this version" />
      ) : null}
      {parts?.frontMatter ? (
        <details class="card">
          <summary>Front matter (machine-readable metadata)</summary>
          <pre class="front-matter">{parts.frontMatter}</pre>
        </details>
      ) : null}
      {doc && !editing ? <Rendered markdown={doc.markdown} /> : null}
      {doc ? <Versions id={id} doc={doc} /> : null}
      {doc ? <ActionItemsPanel incidentId={id} canAct={canAct} /> : null}
    </article>
  );
}
