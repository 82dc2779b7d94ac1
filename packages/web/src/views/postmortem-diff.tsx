/** Comparing postmortem versions: a line diff, and the list of versions with one compared to the current. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { getJson } from "../api";
import { type DiffGap, type DiffLine, diffLines, diffStats, withContext } from "../diff";
import { formatAge, formatTime } from "../format";
import { useNow } from "../poll";
import type { PostmortemDoc, PostmortemVersion } from "../types";
import { ErrorNote } from "./common";
import { pmPath } from "./postmortem-common";

/** A line diff, changed lines with two lines of context; the rest folded. */
export function DiffView({ before, after, label }: { before: string; after: string; label: string }) {
  const diff = useMemo(() => diffLines(before, after), [before, after]);
  const shown = useMemo(() => withContext(diff), [diff]);
  const { added, removed } = diffStats(diff);
  if (shown.length === 0) return <p class="muted">{label}: no differences.</p>;
  return (
    <figure class="diff-figure">
      <figcaption>
        {label}: <span class="diff-add-count">+{added}</span> <span class="diff-del-count">−{removed}</span>
      </figcaption>
      <pre class="diff">
        {shown.map((line: DiffLine | DiffGap, k) =>
          line.op === "gap" ? (
            <span class="diff-gap" key={`g${k}`}>
              {`… ${line.lines} unchanged line${line.lines === 1 ? "" : "s"}\n`}
            </span>
          ) : line.op === "add" ? (
            <ins key={`a${k}`} class="diff-add" data-line={line.newLine}>
              <span class="visually-hidden">added: </span>
              {`+ ${line.text}\n`}
            </ins>
          ) : line.op === "del" ? (
            <del key={`d${k}`} class="diff-del" data-line={line.oldLine}>
              <span class="visually-hidden">removed: </span>
              {`- ${line.text}\n`}
            </del>
          ) : (
            <span key={`s${k}`} class="diff-same">{`  ${line.text}\n`}</span>
          ),
        )}
      </pre>
    </figure>
  );
}

/** The versions, newest first; one can be compared with the current version. */
export function Versions({ id, doc }: { id: string; doc: PostmortemDoc }) {
  const now = useNow();
  const [chosen, setChosen] = useState<number | null>(null);
  const [old, setOld] = useState<PostmortemDoc | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const versions = [...(doc.versions ?? [])].sort((a, b) => b.version - a.version);
  useEffect(() => {
    if (chosen === null) return;
    let stopped = false;
    setOld(null);
    setError(null);
    getJson<PostmortemDoc>(`${pmPath(id)}/versions/${chosen}`).then(
      (value) => !stopped && setOld(value),
      (e: Error) => !stopped && setError(e),
    );
    return () => {
      stopped = true;
    };
  }, [chosen, id]);
  if (versions.length === 0) return null;
  const describe = (v: PostmortemVersion) =>
    `${v.origin === "human" ? "edited" : "generated"}${v.basedOnVersion ? `, based on version ${v.basedOnVersion}` : ""}`;
  return (
    <section class="card pm-versions" aria-labelledby="pm-versions-title">
      <h2 id="pm-versions-title">Versions ({versions.length})</h2>
      <ol>
        {versions.map((v) => (
          <li key={v.version} data-version={v.version}>
            <strong>Version {v.version}</strong> {describe(v)},{" "}
            <time dateTime={v.createdAt}>{formatTime(v.createdAt)}</time>{" "}
            <span class="muted">({formatAge(v.createdAt, now)} ago)</span>
            {v.version === doc.version ? (
              <span class="badge">current</span>
            ) : (
              <button
                type="button"
                class="ghost"
                aria-pressed={chosen === v.version}
                onClick={() => setChosen(chosen === v.version ? null : v.version)}
              >
                {chosen === v.version ? "Hide the changes" : `Compare version ${v.version} with the current`}
              </button>
            )}
          </li>
        ))}
      </ol>
      <ErrorNote error={error} />
      {chosen !== null && old && old.version === chosen ? (
        <DiffView
          before={old.markdown}
          after={doc.markdown}
          label={`Changes from version ${chosen} to the current version ${doc.version}`}
        />
      ) : chosen !== null && !error ? (
        <p aria-live="polite">Loading version {chosen}…</p>
      ) : null}
    </section>
  );
}
