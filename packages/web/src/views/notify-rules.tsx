import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { formatTime } from "../format";
import type { ContactMethod, NotifyRules, NotifyRulesView, NotifyStep, Person } from "../types";
import { errorNotice, type Notice, NoticeBox } from "./common";
import { ContactMethods } from "./contact-methods";

const METHODS: { method: ContactMethod; label: string; needs: "slack" | "phone" }[] = [
  { method: "slack", label: "Slack DM", needs: "slack" },
  { method: "sms", label: "SMS", needs: "phone" },
  { method: "voice", label: "Phone call", needs: "phone" },
];
const URGENCIES = [
  { key: "high", label: "High urgency (SEV1–2 by default, and pages asked for by name)" },
  { key: "low", label: "Low urgency" },
] as const;
const SOURCE = {
  personal: "their own",
  directory: "from the on-call directory",
  default: "Firebreak's default",
};

/** One cell of the form: whether a method is a step, and its minutes. */
type Row = { on: boolean; minutes: string };
type Form = Record<"high" | "low", Record<ContactMethod, Row>>;

function formOf(rules: NotifyRules): Form {
  const rows = (steps: NotifyStep[]) =>
    Object.fromEntries(
      METHODS.map(({ method }) => {
        const step = steps.find((s) => s.method === method);
        return [method, { on: Boolean(step), minutes: String(step?.delayMinutes ?? 0) }];
      }),
    ) as Record<ContactMethod, Row>;
  return { high: rows(rules.high), low: rows(rules.low) };
}

/** The form as rules: the checked methods, in firing order (the API validates the minutes). */
function rulesOf(form: Form): NotifyRules {
  const steps = (rows: Record<ContactMethod, Row>) =>
    METHODS.filter(({ method }) => rows[method].on)
      .map(({ method }) => ({ method, delayMinutes: Number(rows[method].minutes) }))
      .sort((a, b) => a.delayMinutes - b.delayMinutes);
  return { high: steps(form.high), low: steps(form.low) };
}

/**
 * How a person is paged (their notification rules): each person edits their own; an admin picks
 * anyone. `GET/PUT /api/people/{id}/notification-rules`.
 */
export function NotifyRulesCard({
  personId,
  admin,
  people,
}: {
  personId: string | undefined;
  admin: boolean;
  people: Person[];
}) {
  const [who, setWho] = useState(personId ?? "");
  const [view, setView] = useState<NotifyRulesView | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!who && people[0]) setWho(people[0].id);
  }, [people, who]);
  useEffect(() => {
    if (!who) return;
    setView(null);
    api.notifyRules(who).then(
      (v) => {
        setView(v);
        setForm(formOf(v.rules));
      },
      (e: unknown) => setNotice(errorNotice(e)),
    );
  }, [who]);
  // Only directory people are paged: someone else (not an admin) has no rules to see.
  if (!who || (!admin && !people.some((p) => p.id === who))) return null;
  const canEdit = admin || who === personId;
  const save = async (rules: NotifyRules | null) => {
    setBusy(true);
    setNotice(null);
    try {
      const saved = await api.setNotifyRules(who, rules);
      setView(saved);
      setForm(formOf(saved.rules));
      setNotice({ kind: "ok", text: rules ? "Notification rules saved." : "Reset: these rules apply now." });
    } catch (e) {
      setNotice(errorNotice(e));
    } finally {
      setBusy(false);
    }
  };
  const set = (urgency: "high" | "low", method: ContactMethod, change: Partial<Row>) =>
    form &&
    setForm({ ...form, [urgency]: { ...form[urgency], [method]: { ...form[urgency][method], ...change } } });
  return (
    <section class="card" aria-labelledby="notify-title" data-notify-rules>
      <h2 id="notify-title">How {who === personId ? "you are" : `${view?.name ?? who} is`} paged</h2>
      {admin && people.length > 0 ? (
        <label>
          Person{" "}
          <select value={who} onChange={(e) => setWho((e.target as HTMLSelectElement).value)}>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <NoticeBox notice={notice} />
      {!view || !form ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save(rulesOf(form));
          }}
        >
          <p class="muted" data-source={view.source}>
            Rules {SOURCE[view.source]}
            {view.updatedAt ? (
              <>
                , set <time dateTime={view.updatedAt}>{formatTime(view.updatedAt)}</time> by{" "}
                {view.updatedBy?.name ?? view.updatedBy?.id}
              </>
            ) : null}
            . Each step waits its minutes after a page starts and is not sent once anyone acknowledges.
          </p>
          {URGENCIES.map(({ key, label }) => (
            <fieldset key={key} data-urgency={key} disabled={!canEdit || busy}>
              <legend>{label}</legend>
              <p class="muted" data-summary>
                Now: {view.summary[key]}
              </p>
              {METHODS.map(({ method, label: name, needs }) => (
                <div key={method} class="notify-step">
                  <label>
                    <input
                      type="checkbox"
                      name={`${key}-${method}`}
                      checked={form[key][method].on}
                      disabled={!view.reachable[needs] && !form[key][method].on}
                      onChange={(e) => set(key, method, { on: (e.target as HTMLInputElement).checked })}
                    />{" "}
                    {name}
                  </label>{" "}
                  <label>
                    after{" "}
                    <input
                      type="number"
                      min={0}
                      max={1440}
                      inputMode="numeric"
                      name={`${key}-${method}-minutes`}
                      value={form[key][method].minutes}
                      disabled={!form[key][method].on}
                      onInput={(e) => set(key, method, { minutes: (e.target as HTMLInputElement).value })}
                    />{" "}
                    min
                  </label>
                  {view.reachable[needs] ? null : (
                    <span class="muted">
                      {" "}
                      (no {needs === "slack" ? "Slack id" : "phone"} in the directory)
                    </span>
                  )}
                </div>
              ))}
            </fieldset>
          ))}
          {canEdit ? (
            <p>
              <button type="submit" disabled={busy}>
                Save rules
              </button>{" "}
              <button
                type="button"
                class="ghost"
                disabled={busy || view.source !== "personal"}
                onClick={() => void save(null)}
              >
                Reset
              </button>
            </p>
          ) : null}
        </form>
      )}
      {view ? <ContactMethods personId={who} canEdit={canEdit} /> : null}
    </section>
  );
}
