/**
 * The thresholds the postmortem draft judges by (a fast acknowledgement or detection, how far back a
 * change counts, list lengths) and its number and time helpers.
 */

/**
 * How far before the impact start a change is listed in the draft and suspected: two hours, the
 * same window as the changes on the incident page (changes/change.ts `CHANGE_WINDOW_MS`). Most
 * bad deploys show within minutes to an hour; two hours also covers a slow rollout, without
 * listing the whole day's changes to a busy service.
 */
export const CHANGES_BEFORE_IMPACT_WINDOW_SECONDS = 2 * 3600;

/** At most this many changes are listed and referenced (newest first). */
export const CHANGES_BEFORE_IMPACT_LIMIT = 20;

/** Temporary fixes become action items: P1 due in 7 days for SEV1/SEV2, else P2 due in 14 days. */
export const TEMPORARY_FIX_POLICY = {
  urgent: { priority: "P1", days: 7 },
  normal: { priority: "P2", days: 14 },
} as const;

/** "What went well" calls an acknowledgement fast when it came within this many seconds of detection. */
export const FAST_ACK_SECONDS = 5 * 60;

/** At most this many failed pages, role gaps and handoffs are listed (the rest are counted). */
export const LIST_LIMIT = 5;

/** "What went well" calls detection fast when the alarm opened the incident within this many seconds. */
export const FAST_DETECTION_SECONDS = 5 * 60;

export const MS_PER_DAY = 86_400_000;

export const iso = (ms: number) => new Date(ms).toISOString();

export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export const seconds = (end: number | null, start: number | null) =>
  end === null || start === null ? null : (end - start) / 1000;

export const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
