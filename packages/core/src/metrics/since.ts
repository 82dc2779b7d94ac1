import { ValidationError } from "@firebreak/core/shared/errors";

/**
 * Parses `--since`: a relative duration before `now` ("12h", "30d", "2w": hours, days, weeks; a
 * positive whole number) or an absolute ISO 8601 date ("2026-03-01", midnight UTC) or date-time
 * ("2026-03-01T08:00:00Z"; without a zone it is read as UTC). The result must not be after `now`.
 * Anything else is a `ValidationError` that says what is accepted.
 */
const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const RELATIVE = /^(\d{1,6})\s*([a-zA-Z]+)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const ACCEPTED =
  'expected a duration like "12h", "30d" or "2w", or an ISO date like "2026-03-01" or "2026-03-01T08:00:00Z"';

function fail(text: string, reason: string): ValidationError {
  return new ValidationError(`invalid --since "${text}": ${reason}`, [{ path: "since", message: reason }]);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkCalendar(text: string, year: string, month: string, day: string): void {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    throw fail(text, `${year}-${month}-${day} is not a calendar date`);
  }
}

export function parseSince(text: string, now: Date = new Date()): Date {
  if (typeof text !== "string" || text.trim() === "") throw fail(String(text), ACCEPTED);
  const input = text.trim();
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw fail(input, "now is not a valid date");

  const relative = RELATIVE.exec(input);
  if (relative) {
    const amount = Number(relative[1]);
    const unit = UNITS[relative[2]!.toLowerCase()];
    if (unit === undefined)
      throw fail(input, `unknown unit "${relative[2]}": use h (hours), d (days) or w (weeks)`);
    if (amount <= 0) throw fail(input, "the duration must be positive");
    return new Date(nowMs - amount * unit);
  }

  let ms: number;
  const date = ISO_DATE.exec(input);
  const dateTime = date ? null : ISO_DATE_TIME.exec(input);
  if (date) {
    checkCalendar(input, date[1]!, date[2]!, date[3]!);
    ms = Date.parse(`${input}T00:00:00Z`);
  } else if (dateTime) {
    checkCalendar(input, dateTime[1]!, dateTime[2]!, dateTime[3]!);
    const hours = Number(dateTime[4]);
    const minutes = Number(dateTime[5]);
    const seconds = Number(dateTime[6] ?? 0);
    if (hours > 23 || minutes > 59 || seconds > 59) throw fail(input, "the time of day is out of range");
    let zone = dateTime[7] ?? "Z";
    if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const withoutZone = dateTime[7] ? input.slice(0, input.length - dateTime[7].length) : input;
    ms = Date.parse(`${withoutZone.replace(" ", "T")}${zone.toUpperCase()}`);
  } else {
    throw fail(input, ACCEPTED);
  }
  if (!Number.isFinite(ms)) throw fail(input, ACCEPTED);
  if (ms > nowMs) throw fail(input, `it is in the future (now is ${now.toISOString()})`);
  return new Date(ms);
}
