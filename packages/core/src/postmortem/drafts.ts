import { createHash } from "node:crypto";
import type { Postmortem } from "./types";

/**
 * Versioned postmortem drafts (pure model; storage is elsewhere). Reading a draft needs only this
 * module; a human edit (`planHumanEdit`, edit.ts) lints and validates, so it lives apart and the
 * handlers that only read drafts (Slack, the API's read routes) bundle neither the linter nor the
 * schema validator.
 *
 * - Versions are numbered 1, 2, 3… across both origins; a new version is always max + 1.
 * - Regeneration (`planRegeneration`) compares the new content with the latest *generated*
 *   version by content hash (the Markdown plus the metadata without `generated_at`, keys in a
 *   canonical order). Identical → `none`: a redelivered event creates nothing. Different → a new
 *   generated version, `basedOnVersion` = the latest version at that moment. It never changes or
 *   replaces a human version.
 * - The *current* draft (for display) is the latest human version when there is one, else the
 *   latest generated version: a regeneration after a human edit sits beside it, and the human
 *   version stays current.
 * - A human edit (`planHumanEdit`, edit.ts) must name the current version (`expectedVersion`, optimistic
 *   locking): a stale one returns a `VersionConflictError` carrying the current version. The
 *   edit keeps the metadata of the version it edits, with the lint re-run on the new Markdown.
 */

export type DraftOrigin = "generated" | "human";

export interface Draft {
  version: number;
  origin: DraftOrigin;
  markdown: string;
  metadata: Postmortem;
  createdAt: string;
  /** The version that was current (human edit) or latest (regeneration) when this one was made. */
  basedOnVersion?: number;
  /** sha256 of the content (see `contentHash`); recomputed when absent. */
  contentHash?: string;
}

export type RegenerationPlan =
  | { action: "none"; reason: string; version: number }
  | { action: "create"; draft: Draft };

/** JSON with object keys sorted, so a document read back from storage hashes the same. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
}

/** The content hash: Markdown + metadata without `generated_at` (the one field that names the time of generation). */
export function contentHash(content: { markdown: string; metadata: Postmortem }): string {
  const { generated_at: _ignored, ...stable } = content.metadata;
  return createHash("sha256")
    .update(content.markdown)
    .update("\u0000")
    .update(canonicalJson(stable))
    .digest("hex");
}

const hashOf = (d: Draft) => d.contentHash ?? contentHash(d);

function latest(drafts: readonly Draft[], origin?: DraftOrigin): Draft | undefined {
  let best: Draft | undefined;
  for (const d of drafts) {
    if (origin && d.origin !== origin) continue;
    if (!best || d.version > best.version) best = d;
  }
  return best;
}

export function latestDraft(existing: readonly Draft[]): Draft | undefined {
  return latest(existing);
}

/** The draft to display: the latest human version, else the latest generated one. */
export function currentDraft(existing: readonly Draft[]): Draft | undefined {
  return latest(existing, "human") ?? latest(existing, "generated");
}

export function planRegeneration(
  existing: readonly Draft[],
  generated: { markdown: string; metadata: Postmortem },
): RegenerationPlan {
  const hash = contentHash(generated);
  const lastGenerated = latest(existing, "generated");
  if (lastGenerated && hashOf(lastGenerated) === hash) {
    return {
      action: "none",
      reason: `identical to generated version ${lastGenerated.version}`,
      version: lastGenerated.version,
    };
  }
  const top = latest(existing);
  const draft: Draft = {
    version: (top?.version ?? 0) + 1,
    origin: "generated",
    markdown: generated.markdown,
    metadata: generated.metadata,
    createdAt: generated.metadata.generated_at,
    contentHash: hash,
  };
  if (top) draft.basedOnVersion = top.version;
  return { action: "create", draft };
}

/** A person's new version on top of `current`: numbered after the latest, hashed. */
export function humanVersion(
  existing: readonly Draft[],
  current: Draft,
  content: { markdown: string; metadata: Postmortem },
  now: Date,
): Draft {
  const draft: Draft = {
    version: (latestDraft(existing)?.version ?? 0) + 1,
    origin: "human",
    markdown: content.markdown,
    metadata: content.metadata,
    createdAt: now.toISOString(),
    basedOnVersion: current.version,
  };
  draft.contentHash = contentHash(draft);
  return draft;
}
