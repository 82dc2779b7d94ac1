import { GAP_REASON_TEXT } from "../../../core/src/oncall/coverage-reasons";
import { api } from "../api";
import { formatDuration, formatTime } from "../format";
import { TableHead, useLoaded } from "./common";

const REASONS: Record<string, string> = GAP_REASON_TEXT;

/** At most this many gaps are listed; the CLI's `directory coverage` lists them all. */
const SHOWN = 20;

/**
 * Coverage for the next 14 days (GET /api/oncall/coverage): every time an escalation level would
 * page nobody who can be paged, and why. Reloaded when `version` (the on-call data) changes.
 */
export function CoverageCard({ version }: { version: unknown }) {
  const [report, failed] = useLoaded(() => api.coverage(), [version]);
  // Gaps of the rotations and policies first; those only of unverified methods after, summed up.
  const all = report?.gaps ?? [];
  const unverified = all.filter((g) => g.reason === "unverified_method");
  const gaps = [...all.filter((g) => g.reason !== "unverified_method"), ...unverified];
  const people = [...new Set(unverified.flatMap((g) => (g.person ? [g.person] : [])))];
  return (
    <section class="card coverage" aria-labelledby="coverage-title">
      <h2 id="coverage-title">Coverage, next 14 days</h2>
      {failed ? <p class="muted">Coverage could not be checked: {failed}</p> : null}
      {!report && !failed ? <p aria-busy="true">Checking coverage…</p> : null}
      {report && gaps.length === 0 ? (
        <p class="coverage-ok">Every escalation level reaches someone who can be paged, at every minute.</p>
      ) : null}
      {gaps.length > 0 ? (
        <>
          <p role="status" class="coverage-gaps">
            {gaps.length} gap{gaps.length === 1 ? "" : "s"}: a page at these times would reach nobody at that
            level.
          </p>
          {people.length > 0 ? (
            <p class="muted coverage-unverified">
              {unverified.length} of them only because these people on call have no verified contact method:{" "}
              {people.join(", ")}. Each verifies under <em>How you are paged</em> (or{" "}
              <code>/incident me verify sms</code>).
            </p>
          ) : null}
          <table class="coverage">
            <TableHead columns={["Services", "Level", "From", "To", "Why"]} />
            <tbody>
              {gaps.slice(0, SHOWN).map((g) => (
                <tr key={`${g.team}-${g.level}-${g.from}`} data-reason={g.reason}>
                  <td data-label="Services">
                    {g.services.join(", ") || "—"} <span class="muted">({g.team})</span>
                  </td>
                  <td data-label="Level">
                    {g.level} <span class="muted">({g.urgencies.join(" + ")})</span>
                  </td>
                  <td data-label="From">
                    <time dateTime={g.from}>{formatTime(g.from)}</time>
                  </td>
                  <td data-label="To">
                    <time dateTime={g.to}>{formatTime(g.to)}</time>{" "}
                    <span class="muted">({formatDuration(g.minutes * 60)})</span>
                  </td>
                  <td data-label="Why" dir="auto">
                    <strong>{REASONS[g.reason] ?? g.reason}</strong>: {g.detail}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {gaps.length > SHOWN ? (
            <p class="muted">
              … and {gaps.length - SHOWN} more: <code>npm run firebreak -- directory coverage</code> lists
              them all.
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
