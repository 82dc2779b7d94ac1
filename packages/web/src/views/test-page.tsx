import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { formatTime } from "../format";
import type { Person, TeamOnCall, TestMethodView, TestPageView } from "../types";
import { errorNotice, type Notice, NoticeBox, TableHead } from "./common";

const METHOD: Record<TestMethodView["method"], string> = {
  sms: "SMS",
  slack: "Slack DM",
  voice: "Phone call",
};
/** How often the record is read while methods are pending or acknowledgements awaited, and for how long. */
const POLL_MS = 1_500;
const POLL_FOR_MS = 5 * 60_000;

function outcome(m: TestMethodView): string {
  switch (m.status) {
    case "pending":
    case "sending":
      return "Sending…";
    case "delivered":
      return `Delivered ${m.deliveredAt ? formatTime(m.deliveredAt) : ""}`;
    case "skipped":
      return `Skipped: ${m.error?.message ?? "not configured"}`;
    case "failed":
      return `Failed: ${m.error?.message ?? m.error?.code ?? "error"}`;
  }
}

/**
 * "Send a test page" on the On call page: a clearly marked page (no incident) to yourself, or —
 * responders and admins — to anyone or a team's level-1 on-call, then each method's outcome and
 * each person's acknowledgement as they arrive (`POST /api/test-pages`, `GET /api/test-pages/{id}`).
 */
export function TestPageCard({
  personId,
  canTestOthers,
  people,
  teams,
}: {
  personId: string | undefined;
  canTestOthers: boolean;
  people: Person[];
  teams: TeamOnCall[];
}) {
  const [target, setTarget] = useState(personId ? `person:${personId}` : "");
  const [view, setView] = useState<TestPageView | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (!target && canTestOthers && people[0]) setTarget(`person:${people[0].id}`);
  }, [people, target, canTestOthers]);
  if (!personId && !canTestOthers) return null;

  const follow = (id: string, until: number) => {
    timer.current = setTimeout(() => {
      api.testPage(id).then(
        (next) => {
          setView(next);
          if ((next.state !== "done" || !next.acknowledged) && Date.now() < until) follow(id, until);
        },
        (e: unknown) => setNotice(errorNotice(e)),
      );
    }, POLL_MS);
  };
  const sendTest = async () => {
    clearTimeout(timer.current);
    setBusy(true);
    setNotice(null);
    setView(null);
    const [kind, id = ""] = target.split(/:(.*)/s);
    try {
      const sent = await api.sendTestPage(kind === "team" ? { team: id } : { person: id });
      setView(sent);
      follow(sent.id, Date.now() + POLL_FOR_MS);
    } catch (e) {
      setNotice(errorNotice(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" aria-labelledby="test-page-title" data-test-page>
      <h2 id="test-page-title">Test paging</h2>
      <p class="muted">
        A clearly marked test page goes by every method of the high-urgency rules, at once. No incident is
        opened. Acknowledge it with the link in the SMS or the Slack message.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void sendTest();
        }}
      >
        {canTestOthers ? (
          <label>
            To{" "}
            <select value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
              {personId ? <option value={`person:${personId}`}>Myself</option> : null}
              <optgroup label="People">
                {people
                  .filter((p) => p.id !== personId)
                  .map((p) => (
                    <option key={p.id} value={`person:${p.id}`}>
                      {p.name}
                    </option>
                  ))}
              </optgroup>
              <optgroup label="Teams (level-1 on call now)">
                {teams.map((t) => (
                  <option key={t.id} value={`team:${t.id}`}>
                    {t.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
        ) : null}{" "}
        <button type="submit" disabled={busy || !target} aria-busy={busy}>
          Send a test page
        </button>
      </form>
      <NoticeBox notice={notice} />
      {view ? (
        <div aria-live="polite" data-test-page-result={view.id}>
          <p>
            Test page <code>{view.id}</code> to {view.target.name}:{" "}
            {view.state === "done"
              ? view.allDelivered
                ? "every method delivered."
                : "not every method delivered."
              : "sending…"}
          </p>
          <table>
            <TableHead columns={["Person", "Method", "Outcome", "Acknowledged"]} />
            <tbody>
              {view.people.flatMap((p) =>
                p.methods.map((m) => (
                  <tr key={`${p.personId}:${m.method}`} data-status={m.status}>
                    <td>{p.name}</td>
                    <td>{METHOD[m.method]}</td>
                    <td>{outcome(m)}</td>
                    <td>
                      {m.acknowledgedAt
                        ? `${formatTime(m.acknowledgedAt)} (${m.acknowledgedVia === "sms_reply" ? "SMS reply" : "link"})`
                        : "—"}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
