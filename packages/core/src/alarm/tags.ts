/**
 * Alarm tags, when CloudWatch propagates them (the alarm's `ActionConfiguration.AlarmTagsPropagation`):
 * `detail.alarmTags` in the EventBridge event, `alarmData.alarmTags` in the direct Lambda action,
 * `AlarmTags` in the SNS notification. Read leniently, as a `{ key: value }` object or a list of
 * `{ Key, Value }` / `{ key, value }` pairs, and bounded: at most 50 tags (CloudWatch's own limit),
 * keys of at most 128 characters and values of at most 256; `aws:` keys are AWS's and never kept.
 * Anything else is ignored rather than refused: tags add context, they never make an alarm invalid.
 */
import { singleLineText } from "@firebreak/core/shared/text";

export const TAG_LIMITS = { tags: 50, key: 128, value: 256 } as const;

/** Which tags classify an alarm (the settings FIREBREAK_TAG_SEVERITY, _SERVICE, _TEAM). */
export interface TagNames {
  severity: string;
  service: string;
  team: string;
}

export const DEFAULT_TAG_NAMES: TagNames = { severity: "severity", service: "service", team: "team" };

function pairOf(item: unknown): [unknown, unknown] | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const record = item as Record<string, unknown>;
  if ("Key" in record) return [record.Key, record.Value];
  if ("key" in record) return [record.key, record.value];
  return undefined;
}

/** The tags in a payload's tags field, or undefined when there are none. */
export function tagsFrom(value: unknown): Record<string, string> | undefined {
  let pairs: [unknown, unknown][];
  if (Array.isArray(value)) {
    pairs = [];
    for (const item of value) {
      const pair = pairOf(item);
      if (pair) pairs.push(pair);
    }
  } else if (typeof value === "object" && value !== null) pairs = Object.entries(value);
  else return undefined;
  const tags: Record<string, string> = {};
  let count = 0;
  for (const [rawKey, rawValue] of pairs) {
    if (count >= TAG_LIMITS.tags) break;
    if (typeof rawKey !== "string" || (typeof rawValue !== "string" && typeof rawValue !== "number"))
      continue;
    const key = singleLineText(rawKey).trim();
    if (!key || key.length > TAG_LIMITS.key || key.toLowerCase().startsWith("aws:")) continue;
    if (Object.hasOwn(tags, key)) continue;
    tags[key] = singleLineText(String(rawValue)).trim().slice(0, TAG_LIMITS.value);
    count++;
  }
  return count > 0 ? tags : undefined;
}

/** A tag's value by name, matched case-insensitively (`Team` and `team` are one tag). */
export function tagValue(tags: Record<string, string> | undefined, name: string): string | undefined {
  if (!tags) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(tags)) if (key.toLowerCase() === wanted && value) return value;
  return undefined;
}

/** The tag names from the settings (each FIREBREAK_TAG_* empty or unset keeps its default). */
export function tagNamesFromEnv(env: Readonly<Record<string, string | undefined>>): TagNames {
  const pick = (value: string | undefined, fallback: string) => value?.trim() || fallback;
  return {
    severity: pick(env.FIREBREAK_TAG_SEVERITY, DEFAULT_TAG_NAMES.severity),
    service: pick(env.FIREBREAK_TAG_SERVICE, DEFAULT_TAG_NAMES.service),
    team: pick(env.FIREBREAK_TAG_TEAM, DEFAULT_TAG_NAMES.team),
  };
}
