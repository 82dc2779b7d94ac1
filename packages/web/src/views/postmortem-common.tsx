/** Shared pieces of the postmortem page: its API path, the viewer's reason, rendered Markdown, lint findings. */
import type { LintFinding } from "@firebreak/core/postmortem/types";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../api";
import { renderMarkdown, splitFrontMatter } from "../markdown";

/** Why a viewer sees no editor (the API refuses their edit with 403 as well). */
export const VIEWER_REASON =
  "You are signed in as a viewer: only responders and admins can edit the postmortem.";

/** The postmortem's API path for incident `id`. */
export const pmPath = (id: string) => `${api.incident(id)}/postmortem`;

/** The Markdown, rendered into a DOM fragment (escaped, safe links only, then DOMPurify). */
export function Rendered({ markdown }: { markdown: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.replaceChildren(renderMarkdown(splitFrontMatter(markdown).body));
  }, [markdown]);
  return <div class="markdown card" ref={ref} />;
}

/** Lint findings (blameless wording), each with its line; `onPick` selects it in the editor. */
export function LintList({
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
