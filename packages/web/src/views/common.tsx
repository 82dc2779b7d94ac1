import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../api";
import { formatAge, formatTime } from "../format";
import type { Outage } from "../poll";
import { Link } from "../router";
import type { IncidentStatus, Severity } from "../types";

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span class={`badge sev sev-${severity.toLowerCase()}`}>{severity}</span>;
}

const STATUS_LABEL: Record<IncidentStatus, string> = {
  declared: "Declared",
  acknowledged: "Acknowledged",
  mitigated: "Mitigated",
  resolved: "Resolved",
};

export function StatusBadge({ status }: { status: IncidentStatus }) {
  return <span class={`badge status status-${status}`}>{STATUS_LABEL[status] ?? status}</span>;
}

export function ErrorNote({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p class="note error" role="alert">
      {error.message}
    </p>
  );
}

/** What a write said: done, or why not (the field paths of a 400 as details). */
export type Notice = { kind: "ok" | "error" | "conflict"; text: string; details?: string[] };

/** A failed write as a notice: the problem's detail and each field it names. */
export function errorNotice(error: unknown): Notice {
  if (error instanceof ApiError) {
    const issues = error.problem.issues?.map((i) => `${i.path}: ${i.message}`) ?? [];
    return { kind: "error", text: error.problem.detail ?? error.message, details: issues };
  }
  return { kind: "error", text: (error as Error).message };
}

/** A write's outcome, announced (status for success, alert otherwise). */
export function NoticeBox({ notice, id }: { notice: Notice | null; id?: string }) {
  if (!notice) return null;
  return (
    <div
      class={`note ${notice.kind}`}
      role={notice.kind === "ok" ? "status" : "alert"}
      id={id}
      tabIndex={id ? -1 : undefined}
    >
      <p>{notice.text}</p>
      {notice.details?.length ? (
        <ul>
          {notice.details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Why writes are disabled while the API is down (shown beside the disabled actions). */
export const OUTAGE_REASON = "Firebreak is not answering: actions are disabled until it does.";

/**
 * The API is down for this view: since when, how old what is shown is, when the next retry is
 * (with a button to retry now). The first line is announced once; the countdown is not.
 */
export function OutageBanner({
  outage,
  checkedAt,
  now,
  onRetry,
}: {
  outage: Outage | null;
  checkedAt: number | null;
  now: number;
  onRetry: () => void;
}) {
  if (!outage) return null;
  const since = new Date(outage.since).toISOString();
  const wait = Math.max(0, Math.ceil((outage.retryAt - now) / 1000));
  return (
    <div class="outage-banner" data-testid="outage">
      <p role="alert">
        <strong>Firebreak is not answering</strong> since <time dateTime={since}>{formatTime(since)}</time>.{" "}
        {checkedAt ? "What you see may be out of date" : "Nothing could be loaded yet"}; actions are disabled
        until it answers.
      </p>
      <p class="muted">
        {outage.error instanceof ApiError
          ? `The API answered ${outage.error.status} (${outage.error.message})`
          : "The API cannot be reached"}{" "}
        · {formatAge(since, now)} ago
        {checkedAt ? ` · last confirmed ${formatTime(new Date(checkedAt).toISOString())}` : ""} ·{" "}
        {wait > 0 ? `retrying in ${wait} s` : "retrying now"}{" "}
        <button type="button" class="ghost" onClick={onRetry}>
          Retry now
        </button>
      </p>
    </div>
  );
}

/** Service names, each a link to its service page. */
export function ServiceLinks({ services }: { services: readonly string[] }) {
  return (
    <>
      {services.map((s, i) => (
        <span key={s}>
          {i > 0 ? ", " : ""}
          <Link href={`/services/${encodeURIComponent(s)}`}>{s}</Link>
        </span>
      ))}
    </>
  );
}

/**
 * What `load` answers, reloaded whenever one of `deps` changes: `[value, failure]`, the value null
 * until it arrives, the failure's message while the last load failed (the last value is kept).
 */
export function useLoaded<T>(load: () => Promise<T>, deps: unknown[]): [T | null, string | null] {
  const [value, setValue] = useState<T | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    load().then(
      (loaded) => {
        setValue(loaded);
        setFailed(null);
      },
      (e: Error) => setFailed(e.message),
    );
  }, deps);
  return [value, failed];
}

/** A table's column headings; `{ hidden }` is a column named for screen readers only. */
export function TableHead({ columns }: { columns: readonly (string | { hidden: string })[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === "string" ? (
            <th key={column} scope="col">
              {column}
            </th>
          ) : (
            <th key={column.hidden} scope="col">
              <span class="visually-hidden">{column.hidden}</span>
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/**
 * An inline form's state: what it acts on (`target`) and an optional note. `onSubmit` sends the
 * valid target (`valid`: undefined while there is none) and the trimmed note, and clears both once
 * `send` says it succeeded.
 */
export function useTargetForm(send: (target: string, note?: string) => Promise<boolean>) {
  const [target, setTarget] = useState("");
  const [note, setNote] = useState("");
  const onSubmit = (valid: string | undefined) => (e: Event) => {
    e.preventDefault();
    if (!valid) return;
    void send(valid, note.trim() || undefined).then((ok) => {
      if (ok) {
        setTarget("");
        setNote("");
      }
    });
  };
  return { target, setTarget, note, setNote, onSubmit };
}

/** The optional free-text field of an inline form (its label read by screen readers only). */
export function NoteField(props: {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
}) {
  return (
    <>
      <label for={props.id} class="visually-hidden">
        {props.label}
      </label>
      <input
        id={props.id}
        type="text"
        dir="auto"
        maxLength={500}
        placeholder={props.label}
        value={props.value}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
    </>
  );
}

/** A select of plain choices (each its own label), after an optional empty one (e.g. "All"). */
export function Choices(props: {
  id?: string;
  value: string;
  choices: readonly string[];
  empty?: string;
  onChange: (value: string) => void;
}) {
  return (
    <select
      {...(props.id ? { id: props.id } : {})}
      value={props.value}
      onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
    >
      {props.empty === undefined ? null : <option value="">{props.empty}</option>}
      {props.choices.map((choice) => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </select>
  );
}
