import { createLinter } from "@firebreak/core/postmortem/lint";
import type { LintFinding } from "@firebreak/core/postmortem/types";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, api, apiUrl, getJson, send } from "../api";
import { type DiffGap, type DiffLine, diffLines, diffStats, withContext } from "../diff";
import { useDraft } from "../draft";
import { formatAge, formatTime } from "../format";
import { renderMarkdown, splitFrontMatter } from "../markdown";
import { useNow } from "../poll";
import { Link } from "../router";
import type { IncidentView, PostmortemDoc, PostmortemVersion } from "../types";
import { ActionItemsPanel } from "./action-items";
import { ErrorNote, type Notice, NoticeBox } from "./common";

/** Why a viewer sees no editor (the API refuses their edit with 403 as well). */
export const VIEWER_REASON =
  "You are signed in as a viewer: only responders and admins can edit the postmortem.";

const pmPath = (id: string) => `${api.incident(id)}/postmortem`;

/** The Markdown, rendered into a DOM fragment (escaped, safe links only, then DOMPurify). */
function Rendered({ markdown }: { markdown: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.replaceChildren(renderMarkdown(splitFrontMatter(markdown).body));
  }, [markdown]);
  return <div class="markdown card" ref={ref} />;
}

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

/** Where a finding starts in the text (its 1-based line and column). */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + column - 1);
}

function LintList({
  findings,
  onPick,
  title,
}: {
  findings: readonly LintFinding[];
  onPick?: (f: LintFinding) => void;
  title: string;
}) {
  if (findings.length === 0) return <p class="muted lint-none">{title}: none.</p>;
  return (
    <section class="lint" aria-label={title}>
      <h3>
        {title} ({findings.length})
      </h3>
      <ul>
        {findings.map((f) => (
          <li key={`${f.line}:${f.column}:${f.rule}`} class="lint-finding" data-rule={f.rule}>
            {onPick ? (
              <button type="button" class="ghost" onClick={() => onPick(f)}>
                Line {f.line}
              </button>
            ) : (
              <span>Line {f.line}</span>
            )}{" "}
            <strong>{f.message}</strong>
            {f.section ? <span class="muted"> (in “{f.section}”)</span> : null}
            <br />
            <span class="muted">{f.suggestion}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

interface Conflict {
  /** The version the edit started from, and the one on the server now. */
  from: { version: number; markdown: string };
  to: { version: number; markdown: string };
}

/** The editor: Markdown, live preview, live lint; saves on top of `base`, and says what changed on a 409. */
const RELEASE_LABEL: Record<string, string> = {
  suspected: "suspected, to confirm",
  yes: "yes",
  no: "no",
  unknown: "unknown",
};

function Editor({
  id,
  doc,
  onSaved,
  onClose,
}: {
  id: string;
  doc: PostmortemDoc;
  onSaved: (doc: PostmortemDoc) => void;
  onClose: () => void;
}) {
  const [draft, setDraft] = useDraft(`${id}:postmortem`);
  const [draftBase, setDraftBase] = useDraft(`${id}:postmortem-base`);
  // The version this edit starts from, with its Markdown (to say what changed on a conflict).
  const [base, setBase] = useState(() => {
    const kept = Number(draftBase);
    return draft && kept && kept !== doc.version ? null : { version: doc.version, markdown: doc.markdown };
  });
  const [text, setText] = useState(draft || doc.markdown);
  const [saving, setSaving] = useState(false);
  /** The person's answer on release involvement; "" leaves it as it is. */
  const [release, setRelease] = useState("");
  const [notice, setNotice] = useState<Notice | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  // A draft kept from before a sign-in, started on an older version: fetch that version to diff against.
  useEffect(() => {
    if (base) return;
    const kept = Number(draftBase);
    getJson<PostmortemDoc>(`${pmPath(id)}/versions/${kept}`).then(
      (old) => {
        setBase({ version: doc.version, markdown: doc.markdown });
        setConflict({
          from: { version: kept, markdown: old.markdown },
          to: { version: doc.version, markdown: doc.markdown },
        });
      },
      () => setBase({ version: doc.version, markdown: doc.markdown }),
    );
  }, []);

  const names = useMemo(
    () => (doc.metadata.responders ?? []).flatMap((r) => (r.person_name ? [r.person_name] : [])),
    [doc.metadata.responders],
  );
  const linter = useMemo(() => createLinter({ names }), [names]);
  const findings = useMemo(() => linter.lintMarkdown(text), [linter, text]);
  const changed = base !== null && (text !== base.markdown || release !== "");
  const involved = doc.metadata.release_involved as { value?: string; references?: string[] } | undefined;

  const edit = (value: string) => {
    setText(value);
    setDraft(value === base?.markdown ? "" : value);
    setDraftBase(value === base?.markdown ? "" : String(base?.version ?? doc.version));
  };
  const forget = () => {
    setDraft("");
    setDraftBase("");
  };

  const pick = (f: LintFinding) => {
    const el = area.current;
    if (!el) return;
    const start = offsetOf(text, f.line, f.column);
    el.focus();
    el.setSelectionRange(start, start + f.match.length);
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!base || saving) return;
    setSaving(true);
    setNotice(null);
    try {
      const saved = await send<PostmortemDoc>("PUT", pmPath(id), {
        markdown: text,
        baseVersion: base.version,
        ...(release ? { releaseInvolved: release } : {}),
      });
      setRelease("");
      forget();
      setConflict(null);
      setBase({ version: saved.version, markdown: saved.markdown });
      const n = saved.lint?.length ?? 0;
      setNotice({
        kind: "ok",
        text: `Saved as version ${saved.version}.${n ? ` ${n} wording suggestion${n === 1 ? "" : "s"} to review.` : ""}`,
      });
      onSaved(saved);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        // Someone saved first: show what they changed since the version this edit started from,
        // keep the text typed here, and let the next save go on top of their version.
        try {
          const current = await getJson<PostmortemDoc>(pmPath(id));
          setConflict({
            from: base,
            to: { version: current.version, markdown: current.markdown },
          });
          setBase({ version: current.version, markdown: current.markdown });
          setDraftBase(String(current.version));
          onSaved(current);
          setNotice({
            kind: "conflict",
            text: `Someone else saved version ${current.version} while you were editing version ${base.version}. Your text is kept: check what they changed (below), merge it into yours if needed, and save again on top of version ${current.version}.`,
          });
        } catch (reload) {
          setNotice({
            kind: "error",
            text: `${error.message} (and the current version could not be loaded: ${(reload as Error).message})`,
          });
        }
      } else if (error instanceof ApiError) {
        const p = error.problem;
        setNotice({
          kind: "error",
          text: error.status === 403 ? (p.detail ?? VIEWER_REASON) : (p.detail ?? p.title ?? error.message),
          details: p.issues?.map((i) => `${i.path}: ${i.message}`) ?? [],
        });
      } else setNotice({ kind: "error", text: (error as Error).message });
    } finally {
      setSaving(false);
      requestAnimationFrame(() => document.getElementById("pm-notice")?.focus());
    }
  };

  return (
    <form class="pm-editor card" aria-label="Edit the postmortem" onSubmit={save}>
      <h2>Edit the postmortem</h2>
      <p class="muted">
        Markdown. Editing version {base?.version ?? "…"}; saving makes a new version (the others are kept).
      </p>
      <NoticeBox notice={notice} id="pm-notice" />
      {conflict ? (
        <section class="note conflict pm-conflict" aria-label="What changed on the server">
          <DiffView
            before={conflict.from.markdown}
            after={conflict.to.markdown}
            label={`What changed on the server: version ${conflict.from.version} → ${conflict.to.version}`}
          />
          <DiffView
            before={conflict.to.markdown}
            after={text}
            label={`Your text against version ${conflict.to.version}`}
          />
        </section>
      ) : null}
      <div class="pm-panes">
        <div class="pm-pane">
          <label for="pm-text">Markdown</label>
          <textarea
            id="pm-text"
            ref={area}
            rows={28}
            spellcheck
            value={text}
            onInput={(e) => edit((e.target as HTMLTextAreaElement).value)}
          />
        </div>
        <div class="pm-pane">
          <h3>Preview</h3>
          <Rendered markdown={text} />
        </div>
      </div>
      <LintList findings={findings} onPick={pick} title="Wording suggestions (blameless language)" />
      {involved?.value ? (
        <p class="pm-release">
          <label for="pm-release">
            Release involved: now <strong>{RELEASE_LABEL[involved.value] ?? involved.value}</strong>
            {involved.references?.length ? ` (changes ${involved.references.join(", ")})` : ""}
          </label>{" "}
          <select
            id="pm-release"
            value={release}
            onChange={(e) => setRelease((e.target as HTMLSelectElement).value)}
          >
            <option value="">{involved.value === "suspected" ? "Confirm later" : "Leave as it is"}</option>
            <option value="yes">Yes, a release was involved</option>
            <option value="no">No release was involved</option>
            <option value="unknown">Unknown</option>
          </select>
        </p>
      ) : null}
      <p class="actions">
        <button type="submit" class="primary" disabled={saving || !base || !changed || text.trim() === ""}>
          {saving ? "Saving…" : conflict ? `Save on top of version ${base?.version ?? ""}` : "Save"}
        </button>{" "}
        <button
          type="button"
          onClick={() => {
            forget();
            onClose();
          }}
        >
          {changed ? "Discard changes" : "Close the editor"}
        </button>
        {!changed && base ? <span class="muted"> Nothing to save yet.</span> : null}
      </p>
    </form>
  );
}

/** The versions, newest first; one can be compared with the current version. */
function Versions({ id, doc }: { id: string; doc: PostmortemDoc }) {
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
