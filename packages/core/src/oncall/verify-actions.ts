/**
 * Verifying a contact method (contact-methods.ts) from the API, Slack (`/incident me verify`),
 * the dashboard and the CLI (`firebreak directory verify`):
 *
 * 1. `requestVerification` (the person, or an admin): a pending record for the method's address,
 *    with its `oncall.verification_requested` entry in the same transaction. The outbox publishes
 *    it; the test sender (functions/paging/test-sender.ts) sends the test message
 *    (paging/verify-send.ts) through the pager's channels. The request carries no code.
 * 2. The owner reads the code in the message and gives it back: `confirmVerification` (the API,
 *    Slack, the dashboard, the CLI) or a reply by SMS from the phone (`confirmBySms`, from
 *    paging/sms-reply.ts). The method is `verified` for that address, with an
 *    `oncall.contact_verified` entry.
 *
 * Every write is conditioned on the item's version read, and retried on fresh data when it loses.
 */
import { ForbiddenError } from "@firebreak/core/auth/errors";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import { retryOnConflict } from "@firebreak/core/shared/retry";
import type { Actor } from "../incident/model";
import type { ContactRepository } from "../ports";
import {
  addressOf,
  awaitingCode,
  type ContactRecords,
  codeMatches,
  contactTimelineId,
  MAX_VERIFY_ATTEMPTS,
  METHOD_LABEL,
  type MethodVerification,
  type MethodView,
  maskAddress,
  methodViews,
  VERIFY_CODE_TTL_MS,
  VERIFY_RESEND_MS,
} from "./contact-methods";
import type { Directory, Person } from "./directory-types";
import { CONTACT_METHODS, type ContactMethod } from "./notify-rules";
import type { StoredContacts } from "./stored-directory";

export interface VerifyDeps {
  contacts: ContactRepository;
  clock?: Clock;
}

/** Who asks: the actor recorded, their directory person (if any) and whether they are an admin. */
export interface VerifyRequester {
  actor: Actor;
  personId?: string;
  admin: boolean;
}

export interface ContactMethodsView {
  personId: string;
  name: string;
  methods: MethodView[];
}

const MAX_ATTEMPTS = 20;

export const VERIFY_EVENT = "oncall.verification_requested";

export { maskAddress };

export function contactMethodsView(
  applied: Directory | undefined,
  records: ContactRecords | undefined,
  personId: string,
  now: Date,
): ContactMethodsView {
  const person = applied?.people.find((p) => p.id === personId);
  if (!person) throw new NotFoundError("person", personId);
  return { personId, name: person.name, methods: methodViews(records, person, now) };
}

export function readMethod(raw: string): ContactMethod {
  const method = raw.trim().toLowerCase();
  if ((CONTACT_METHODS as readonly string[]).includes(method)) return method as ContactMethod;
  throw new ValidationError(
    `unknown contact method "${raw}": expected ${CONTACT_METHODS.join(", ")} (e-mail is not a paging method)`,
    [{ path: "method", message: `expected ${CONTACT_METHODS.join(", ")}` }],
  );
}

function mayActFor(who: VerifyRequester, personId: string, what: string): void {
  if (who.admin || who.personId === personId) return;
  throw new ForbiddenError(
    "forbidden",
    who.personId
      ? `you may ${what} your own contact methods (${who.personId}), not ${personId}'s: an admin may for anyone`
      : `only a directory person may ${what} their own contact methods: an admin may for anyone`,
  );
}

function personIn(stored: StoredContacts, personId: string): { applied: Directory; person: Person } {
  if (!stored.applied)
    throw new FirebreakError(
      "paging_not_configured",
      "there is no on-call directory yet: apply one (firebreak directory apply) first",
    );
  const person = stored.applied.people.find((p) => p.id === personId);
  if (!person) throw new NotFoundError("person", personId);
  return { applied: stored.applied, person };
}

function withRecord(
  items: ContactRecords,
  personId: string,
  method: ContactMethod,
  record: MethodVerification,
): ContactRecords {
  const mine = Object.hasOwn(items, personId) ? items[personId] : {};
  return { ...items, [personId]: { ...mine, [method]: record } };
}

function recordOf(items: ContactRecords, personId: string, method: ContactMethod) {
  const mine = Object.hasOwn(items, personId) ? items[personId] : undefined;
  return mine && Object.hasOwn(mine, method) ? mine[method] : undefined;
}

/**
 * Asks for a test message to `method`'s address. Refused: a person without that address (400),
 * another person's method unless an admin (403), a second request within a minute (429).
 */
export async function requestVerification(
  deps: VerifyDeps,
  personId: string,
  method: ContactMethod,
  who: VerifyRequester,
): Promise<ContactMethodsView & { requestId: string }> {
  mayActFor(who, personId, "verify");
  return retryOnConflict(async () => {
    const stored = await deps.contacts.get();
    const { applied, person } = personIn(stored, personId);
    const address = addressOf(person, method);
    if (!address)
      throw new ValidationError(
        `${person.name} has no ${method === "slack" ? "Slack user id (slackUserId)" : "phone"} in the directory: add it there, then verify it`,
        [{ path: "method", message: `${person.id} has no address for ${method}` }],
      );
    const now = (deps.clock ?? systemClock).now();
    const last = recordOf(stored.items, personId, method);
    if (last?.status === "pending" && last.address === address) {
      const wait = Date.parse(last.requestedAt) + VERIFY_RESEND_MS - now.getTime();
      if (wait > 0)
        throw new FirebreakError(
          "too_soon",
          `a test message to ${person.name}'s ${METHOD_LABEL[method]} went ${Math.round((now.getTime() - Date.parse(last.requestedAt)) / 1000)} s ago: wait ${Math.ceil(wait / 1000)} s before asking for another`,
        );
    }
    const requestId = newId(now.getTime());
    const record: MethodVerification = {
      address,
      status: "pending",
      requestId,
      requestedAt: now.toISOString(),
      requestedBy: who.actor,
      expiresAt: new Date(now.getTime() + VERIFY_CODE_TTL_MS).toISOString(),
      attempts: 0,
      // A verified method stays verified while its new test message is out.
      ...(last?.verified ? { verified: last.verified } : {}),
    };
    const items = withRecord(stored.items, personId, method, record);
    const by = who.actor.name ?? who.actor.id;
    await deps.contacts.save(items, stored.version, {
      id: newId(now.getTime()),
      incidentId: contactTimelineId(personId),
      kind: VERIFY_EVENT,
      actor: who.actor,
      at: now.toISOString(),
      summary: `${person.name}'s ${METHOD_LABEL[method]} (${maskAddress(method, address)}) verification asked for by ${by}: a code is on its way`,
      data: { personId, method, requestId },
    });
    return { ...contactMethodsView(applied, items, personId, now), requestId };
  }, MAX_ATTEMPTS);
}

export type ConfirmVia = "api" | "slack" | "sms" | "cli" | "dashboard";

/**
 * Confirms a code: the method whose pending test message it belongs to (any of the person's,
 * unless `method` names one) is verified. A wrong code counts against every pending message of
 * the person; after 5 a message's code is dead and a new one must be sent.
 */
export async function confirmVerification(
  deps: VerifyDeps,
  personId: string,
  method: ContactMethod | undefined,
  code: string,
  who: VerifyRequester,
  via: ConfirmVia,
): Promise<ContactMethodsView & { verified: ContactMethod }> {
  mayActFor(who, personId, "confirm");
  const digits = code.trim().replace(/[\s-]/g, "");
  if (!/^\d{6}$/.test(digits))
    throw new ValidationError("a verification code is six digits", [
      { path: "code", message: "expected six digits" },
    ]);
  return retryOnConflict(async () => {
    const stored = await deps.contacts.get();
    const { applied, person } = personIn(stored, personId);
    const now = (deps.clock ?? systemClock).now();
    const pending = waiting(stored.items, person, method, now);
    if (pending.length === 0)
      throw new FirebreakError(
        "no_verification_pending",
        `no test message to ${person.name}${method ? `'s ${METHOD_LABEL[method]}` : ""} is waiting for a code (none sent, or its code expired or was tried ${MAX_VERIFY_ATTEMPTS} times): send a new one`,
      );
    const hit = pending.find(({ record }) => codeMatches(record, digits));
    if (!hit) {
      let items = stored.items;
      for (const { method: m, record } of pending)
        items = withRecord(items, personId, m, { ...record, attempts: record.attempts + 1 });
      await deps.contacts.save(items, stored.version);
      const left = Math.min(...pending.map(({ record }) => MAX_VERIFY_ATTEMPTS - record.attempts - 1));
      throw new FirebreakError(
        "wrong_code",
        left > 0
          ? `wrong code for ${person.name}'s test message: ${left} ${left === 1 ? "try" : "tries"} left`
          : `wrong code for ${person.name}'s test message, ${MAX_VERIFY_ATTEMPTS} times: its code no longer works; send a new one`,
      );
    }
    const items = markVerified(stored.items, personId, hit.method, hit.record, now, via, who.actor);
    await deps.contacts.save(
      items,
      stored.version,
      verifiedEntry(person, hit.method, hit.record, who.actor, via, now),
    );
    return { ...contactMethodsView(applied, items, personId, now), verified: hit.method };
  }, MAX_ATTEMPTS);
}

/** The person's test messages that still take a code (sent, not expired, tries left), for `method` or all. */
function waiting(
  items: ContactRecords,
  person: Person,
  method: ContactMethod | undefined,
  now: Date,
): { method: ContactMethod; record: MethodVerification }[] {
  return CONTACT_METHODS.filter((m) => !method || m === method).flatMap((m) => {
    const record = awaitingCode(items, person, m, now);
    return record ? [{ method: m, record }] : [];
  });
}

function markVerified(
  items: ContactRecords,
  personId: string,
  method: ContactMethod,
  record: MethodVerification,
  now: Date,
  via: ConfirmVia,
  actor: Actor,
): ContactRecords {
  const { codeHash: _code, sendError: _error, ...rest } = record;
  return withRecord(items, personId, method, {
    ...rest,
    status: "verified",
    verified: { address: record.address, at: now.toISOString(), via, by: actor },
  });
}

function verifiedEntry(
  person: Person,
  method: ContactMethod,
  record: MethodVerification,
  actor: Actor,
  via: ConfirmVia,
  now: Date,
) {
  return {
    id: newId(now.getTime()),
    incidentId: contactTimelineId(person.id),
    kind: "oncall.contact_verified",
    actor,
    at: now.toISOString(),
    summary: `${person.name}'s ${METHOD_LABEL[method]} (${maskAddress(method, record.address)}) verified (code confirmed by ${via === "sms" ? "SMS reply" : via})`,
    data: { personId: person.id, method, via },
  };
}

/**
 * A reply by SMS with `code` from the phone of `personId` (the caller matched the number): confirms
 * the pending SMS or call verification it belongs to. `undefined` when no test message to that
 * phone waits for a code; `{ verified: false }` for a wrong code (counted as a try).
 */
export async function confirmBySms(
  deps: VerifyDeps,
  personId: string,
  code: string,
): Promise<
  { verified: true; person: Person; method: ContactMethod } | { verified: false; person: Person } | undefined
> {
  return retryOnConflict(async () => {
    const stored = await deps.contacts.get();
    const person = stored.applied?.people.find((p) => p.id === personId);
    if (!person) return undefined;
    const now = (deps.clock ?? systemClock).now();
    const pending = [
      ...waiting(stored.items, person, "sms", now),
      ...waiting(stored.items, person, "voice", now),
    ];
    if (pending.length === 0) return undefined;
    const actor: Actor = { type: "user", id: person.id, name: person.name };
    const hit = pending.find(({ record }) => codeMatches(record, code));
    if (!hit) {
      let items = stored.items;
      for (const { method: m, record } of pending)
        items = withRecord(items, person.id, m, { ...record, attempts: record.attempts + 1 });
      await deps.contacts.save(items, stored.version);
      return { verified: false as const, person };
    }
    const items = markVerified(stored.items, person.id, hit.method, hit.record, now, "sms", actor);
    await deps.contacts.save(
      items,
      stored.version,
      verifiedEntry(person, hit.method, hit.record, actor, "sms", now),
    );
    return { verified: true as const, person, method: hit.method };
  }, MAX_ATTEMPTS);
}
