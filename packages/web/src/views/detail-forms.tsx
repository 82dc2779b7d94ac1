/** The incident detail page's small forms: changing the severity, and posting a status update. */
import { useState } from "preact/hooks";
import { useDraft } from "../draft";
import { Choices } from "./common";

const SEVERITY_CHOICES = ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"] as const;

/**
 * Change the severity: raising it to a high-urgency severity pages the high-urgency way from then
 * on; lowering it needs a reason (the API refuses it without one, and the form says so first).
 */
export function SeverityForm(props: {
  current: string;
  disabled: boolean;
  onChange: (severity: string, reason?: string) => Promise<boolean>;
}) {
  const [severity, setSeverity] = useState(props.current);
  const [reason, setReason] = useState("");
  const lowering =
    SEVERITY_CHOICES.indexOf(severity as never) > SEVERITY_CHOICES.indexOf(props.current as never);
  return (
    <form
      class="inline"
      aria-label="Change severity"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onChange(severity, reason.trim() || undefined).then((ok) => {
          if (ok) setReason("");
        });
      }}
    >
      <label for="severity-choice">Severity</label>
      <Choices id="severity-choice" value={severity} choices={SEVERITY_CHOICES} onChange={setSeverity} />
      <label for="severity-reason" class="visually-hidden">
        Reason {lowering ? "(required when lowering)" : "(optional)"}
      </label>
      <input
        id="severity-reason"
        type="text"
        dir="auto"
        maxLength={500}
        required={lowering}
        placeholder={lowering ? "Reason (required when lowering)" : "Reason (optional)"}
        value={reason}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
      />
      <button type="submit" disabled={props.disabled || severity === props.current}>
        Change severity
      </button>
    </form>
  );
}

/** A status update for stakeholders (temporary mitigation, public), kept as a draft while typed. */
export function UpdateForm({
  incidentId,
  disabled,
  onPost,
}: {
  incidentId: string;
  disabled: boolean;
  /** `posted` forgets the draft: called as soon as the update is stored. */
  onPost: (text: string, temporary: boolean, isPublic: boolean, posted: () => void) => Promise<boolean>;
}) {
  // Kept while typed: a session that expires meanwhile does not lose it (draft.ts).
  const [text, setText] = useDraft(`${incidentId}:update`);
  const [temporary, setTemporary] = useState(false);
  const [isPublic, setPublic] = useState(false);
  return (
    <form
      class="card update-form"
      aria-labelledby="update-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!text.trim()) return;
        await onPost(text.trim(), temporary, isPublic, () => {
          setText("");
          setTemporary(false);
          setPublic(false);
        });
      }}
    >
      <h2 id="update-title">Post a status update</h2>
      <label for="update-text">Update for stakeholders</label>
      <textarea
        dir="auto"
        id="update-text"
        rows={3}
        maxLength={4000}
        value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
        required
      />
      <label class="check">
        <input
          type="checkbox"
          checked={temporary}
          onChange={(e) => setTemporary((e.target as HTMLInputElement).checked)}
        />
        Temporary mitigation (to be rolled back later)
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={isPublic}
          onChange={(e) => setPublic((e.target as HTMLInputElement).checked)}
        />
        Public: show on the status page
      </label>
      <button type="submit" disabled={disabled || !text.trim()}>
        Post update
      </button>
    </form>
  );
}
