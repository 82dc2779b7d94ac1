/** The postmortem editor: Markdown with live preview and lint, saving on top of a version, conflicts shown. */
import { createLinter } from "@firebreak/core/postmortem/lint";
import type { LintFinding } from "@firebreak/core/postmortem/types";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ApiError, getJson, send } from "../api";
import { useDraft } from "../draft";
import type { PostmortemDoc } from "../types";
import { type Notice, NoticeBox } from "./common";
import { LintList, pmPath, Rendered, VIEWER_REASON } from "./postmortem-common";
import { DiffView } from "./postmortem-diff";

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

interface Conflict {
  /** The version the edit started from, and the one on the server now. */
  from: { version: number; markdown: string };
  to: { version: number; markdown: string };
}

const RELEASE_LABEL: Record<string, string> = {
  suspected: "suspected, to confirm",
  yes: "yes",
  no: "no",
  unknown: "unknown",
};

/** The editor: Markdown, live preview, live lint; saves on top of `base`, and says what changed on a 409. */
export function Editor({
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
