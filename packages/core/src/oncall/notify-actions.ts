/**
 * Reading and editing a person's notification rules (notify-rules.ts) from the API, Slack
 * (`/incident me`) and the dashboard. A person edits their own; an admin edits anyone's. The edit
 * is kept beside the directory (so applying the directory again keeps it), saved conditioned on
 * the version read (a lost race is retried on fresh data) with its timeline entry
 * (`oncall.notify_rules_changed`, published by the outbox) in the same transaction. Resetting
 * drops the person's own rules: the directory's `notify`, else the default, applies again.
 */

import { ForbiddenError } from "@firebreak/core/auth/errors";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, issuesFromZod, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import { validate } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import type { Actor } from "../incident/model";
import type { PersonalRulesRepository } from "../ports";
import type { Directory, Person } from "./directory-types";
import {
  DEFAULT_NOTIFY_RULES,
  describeSteps,
  type NotifyRules,
  normaliseNotifyRules,
  notifyRulesSchema,
  unreachableSteps,
} from "./notify-rules";
import type { PersonalRules } from "./stored-directory";

export interface NotifyRulesDeps {
  rules: PersonalRulesRepository;
  clock?: Clock;
}

/** Who asks: the actor recorded, their directory person (if any) and whether they are an admin. */
export interface RulesRequester {
  actor: Actor;
  personId?: string;
  admin: boolean;
}

export interface NotifyRulesView {
  personId: string;
  name: string;
  rules: NotifyRules;
  /** Where the rules in force come from: the person's own edit, the directory, or the default. */
  source: "personal" | "directory" | "default";
  /** The steps as people read them, per urgency. */
  summary: { high: string; low: string };
  /** The addresses the methods need (a step without one is refused). */
  reachable: { slack: boolean; phone: boolean };
  updatedAt?: string;
  updatedBy?: Actor;
}

/** A person's rules in force, from the directory as applied and the stored personal rules. */
export function notifyRulesView(
  applied: Directory | undefined,
  personal: Record<string, PersonalRules> | undefined,
  personId: string,
): NotifyRulesView {
  const person = applied?.people.find((p) => p.id === personId);
  if (!person) throw new NotFoundError("person", personId);
  const own = personal && Object.hasOwn(personal, personId) ? personal[personId] : undefined;
  const rules = own?.rules ?? person.notify ?? DEFAULT_NOTIFY_RULES;
  return {
    personId,
    name: person.name,
    rules,
    source: own ? "personal" : person.notify ? "directory" : "default",
    summary: { high: describeSteps(rules.high), low: describeSteps(rules.low) },
    reachable: { slack: Boolean(person.slackUserId), phone: Boolean(person.phone) },
    ...(own ? { updatedAt: own.updatedAt, updatedBy: own.updatedBy } : {}),
  };
}

/** The body of an edit: the rules, or `{ reset: true }`. */
export const notifyRulesResetSchema = z.strictObject({
  reset: z.literal(true, { error: "expected true: drop the person's own rules" }),
});
export const notifyRulesEditSchema = z.union([notifyRulesSchema, notifyRulesResetSchema]);

const MAX_ATTEMPTS = 20;

/**
 * Sets (or with `null`, resets) a person's own rules. `rules` is validated here (path-named
 * issues, e.g. `high[2].method`), including that the person has an address for each method.
 */
export async function setNotifyRules(
  deps: NotifyRulesDeps,
  personId: string,
  rules: unknown,
  who: RulesRequester,
): Promise<NotifyRulesView> {
  if (!who.admin && who.personId !== personId)
    throw new ForbiddenError(
      "forbidden",
      who.personId
        ? `you may edit your own notification rules (${who.personId}), not ${personId}'s: an admin may edit anyone's`
        : "only a directory person may edit their own notification rules: an admin may edit anyone's",
    );
  const parsed = rules === null ? null : parseRules(rules);
  return retryOnConflict(async () => {
    const stored = await deps.rules.get();
    if (!stored.applied)
      throw new FirebreakError(
        "paging_not_configured",
        "there is no on-call directory yet: apply one (firebreak directory apply) first",
      );
    const person = stored.applied.people.find((p) => p.id === personId);
    if (!person) throw new NotFoundError("person", personId);
    if (parsed) refuseUnreachable(parsed, person);
    const now = (deps.clock ?? systemClock).now();
    const items = { ...stored.items };
    if (parsed) items[personId] = { rules: parsed, updatedAt: now.toISOString(), updatedBy: who.actor };
    else delete items[personId];
    const by = who.actor.name ?? who.actor.id;
    const after = parsed ?? person.notify ?? DEFAULT_NOTIFY_RULES;
    await deps.rules.save(items, stored.version, {
      id: newId(now.getTime()),
      incidentId: `NOTIFY#${personId}`,
      kind: "oncall.notify_rules_changed",
      actor: who.actor,
      at: now.toISOString(),
      summary: parsed
        ? `${person.name}'s notification rules set by ${by}: high urgency ${describeSteps(parsed.high)}; low urgency ${describeSteps(parsed.low)}`
        : `${person.name}'s notification rules reset by ${by} to the ${person.notify ? "directory's" : "default"}`,
      data: { personId, rules: after, reset: parsed === null },
    });
    return notifyRulesView(stored.applied, items, personId);
  }, MAX_ATTEMPTS);
}

function parseRules(input: unknown): NotifyRules {
  return normaliseNotifyRules(validate(notifyRulesSchema, input, "notification rules"));
}

function refuseUnreachable(rules: NotifyRules, person: Person): void {
  const issues = issuesFromZod(unreachableSteps(rules, person));
  if (issues.length > 0)
    throw new ValidationError(
      `invalid notification rules: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
}
