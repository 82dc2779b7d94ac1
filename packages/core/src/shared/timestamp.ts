/** ISO 8601 timestamps with any offset, normalised to UTC (alarm events, the on-call directory). */

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Offset in minutes east of UTC for `Z`, `+HH`, `+HHMM` or `+HH:MM`; undefined when out of range. */
function offsetMinutes(zone: string): number | undefined {
  if (zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * Normalises an ISO 8601 timestamp with any offset (`+0000`, `+00:00`, `Z`, `-0530`…) to UTC with
 * milliseconds: `2025-03-14T09:42:13.274+0000` → `2025-03-14T09:42:13.274Z`. Returns undefined when
 * the text is not such a timestamp or names an impossible date (years before 1970 are refused).
 */
export function normaliseTimestamp(value: string): string | undefined {
  const match = TIMESTAMP_PATTERN.exec(value);
  if (!match) return undefined;
  const [, y = "", mo = "", d = "", h = "", mi = "", s = "", fraction = "", zone = ""] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const offset = offsetMinutes(zone);
  if (offset === undefined || year < 1970) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number(fraction.padEnd(3, "0").slice(0, 3));
  const epoch = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000;
  return new Date(epoch).toISOString();
}
