/**
 * Why a coverage gap is one (coverage.ts), and how people read each reason. No imports: the
 * dashboard uses the same words.
 */
export const GAP_REASONS = [
  "no_targets",
  "unknown_rotation",
  "empty_rotation",
  "before_start",
  "person_removed",
  "no_contact_method",
  "unverified_method",
  "override_into_nobody",
  "dst_hole",
] as const;
export type GapReason = (typeof GAP_REASONS)[number];

/** Each reason as people read it. */
export const GAP_REASON_TEXT: Record<GapReason, string> = {
  no_targets: "no targets",
  unknown_rotation: "unknown rotation",
  empty_rotation: "empty rotation",
  before_start: "rotation not started",
  person_removed: "person removed",
  no_contact_method: "no Slack id or phone",
  unverified_method: "unverified method",
  override_into_nobody: "override into nobody",
  dst_hole: "DST hole",
};
