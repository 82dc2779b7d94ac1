import { api } from "../api";
import { getZoneMode } from "../format";
import type { RotationCalendar } from "../types";
import { TableHead, useLoaded } from "./common";

type Segment = RotationCalendar["rotations"][number]["segments"][number];

/** Midnight (in the viewer's zone, or UTC) of the day `ms` falls in. */
function dayStart(ms: number, utc: boolean): number {
  const d = new Date(ms);
  return utc
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    : new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** The next midnight after `start` (a local day may last 23 or 25 hours across a DST change). */
function nextDay(start: number, utc: boolean): number {
  const d = new Date(start);
  return utc
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
}

const hhmm = (ms: number, utc: boolean) =>
  new Date(ms).toLocaleTimeString(undefined, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    ...(utc ? { timeZone: "UTC" } : {}),
  });

/** The days of the window, each with who is on call during it and when they hand off. */
export function calendarDays(
  segments: readonly Segment[],
  from: string,
  to: string,
  utc: boolean,
): { start: number; label: string; who: { name: string; from?: string; source: Segment["source"] }[] }[] {
  const end = Date.parse(to);
  const days = [];
  for (let start = dayStart(Date.parse(from), utc); start < end; start = nextDay(start, utc)) {
    const stop = nextDay(start, utc);
    const who = segments
      .filter((s) => Date.parse(s.start) < stop && Date.parse(s.end) > start)
      .map((s) => {
        const begins = Date.parse(s.start);
        return {
          name: s.personId === null ? "nobody" : (s.name ?? s.personId),
          ...(begins > start ? { from: hhmm(begins, utc) } : {}),
          source: s.source,
        };
      });
    days.push({
      start,
      label: new Date(start).toLocaleDateString(undefined, {
        weekday: "short",
        month: "short",
        day: "numeric",
        ...(utc ? { timeZone: "UTC" } : {}),
      }),
      who,
    });
    if (days.length > 40) break;
  }
  return days;
}

/** A two-week calendar per rotation (GET /api/oncall/calendar), overrides marked. */
export function RotationCalendars({ version }: { version: unknown }) {
  const [calendar, failed] = useLoaded(() => api.calendar(), [version]);
  const utc = getZoneMode() === "utc";
  return (
    <section class="card calendars" aria-labelledby="calendars-title">
      <h2 id="calendars-title">Rotations, next two weeks</h2>
      {failed ? <p class="muted">The calendar could not be loaded: {failed}</p> : null}
      {!calendar && !failed ? <p aria-busy="true">Loading the calendar…</p> : null}
      {calendar?.rotations.map((rotation) => (
        <details key={rotation.id} class="calendar" data-rotation={rotation.id}>
          <summary>
            {rotation.name}{" "}
            <span class="muted">
              ({rotation.team}, hands off in {rotation.timezone})
            </span>
          </summary>
          <table class="calendar">
            <TableHead columns={["Day", "On call"]} />
            <tbody>
              {calendarDays(rotation.segments, calendar.from, calendar.to, utc).map((day) => (
                <tr key={day.start}>
                  <th scope="row">{day.label}</th>
                  <td>
                    {day.who.map((w, i) => (
                      <span key={`${w.name}-${i}`} class={`shift shift-${w.source}`} dir="auto">
                        {i > 0 ? " → " : ""}
                        {w.from ? <span class="muted">{w.from} </span> : null}
                        {w.name}
                        {w.source === "override" ? <span class="badge">override</span> : null}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}
    </section>
  );
}
