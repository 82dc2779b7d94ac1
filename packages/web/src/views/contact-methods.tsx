import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { formatTime } from "../format";
import type { ContactMethod, ContactMethodsView, MethodView } from "../types";
import { errorNotice, type Notice, NoticeBox } from "./common";

const LABEL: Record<ContactMethod, string> = { slack: "Slack DM", sms: "SMS", voice: "Phone call" };
const STATUS: Record<MethodView["status"], string> = {
  verified: "verified",
  pending: "test message sent: enter its code",
  unverified: "unverified",
  no_address: "no address in the directory",
};
/** How long the card watches for the pager to send a test message. */
const WATCH_MS = 30_000;

/**
 * A person's contact methods and whether each is verified (`GET /api/people/{id}/contact-methods`):
 * "Send test message" asks the pager for a six-digit code by that method; the code entered here
 * verifies it. A page by an unverified method may not land, and coverage counts it as a gap.
 */
export function ContactMethods({ personId, canEdit }: { personId: string; canEdit: boolean }) {
  const [view, setView] = useState<ContactMethodsView | null>(null);
  const [codes, setCodes] = useState<Partial<Record<ContactMethod, string>>>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [watching, setWatching] = useState<ContactMethod | null>(null);

  useEffect(() => {
    setView(null);
    api.contactMethods(personId).then(setView, (e: unknown) => setNotice(errorNotice(e)));
  }, [personId]);

  // After a request, poll until the pager says it sent the message (or why not).
  useEffect(() => {
    if (!watching) return;
    const until = Date.now() + WATCH_MS;
    const timer = setInterval(() => {
      api.contactMethods(personId).then(
        (v) => {
          setView(v);
          const m = v.methods.find((x) => x.method === watching);
          if (m?.sentAt || m?.sendError || Date.now() > until) setWatching(null);
        },
        () => setWatching(null),
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [watching, personId]);

  const run = async (work: () => Promise<ContactMethodsView>, ok: string) => {
    setBusy(true);
    setNotice(null);
    try {
      setView(await work());
      setNotice({ kind: "ok", text: ok });
    } catch (e) {
      setNotice(errorNotice(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-contact-methods>
      <h3>Contact methods</h3>
      <p class="muted">
        A page by an unverified method may not land: verify each with a test message and its code.
      </p>
      <NoticeBox notice={notice} />
      {!view ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <ul>
          {view.methods.map((m) => (
            <li key={m.method} data-method={m.method} data-status={m.status}>
              <strong>{LABEL[m.method]}</strong> {m.address ? <code>{m.address}</code> : null} ·{" "}
              <span class={m.status === "verified" ? "verified" : "muted"}>{STATUS[m.status]}</span>
              {m.verifiedAt ? (
                <span class="muted">
                  {" "}
                  (<time dateTime={m.verifiedAt}>{formatTime(m.verifiedAt)}</time>
                  {m.verifiedVia ? ` by ${m.verifiedVia}` : ""})
                </span>
              ) : null}
              {m.sendError ? <span class="send-error"> · not sent: {m.sendError}</span> : null}
              {m.requestedAt && !m.sentAt && !m.sendError ? <span class="muted"> · sending…</span> : null}
              {canEdit && m.status !== "no_address" ? (
                <>
                  {" "}
                  <button
                    type="button"
                    class="ghost"
                    disabled={busy}
                    onClick={() =>
                      void run(async () => {
                        const v = await api.requestVerification(personId, m.method);
                        setWatching(m.method);
                        return v;
                      }, `A test message with a code is on its way by ${LABEL[m.method]}.`)
                    }
                  >
                    Send test message
                  </button>
                </>
              ) : null}
              {canEdit && m.sentAt && m.expiresAt ? (
                <form
                  class="inline"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void run(
                      () => api.confirmVerification(personId, m.method, codes[m.method] ?? ""),
                      `${LABEL[m.method]} verified.`,
                    );
                  }}
                >
                  <label>
                    Code{" "}
                    <input
                      name={`code-${m.method}`}
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      maxLength={7}
                      size={8}
                      value={codes[m.method] ?? ""}
                      onInput={(e) =>
                        setCodes({ ...codes, [m.method]: (e.target as HTMLInputElement).value })
                      }
                    />
                  </label>{" "}
                  <button type="submit" disabled={busy}>
                    Verify
                  </button>{" "}
                  <span class="muted">
                    (works until <time dateTime={m.expiresAt}>{formatTime(m.expiresAt)}</time>)
                  </span>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
