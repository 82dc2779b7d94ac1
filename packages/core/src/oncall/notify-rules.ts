/**
 * Personal notification rules: how and when each person is reached once a page to them starts.
 * Pure (types, defaults, validation); the pager applies them (paging/targets.ts `pagesForTarget`).
 *
 *     people:
 *       - id: alice
 *         notify:
 *           high: [{ method: slack, delayMinutes: 0 }, { method: sms, delayMinutes: 2 }, { method: voice, delayMinutes: 5 }]
 *           low:  [{ method: slack, delayMinutes: 0 }]
 *
 * - One list per urgency (oncall/urgency.ts): high for the policy's high severities (SEV1–2 by
 *   default) and for pages a person asked for by name (escalate now, a responder request), low
 *   for the rest.
 * - Each step is a contact method and a delay after that page starts. A step with a delay waits
 *   and is sent only if nobody has acknowledged the incident by then; an acknowledgement (by the
 *   person or anyone) cancels every step still waiting.
 * - Each method at most once per list: a step is one page, and a page is identified by its
 *   incident, level, target and channel.
 * - The default (a person with no rules): Slack DM and SMS at once; for high urgency, a call at
 *   5 minutes.
 * - A person's own edits (from the dashboard, `/incident me` or the API) are kept beside the
 *   directory (PersonalRulesRepository, ports/oncall.ts) and win over the directory's `notify`, so
 *   applying the directory again does not undo them.
 */
import * as z from "@firebreak/core/shared/zod";

export const CONTACT_METHODS = ["slack", "sms", "voice"] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export interface NotifyStep {
  method: ContactMethod;
  /** Minutes after the page starts (0: at once). */
  delayMinutes: number;
}

export interface NotifyRules {
  high: NotifyStep[];
  low: NotifyStep[];
}

export const DEFAULT_NOTIFY_RULES: NotifyRules = {
  high: [
    { method: "sms", delayMinutes: 0 },
    { method: "slack", delayMinutes: 0 },
    { method: "voice", delayMinutes: 5 },
  ],
  low: [
    { method: "sms", delayMinutes: 0 },
    { method: "slack", delayMinutes: 0 },
  ],
};

export const MAX_NOTIFY_DELAY_MINUTES = 24 * 60;

// No e-mail: Firebreak has no e-mail channel to a person (SNS e-mail reaches topic subscribers only).
const stepSchema = z.strictObject({
  method: z.enum(CONTACT_METHODS, {
    error: `expected a contact method: ${CONTACT_METHODS.join(", ")} (not e-mail)`,
  }),
  delayMinutes: z
    .int({ error: "expected whole minutes after the page starts (0: at once)" })
    .check(z.gte(0, "must be at least 0"), z.lte(MAX_NOTIFY_DELAY_MINUTES, "must be at most 1440 (a day)")),
});

const stepsSchema = z.array(stepSchema, { error: "expected a list of steps {method, delayMinutes}" }).check(
  z.minLength(1, "must have at least one step"),
  z.maxLength(CONTACT_METHODS.length, "at most one step per method"),
  z.superRefine((steps, ctx) => {
    const seen = new Set<string>();
    steps.forEach((step, i) => {
      if (seen.has(step.method))
        ctx.addIssue({
          code: "custom",
          path: [i, "method"],
          message: `${step.method} twice: each method at most once`,
          input: step.method,
        });
      seen.add(step.method);
    });
  }),
);

export const notifyRulesSchema = z.strictObject({
  high: stepsSchema,
  low: stepsSchema,
});

/** Steps in the order they fire (by delay; the given order among equal delays). */
export function orderedSteps(steps: readonly NotifyStep[]): NotifyStep[] {
  return steps
    .map((step, i) => ({ step, i }))
    .sort((a, b) => a.step.delayMinutes - b.step.delayMinutes || a.i - b.i)
    .map(({ step }) => ({ method: step.method, delayMinutes: step.delayMinutes }));
}

/** A validated copy with each list in firing order. */
export function normaliseNotifyRules(rules: NotifyRules): NotifyRules {
  return { high: orderedSteps(rules.high), low: orderedSteps(rules.low) };
}

/** "Slack DM at once, SMS at 2 min, call at 5 min". */
export function describeSteps(steps: readonly NotifyStep[]): string {
  const label: Record<ContactMethod, string> = { slack: "Slack DM", sms: "SMS", voice: "call" };
  return steps
    .map((s) => `${label[s.method]} ${s.delayMinutes === 0 ? "at once" : `at ${s.delayMinutes} min`}`)
    .join(", ");
}

const NEEDS: Record<ContactMethod, { field: "slackUserId" | "phone"; what: string }> = {
  slack: { field: "slackUserId", what: "a Slack user id (slackUserId)" },
  sms: { field: "phone", what: "a phone" },
  voice: { field: "phone", what: "a phone" },
};

/** Steps whose method the person has no address for, as path-named issues (`high[2].method`). */
export function unreachableSteps(
  rules: NotifyRules,
  person: { slackUserId?: string; phone?: string },
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const urgency of ["high", "low"] as const)
    rules[urgency].forEach((step, i) => {
      const need = NEEDS[step.method];
      if (!person[need.field])
        issues.push({
          path: [urgency, i, "method"],
          message: `${step.method} needs ${need.what}, and this person has none`,
        });
    });
  return issues;
}
