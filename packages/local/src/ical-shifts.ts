/**
 * A schedule's iCalendar feed (PagerDuty's, Opsgenie's and Grafana OnCall's "export as iCal", or
 * Firebreak's own) as the shifts `import verify` compares. Read with ical.js (a maintained
 * RFC 5545 parser): VTIMEZONEs in the feed are honoured, a recurring event is expanded within the
 * window asked for, and a cancelled event is skipped.
 *
 * Who an event is for: its one ATTENDEE (an e-mail, and its CN as the name), else its SUMMARY,
 * which `personMatcher` matches when it contains exactly one directory person's name.
 */

import type { SourceShift, SourceShifts } from "@firebreak/core/import/plan";
import ICAL from "ical.js";

export function isICalendar(text: string): boolean {
  return /^\s*BEGIN:VCALENDAR/i.test(text.replace(/^\uFEFF/, ""));
}

/** Occurrences of a recurring event beyond this many are not expanded (the feed is then refused). */
const MAX_OCCURRENCES = 20_000;

export function icalShifts(text: string, window?: { from: Date; to: Date }): SourceShifts {
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(text.replace(/^\uFEFF/, "")));
  } catch (error) {
    throw new Error(`not a readable iCalendar feed: ${(error as Error).message}`);
  }
  const zones: string[] = [];
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    const tzid = zone.getFirstPropertyValue("tzid");
    if (typeof tzid === "string" && !ICAL.TimezoneService.has(tzid)) {
      ICAL.TimezoneService.register(zone);
      zones.push(tzid);
    }
  }
  try {
    const shifts: SourceShift[] = [];
    for (const vevent of calendar.getAllSubcomponents("vevent")) {
      if (String(vevent.getFirstPropertyValue("status") ?? "").toUpperCase() === "CANCELLED") continue;
      const event = new ICAL.Event(vevent);
      if (!event.startDate) continue;
      const person = personOf(vevent, event.summary);
      if (!event.isRecurring()) {
        const end = event.endDate ?? event.startDate;
        shifts.push({ start: iso(event.startDate), end: iso(end), person });
        continue;
      }
      const it = event.iterator();
      const duration = event.duration;
      let n = 0;
      for (let next = it.next(); next; next = it.next()) {
        const start = next.toJSDate();
        if (window && start >= window.to) break;
        if (++n > MAX_OCCURRENCES)
          throw new Error(
            `event "${event.summary}" recurs more than ${MAX_OCCURRENCES} times: pass --from and --to`,
          );
        const end = next.clone();
        end.addDuration(duration);
        if (window && end.toJSDate() <= window.from) continue;
        shifts.push({ start: start.toISOString(), end: end.toJSDate().toISOString(), person });
      }
    }
    const name = calendar.getFirstPropertyValue("x-wr-calname");
    return { ...(typeof name === "string" && name ? { scheduleName: name } : {}), shifts };
  } finally {
    for (const tzid of zones) ICAL.TimezoneService.remove(tzid);
  }
}

function iso(time: ICAL.Time): string {
  return time.toJSDate().toISOString();
}

function personOf(vevent: ICAL.Component, summary: string | undefined): SourceShift["person"] {
  const attendees = vevent.getAllProperties("attendee");
  if (attendees.length === 1) {
    const attendee = attendees[0]!;
    const value = String(attendee.getFirstValue() ?? "");
    const email = /^mailto:(.+)$/i.exec(value)?.[1];
    const cn = attendee.getParameter("cn");
    const name = typeof cn === "string" && cn ? cn : summary;
    return { ...(email ? { email } : {}), ...(name ? { name } : {}) };
  }
  return summary ? { name: summary } : {};
}
