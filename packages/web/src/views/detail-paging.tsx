/** Paging on the incident detail page: the pages sent, and paging someone into the incident. */
import { formatTime } from "../format";
import type { Page, Person, TeamOnCall } from "../types";
import { NoteField, TableHead, useTargetForm } from "./common";

/** The pages sent for the incident: to whom, how, at which level, in which state. */
export function PagesTable({ pages }: { pages: Page[] | null }) {
  return (
    <section aria-labelledby="pages-title" class="card">
      <h2 id="pages-title">Pages</h2>
      {pages === null ? <p class="muted">Loading pages…</p> : null}
      {pages?.length === 0 ? <p class="muted">No pages sent for this incident.</p> : null}
      {pages?.length ? (
        <table class="pages">
          <TableHead columns={["To", "Via", "Level", "State", "Requested"]} />
          <tbody>
            {pages.map((page) => (
              <tr key={page.pageId}>
                <td data-label="To">
                  {page.target.name ??
                    page.target.personId ??
                    page.target.slackChannelId ??
                    page.target.arn ??
                    page.target.kind}
                </td>
                <td data-label="Via">{page.channel}</td>
                <td data-label="Level">
                  {page.purpose === "role_coverage" ? "role coverage" : String(page.level)}
                  {page.round > 0 ? ` (round ${page.round})` : ""}
                </td>
                <td data-label="State">
                  <span class={`badge page-${page.state}`}>{page.state}</span>
                  {page.state === "failed" && page.error?.message ? (
                    <span class="muted"> {page.error.message}</span>
                  ) : null}
                  {page.attempts > 1 ? <span class="muted"> · {page.attempts} attempts</span> : null}
                </td>
                <td data-label="Requested">
                  <time dateTime={page.requestedAt}>{formatTime(page.requestedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** Page a person, or a team's current on-call (named in the choice), into the incident. */
export function PageSomeoneForm(props: {
  people: Person[] | null;
  teams: TeamOnCall[] | null;
  disabled: boolean;
  onPage: (whom: string, message?: string) => Promise<boolean>;
}) {
  const { target: whom, setTarget: setWhom, note, setNote, onSubmit } = useTargetForm(props.onPage);
  return (
    <form class="inline" aria-label="Page someone" onSubmit={onSubmit(whom || undefined)}>
      <label for="page-whom">Page into this incident</label>
      <select id="page-whom" value={whom} onChange={(e) => setWhom((e.target as HTMLSelectElement).value)}>
        <option value="">Choose…</option>
        {props.teams?.length ? (
          <optgroup label="A team's on-call">
            {props.teams.map((t) => (
              <option key={t.id} value={`team:${t.id}`} disabled={t.onCall.length === 0}>
                {t.name}: {t.onCall.length ? t.onCall.map((p) => p.name).join(", ") : "nobody on call"}
              </option>
            ))}
          </optgroup>
        ) : null}
        {props.people?.length ? (
          <optgroup label="A person">
            {props.people.map((p) => (
              <option key={p.id} value={`person:${p.id}`}>
                {p.name}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      <NoteField id="page-message" label="Message (optional)" value={note} onInput={setNote} />
      <button type="submit" disabled={props.disabled || !whom}>
        Page
      </button>
    </form>
  );
}
