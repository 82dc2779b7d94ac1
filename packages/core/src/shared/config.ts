import { DEFAULT_INGEST_CONFIG, type IngestConfig } from "../alarm/ingest";
import { tagNamesFromEnv } from "../alarm/tags";
import { validate } from "./validate";
import * as z from "./zod";

const bool = z.pipe(
  z.enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { message: "expected true or false" }),
  z.transform((v) => ["true", "1", "yes", "on"].includes(v)),
);

/** An alarm tag key, as CloudWatch allows it (1–128 characters, not `aws:`). */
const tagName = z.string().check(
  z.minLength(1),
  z.maxLength(128),
  z.refine((v) => !v.toLowerCase().startsWith("aws:"), "tag keys starting with aws: are AWS's own"),
);

const envSchema = z.object({
  FIREBREAK_AUTO_RESOLVE_ON_OK: z.optional(bool),
  FIREBREAK_FLAP_THRESHOLD: z.optional(z.coerce.number().check(z.int(), z.gte(2), z.lte(1000))),
  FIREBREAK_FLAP_WINDOW_MINUTES: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(24 * 60))),
  /** An alarm firing again within this many minutes of its incident's resolution reopens it (0: never). */
  FIREBREAK_REOPEN_WINDOW_MINUTES: z.optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(7 * 24 * 60))),
  FIREBREAK_MAX_FUTURE_SKEW_SECONDS: z.optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(24 * 3600))),
  FIREBREAK_IGNORE_AUTOSCALING: z.optional(bool),
  FIREBREAK_TAG_SEVERITY: z.optional(tagName),
  FIREBREAK_TAG_SERVICE: z.optional(tagName),
  FIREBREAK_TAG_TEAM: z.optional(tagName),
});

/** The settings the alarm-ingest function reads (the deploy forwards them: infra/events.ts). */
export const INGEST_SETTING_NAMES = Object.keys(envSchema.shape) as readonly string[];

/** Ingest settings from the environment, read once at init; a bad value fails fast, naming the variable. */
export function ingestConfigFromEnv(env: Record<string, string | undefined> = process.env): IngestConfig {
  const e = validate(envSchema, env, "configuration");
  return {
    ...DEFAULT_INGEST_CONFIG,
    autoResolveOnOk: e.FIREBREAK_AUTO_RESOLVE_ON_OK ?? DEFAULT_INGEST_CONFIG.autoResolveOnOk,
    flapping: {
      threshold: e.FIREBREAK_FLAP_THRESHOLD ?? DEFAULT_INGEST_CONFIG.flapping.threshold,
      windowMs: (e.FIREBREAK_FLAP_WINDOW_MINUTES ?? 30) * 60_000,
    },
    reopenWindowMs:
      e.FIREBREAK_REOPEN_WINDOW_MINUTES === undefined
        ? DEFAULT_INGEST_CONFIG.reopenWindowMs
        : e.FIREBREAK_REOPEN_WINDOW_MINUTES * 60_000,
    maxFutureSkewMs:
      e.FIREBREAK_MAX_FUTURE_SKEW_SECONDS === undefined
        ? DEFAULT_INGEST_CONFIG.maxFutureSkewMs
        : e.FIREBREAK_MAX_FUTURE_SKEW_SECONDS * 1000,
    tagNames: tagNamesFromEnv(env),
    ignore: { autoScaling: e.FIREBREAK_IGNORE_AUTOSCALING ?? DEFAULT_INGEST_CONFIG.ignore.autoScaling },
  };
}
