/**
 * Test pages (issue 21 item 6): a clearly marked page through the whole path, to a person, a
 * team (its level-1 on-call people now, resolved as the pager resolves an escalation) or a
 * service (its owning team's). No incident is opened, no incident number is taken, no metric moves:
 * a test page lives in a partition of its own (TestPageRequestRepository, ports/paging.ts).
 *
 * `requestTestPage` resolves the people and their methods (every method of their high-urgency
 * notification rules, at once, whatever its delay) and writes, in one transaction, the record,
 * one send per person and method, each person's rate-limit item (one test page a minute each) and
 * a `page.test_requested` entry, which the outbox publishes; the test sender sends them
 * (test-page-send.ts) and records each outcome; an ack link or an SMS reply acknowledges
 * (test-page-ack.ts). The API, Slack (`/incident test-page`), the dashboard and the CLI
 * (`firebreak page test`) call these functions.
 */
import { ForbiddenError } from "@firebreak/core/auth/errors";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { FirebreakError, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import { newId } from "@firebreak/core/shared/ids";
import type { Actor } from "../incident/model";
import type { TimelineEntry } from "../incident/timeline";
import { indexDirectory, resolveOwner } from "../oncall/directory-index";
import type { Directory, Person, Team } from "../oncall/directory-types";
import { type ContactMethod, DEFAULT_NOTIFY_RULES } from "../oncall/notify-rules";
import { resolveTargets } from "../oncall/who";
import type { DirectoryRepository, TestPageRequestRepository } from "../ports";
import { testSendId } from "./test-page-ids";
import type {
  TestAckVia,
  TestPagePerson,
  TestPageRecord,
  TestPageSend,
  TestPageTargetKind,
  TestSendStatus,
} from "./test-page-records";

export const TEST_PAGE_KIND = "page.test_requested";
/** One test page a minute to the same person. */
export const TEST_PAGE_RATE_LIMIT_MS = 60_000;
/** The most people one test page goes to (a transaction holds 100 items). */
export const MAX_TEST_PAGE_PEOPLE = 20;

export interface TestPageDeps {
  directory: Pick<DirectoryRepository, "get">;
  testPages: Pick<TestPageRequestRepository, "create" | "get">;
  clock?: Clock;
}

export interface TestPageTarget {
  kind: TestPageTargetKind;
  id: string;
}

/** Who asks: the actor recorded (by their directory name), their person, and whether they may test anyone. */
export interface TestPageRequester {
  actor: Actor;
  personId?: string;
  /** Responders and admins test anyone; anyone else only themselves. */
  anyone: boolean;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

/**
 * The target of a request body: exactly one of `person`, `team`, `service`, each an id. Issues
 * name the field (`person`, `(root)`).
 */
export function readTestPageTarget(body: unknown): TestPageTarget {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ValidationError("invalid test page request: expected { person } or { team } or { service }", [
      { path: "(root)", message: "expected an object with one of person, team, service" },
    ]);
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !["person", "team", "service"].includes(k));
  if (unknown.length > 0)
    throw new ValidationError(`invalid test page request: unknown field ${unknown.join(", ")}`, [
      ...unknown.map((k) => ({ path: k, message: "unknown field: expected person, team or service" })),
    ]);
  // Own fields only: an inherited `person` (a prototype) is no field of the request.
  const given = (["person", "team", "service"] as const).filter(
    (k) => Object.hasOwn(record, k) && record[k] !== undefined,
  );
  if (given.length !== 1)
    throw new ValidationError("invalid test page request: name exactly one of person, team, service", [
      { path: "(root)", message: `expected exactly one of person, team, service (got ${given.length})` },
    ]);
  const kind = given[0]!;
  const id = record[kind];
  if (typeof id !== "string" || !ID.test(id.trim()))
    throw new ValidationError(`invalid test page request: ${kind} must be an id`, [
      { path: kind, message: "expected an id (1–128 of A–Z a–z 0–9 _ . : @ -)" },
    ]);
  return { kind, id: id.trim() };
}

interface Resolved {
  name: string;
  people: Person[];
}

function levelOneOf(directory: Directory, team: Team, now: Date): Person[] {
  const first = team.escalationPolicy.levels[0];
  if (!first) return [];
  const step = resolveTargets(directory, first.targets, now);
  return step.targets.flatMap((t) => (t.type === "person" ? [t.person] : []));
}

function resolveTestTarget(directory: Directory, target: TestPageTarget, now: Date): Resolved {
  const index = indexDirectory(directory);
  if (target.kind === "person") {
    const person = index.people.get(target.id);
    if (!person) throw new NotFoundError("person", target.id);
    return { name: person.name, people: [person] };
  }
  let team: Team | undefined;
  if (target.kind === "team") {
    team = index.teams.get(target.id);
    if (!team) throw new NotFoundError("team", target.id);
  } else {
    const known = directory.teams.some((t) => t.services.some((s) => s.id === target.id));
    if (!known) throw new NotFoundError("service", target.id);
    const owner = resolveOwner(directory, target.id);
    if (owner.team === null) throw new FirebreakError("nobody_to_page", owner.reason);
    team = owner.team;
  }
  const people = levelOneOf(directory, team, now);
  if (people.length === 0)
    throw new FirebreakError(
      "nobody_to_page",
      `nobody is on call at level 1 of ${team.name}'s escalation policy now${target.kind === "service" ? ` (the owner of ${target.id})` : ""}: there is nobody to test`,
    );
  return { name: target.kind === "team" ? team.name : `${target.id} (${team.name})`, people };
}

/** The methods of a person's high-urgency rules, in order, each once. */
export function testMethodsOf(person: Person): ContactMethod[] {
  const steps = (person.notify ?? DEFAULT_NOTIFY_RULES).high;
  return [...new Set(steps.map((s) => s.method))];
}

function addressOf(person: Person, method: ContactMethod): string | undefined {
  return method === "slack" ? person.slackUserId : person.phone;
}

/**
 * Requests a test page: resolves the people, checks the requester may, and records it (the
 * test sender sends it on its `page.test_requested` event). Answers the record as stored.
 */
export async function requestTestPage(
  deps: TestPageDeps,
  target: TestPageTarget,
  who: TestPageRequester,
): Promise<TestPageView> {
  if (!who.anyone && !(target.kind === "person" && target.id === who.personId))
    throw new ForbiddenError(
      "forbidden",
      who.personId
        ? `you may send a test page to yourself (${who.personId}): a responder or an admin may test anyone`
        : "only a directory person may send themselves a test page: a responder or an admin may test anyone",
    );
  const stored = await deps.directory.get();
  if (!stored)
    throw new FirebreakError(
      "paging_not_configured",
      "there is no on-call directory yet: apply one (firebreak directory apply) first",
    );
  const now = (deps.clock ?? systemClock).now();
  const resolved = resolveTestTarget(stored.directory, target, now);
  if (resolved.people.length > MAX_TEST_PAGE_PEOPLE)
    throw new ValidationError(
      `a test page goes to at most ${MAX_TEST_PAGE_PEOPLE} people; ${resolved.name} resolves to ${resolved.people.length}`,
      [{ path: target.kind, message: `resolves to more than ${MAX_TEST_PAGE_PEOPLE} people` }],
    );
  const id = newId(now.getTime());
  const at = now.toISOString();
  const people: TestPagePerson[] = [];
  const sends: TestPageSend[] = [];
  const unreachable: string[] = [];
  for (const person of resolved.people) {
    const methods = testMethodsOf(person);
    people.push({
      personId: person.id,
      name: person.name,
      ...(person.phone ? { phone: person.phone } : {}),
      ...(person.slackUserId ? { slackUserId: person.slackUserId } : {}),
      methods,
    });
    const reachable = methods.filter((m) => addressOf(person, m));
    if (reachable.length === 0) unreachable.push(person.name);
    for (const method of methods) {
      const address = addressOf(person, method);
      sends.push({
        testPageId: id,
        sendId: testSendId(id, person.id, method),
        personId: person.id,
        method,
        sends: 0,
        ...(address
          ? { status: "pending" as const }
          : {
              status: "failed" as const,
              failedAt: at,
              error: {
                code: "no_address",
                message: `${person.name} has no ${method === "slack" ? "Slack user id" : "phone"} in the directory`,
              },
            }),
      });
    }
  }
  if (unreachable.length === resolved.people.length)
    throw new FirebreakError(
      "no_contact_method",
      `${unreachable.join(", ")} ${unreachable.length === 1 ? "has" : "have"} no contact method to test: their notification rules use methods they have no phone or Slack user id for`,
    );
  const by = who.actor.name ?? who.actor.id;
  const record: TestPageRecord = {
    id,
    target: { kind: target.kind, id: target.id, name: resolved.name },
    people,
    requestedBy: who.actor,
    requestedAt: at,
  };
  const entry: TimelineEntry = {
    id: newId(now.getTime()),
    incidentId: `TESTPAGE#${id}`,
    kind: TEST_PAGE_KIND,
    actor: who.actor,
    at,
    summary: `test page to ${people.map((p) => p.name).join(", ")} (${target.kind} ${resolved.name}) requested by ${by}`,
    data: { testPageId: id, target: record.target, people: people.map((p) => p.personId) },
  };
  await deps.testPages.create({
    record,
    sends,
    entry,
    rateCutoff: new Date(now.getTime() - TEST_PAGE_RATE_LIMIT_MS).toISOString(),
    retryAfterSeconds: Math.ceil(TEST_PAGE_RATE_LIMIT_MS / 1000),
  });
  return testPageView(record, sends);
}

/** A test page as the API answers it, or NotFoundError. */
export async function getTestPage(deps: Pick<TestPageDeps, "testPages">, id: string): Promise<TestPageView> {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) throw new NotFoundError("test page", id);
  const found = await deps.testPages.get(id);
  if (!found) throw new NotFoundError("test page", id);
  return testPageView(found.record, found.sends);
}

export interface TestMethodView {
  method: ContactMethod;
  status: TestSendStatus;
  error?: { code: string; message: string };
  deliveredAt?: string;
  failedAt?: string;
  acknowledgedAt?: string;
  acknowledgedVia?: TestAckVia;
}

export interface TestPageView {
  id: string;
  target: TestPageRecord["target"];
  requestedBy: Actor;
  requestedAt: string;
  /** `sending` while a method is pending or being sent; then `done`. */
  state: "sending" | "done";
  /** Every method delivered (a skipped one, with no channel here, does not count against it). */
  allDelivered: boolean;
  acknowledged: boolean;
  people: Array<{
    personId: string;
    name: string;
    acknowledgedAt?: string;
    acknowledgedVia?: TestAckVia;
    methods: TestMethodView[];
  }>;
}

export function testPageView(record: TestPageRecord, sends: readonly TestPageSend[]): TestPageView {
  const people = record.people.map((person) => {
    const order = (s: TestPageSend) => person.methods.indexOf(s.method);
    const mine = sends.filter((s) => s.personId === person.personId).sort((a, b) => order(a) - order(b));
    const methods: TestMethodView[] = mine.map((s) => ({
      method: s.method,
      status: s.status,
      ...(s.error ? { error: s.error } : {}),
      ...(s.deliveredAt ? { deliveredAt: s.deliveredAt } : {}),
      ...(s.failedAt ? { failedAt: s.failedAt } : {}),
      ...(s.acknowledgedAt ? { acknowledgedAt: s.acknowledgedAt } : {}),
      ...(s.acknowledgedVia ? { acknowledgedVia: s.acknowledgedVia } : {}),
    }));
    const first = mine
      .filter((s) => s.acknowledgedAt)
      .sort((a, b) => (a.acknowledgedAt ?? "").localeCompare(b.acknowledgedAt ?? ""))[0];
    return {
      personId: person.personId,
      name: person.name,
      ...(first?.acknowledgedAt ? { acknowledgedAt: first.acknowledgedAt } : {}),
      ...(first?.acknowledgedVia ? { acknowledgedVia: first.acknowledgedVia } : {}),
      methods,
    };
  });
  const all = people.flatMap((p) => p.methods);
  return {
    id: record.id,
    target: record.target,
    requestedBy: record.requestedBy,
    requestedAt: record.requestedAt,
    state: all.some((m) => m.status === "pending" || m.status === "sending") ? "sending" : "done",
    allDelivered:
      all.some((m) => m.status === "delivered") &&
      all.every((m) => m.status === "delivered" || m.status === "skipped"),
    acknowledged: people.length > 0 && people.every((p) => p.acknowledgedAt !== undefined),
    people,
  };
}
