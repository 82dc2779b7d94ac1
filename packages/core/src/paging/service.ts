/**
 * Paging use cases (flows 2 and 3): roles and the first pages when an incident is declared, the
 * escalation sweeper, acknowledgement (by a person, or by a signed one-click link that works
 * once), and the page list.
 *
 * Guarantees, and how they are kept:
 * - Nobody is paged twice for one page. A page's id is deterministic (a hash of incident, level,
 *   round, target and channel) and each step is committed in one transaction with the escalation
 *   item, conditioned on the version that was read (or on its absence, for the first step). Only
 *   the writer that won sends: a redelivered `incident.declared` or a second sweeper sends nothing.
 * - No page is silently lost. Every page is written `requested` BEFORE it is sent, and its outcome
 *   is written after (`page.delivered`, or `page.failed` with the error once the channel's bounded
 *   retries are spent; that entry is also the `page.failed` domain event through the outbox). The
 *   page's `page.requested` entry (id and time fixed when it was planned, so it sorts where it
 *   happened) is written in the outcome's transaction: the write before the send stays small, and
 *   the entry can no more be lost than the page (a page left `requested` is resent and recorded).
 *   A page still `requested` after `staleAfterMs` (the sender crashed) is taken again, by a
 *   conditional claim, on the next visit of the sweeper.
 * - SNS and Slack are isolated: each page is sent on its own (`sendIsolated`, one time budget
 *   per channel) and recorded as soon as its own result is known.
 * - Acknowledgement stops the ladder. The sweeper also reads the incident itself, so an incident
 *   acknowledged or resolved anywhere else (Slack, the dashboard) is never paged again.
 * - Role coverage: a SEV1/SEV2 whose incident commander has not acknowledged within the rule's
 *   minutes gets the IC re-paged and the next level paged at once, again every N minutes.
 *
 * The escalation uses the ladder resolved at declaration (a snapshot in the escalation item), so
 * editing the directory never changes a running escalation.
 *
 * The flow by file: config.ts (deps, settings, kinds, page ids), declare.ts, plan.ts (pure) and
 * plan-parts.ts, targets.ts (who and by which channel), deliver.ts (render, send, record),
 * sweep.ts, acknowledge.ts. This module is their one entry point.
 */

export * from "./acknowledge";
export * from "./config";
export * from "./declare";
export * from "./deliver";
export * from "./plan";
export * from "./plan-parts";
export * from "./sweep";
export * from "./targets";
