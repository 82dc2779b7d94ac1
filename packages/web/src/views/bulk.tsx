/**
 * Bulk acknowledge or resolve, for alarm storms: rows are selected in the incident list, the
 * action asks for confirmation (in the page: naming every incident, and a summary for resolve),
 * then goes to each incident one by one, conditioned on the status the list showed (the API's
 * `expectedStatus`): one that someone changed meanwhile is refused with a 409 and reported, never
 * overwritten.
 */
import { useRef, useState } from "preact/hooks";
import { ApiError, api } from "../api";
import type { IncidentView } from "../types";
import { type Notice, NoticeBox } from "./common";

export type BulkAction = "ack" | "resolve";

export interface BulkOutcome {
  done: IncidentView[];
  refused: { incident: IncidentView; why: string }[];
}

/** Runs `action` on each incident, in order, conditioned on the status each was seen in. */
export async function runBulk(
  action: BulkAction,
  incidents: readonly IncidentView[],
  summary?: string,
): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], refused: [] };
  for (const incident of incidents) {
    try {
      await api.transition(incident.id, action, incident.status, summary);
      outcome.done.push(incident);
    } catch (error) {
      const why =
        error instanceof ApiError && error.status === 409
          ? "someone changed it first"
          : error instanceof Error
            ? error.message
            : String(error);
      outcome.refused.push({ incident, why });
    }
  }
  return outcome;
}

const VERB: Record<BulkAction, { label: string; past: string }> = {
  ack: { label: "Acknowledge", past: "Acknowledged" },
  resolve: { label: "Resolve", past: "Resolved" },
};

export function noticeOf(action: BulkAction, outcome: BulkOutcome): Notice {
  const total = outcome.done.length + outcome.refused.length;
  const text = `${VERB[action].past} ${outcome.done.length} of ${total}.`;
  if (outcome.refused.length === 0) return { kind: "ok", text };
  return {
    kind: "conflict",
    text: `${text} ${outcome.refused.length} ${outcome.refused.length === 1 ? "was" : "were"} not:`,
    details: outcome.refused.map((r) => `${r.incident.key}: ${r.why}`),
  };
}

export function BulkBar({
  selected,
  onClear,
  onDone,
}: {
  selected: IncidentView[];
  onClear: () => void;
  onDone: () => Promise<void>;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [action, setAction] = useState<BulkAction>("ack");
  const [summary, setSummary] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const ackable = selected.filter((i) => i.status === "declared");
  const resolvable = selected.filter((i) => i.status !== "resolved");
  // What the confirmation names is what runs, even if the list refreshes meanwhile.
  const [targets, setTargets] = useState<IncidentView[]>([]);
  const ask = (a: BulkAction) => {
    setAction(a);
    setTargets(a === "ack" ? ackable : resolvable);
    setNotice(null);
    dialog.current?.showModal();
  };
  const confirm = async () => {
    dialog.current?.close();
    setBusy(true);
    try {
      const outcome = await runBulk(
        action,
        targets,
        action === "resolve" ? summary.trim() || undefined : undefined,
      );
      setNotice(noticeOf(action, outcome));
      setSummary("");
      onClear();
      await onDone();
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {selected.length > 0 ? (
        <div class="bulk-bar" role="toolbar" aria-label="Selected incidents">
          <span>{selected.length} selected</span>
          <button type="button" disabled={busy || ackable.length === 0} onClick={() => ask("ack")}>
            Acknowledge {ackable.length}
          </button>
          <button
            type="button"
            class="danger"
            disabled={busy || resolvable.length === 0}
            onClick={() => ask("resolve")}
          >
            Resolve {resolvable.length}
          </button>
          <button type="button" class="ghost" disabled={busy} onClick={onClear}>
            Clear selection
          </button>
        </div>
      ) : null}
      <NoticeBox notice={notice} />
      <dialog ref={dialog} class="shortcuts" aria-labelledby="bulk-title">
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <h2 id="bulk-title">
            {VERB[action].label} {targets.length} incident{targets.length === 1 ? "" : "s"}?
          </h2>
          <p>{targets.map((i) => `${i.key} ${i.title}`).join("; ")}</p>
          <p class="muted">
            Each goes only if it is still {action === "ack" ? "declared" : "in the status shown"}: one that
            someone changed meanwhile is left as it is and named.
          </p>
          {action === "resolve" ? (
            <label>
              Resolution summary
              <input
                type="text"
                dir="auto"
                maxLength={2000}
                required
                value={summary}
                onInput={(e) => setSummary((e.target as HTMLInputElement).value)}
              />
            </label>
          ) : null}
          <p>
            <button type="submit" class={action === "resolve" ? "danger" : "primary"}>
              {VERB[action].label} {targets.length}
            </button>{" "}
            <button type="button" class="ghost" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </p>
        </form>
      </dialog>
    </>
  );
}
