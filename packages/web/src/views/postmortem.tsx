import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, apiUrl, getJson } from "../api";
import { renderMarkdown, splitFrontMatter } from "../markdown";
import { Link } from "../router";
import type { IncidentView, PostmortemDoc } from "../types";
import { ErrorNote } from "./common";

/** The drafted postmortem, rendered; it is written right after resolve, so a 404 is retried. */
export function PostmortemView({ id }: { id: string }) {
  const [doc, setDoc] = useState<PostmortemDoc | null>(null);
  const [incident, setIncident] = useState<IncidentView | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const body = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    getJson<IncidentView>(api.incident(id)).then(
      (value) => !stopped && setIncident(value),
      () => undefined,
    );
    const load = async () => {
      try {
        const value = await getJson<PostmortemDoc>(`${api.incident(id)}/postmortem`);
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
  useEffect(() => {
    if (parts && body.current) body.current.replaceChildren(renderMarkdown(parts.body));
  }, [doc]);

  const base = apiUrl(`${api.incident(id)}/postmortem`);
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
      {parts?.frontMatter ? (
        <details class="card">
          <summary>Front matter (machine-readable metadata)</summary>
          <pre class="front-matter">{parts.frontMatter}</pre>
        </details>
      ) : null}
      <div class="markdown card" ref={body} hidden={!doc} />
    </article>
  );
}
