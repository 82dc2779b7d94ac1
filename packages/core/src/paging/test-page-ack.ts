/**
 * Acknowledging a test page (test-pages.ts), without touching any incident:
 * - its one-click link (the SMS's, the Slack button's): signed with the AckKey like an incident
 *   page's, the link's "incident" is the test page's id and its "page" the send's. The Ack routes
 *   ask here first: a link that is not a test page's (no such send) goes on to the incident path.
 *   GET reads, POST acknowledges once (a conditional write on the send): a replayed link changes
 *   nothing and says it was used;
 * - an SMS reply `1` / `ack` (sms-reply.ts): when the sender's newest test page (by SMS or call to
 *   that number, still within the link's lifetime, acknowledged by no way yet) is newer than their
 *   newest open incident page, the reply acknowledges the test page (its SMS, else its call); a
 *   second reply is not about it any more and goes on to the incident path.
 */
import { systemClock } from "@firebreak/core/shared/clock";
import type { TestPageRepository } from "../ports";
import { type AckKey, verifyAckLink } from "./ack-link";
import { configOf, type PagingReplyDeps } from "./config";
import type { TestAckVia, TestPageSend } from "./test-page-records";

export interface TestAckDeps {
  ackKey: AckKey;
  previousAckKeys?: readonly AckKey[];
  clock?: { now(): Date };
  testPages: Pick<TestPageRepository, "get" | "getSend" | "acknowledge" | "lastFor">;
  /** How long a test page can be acknowledged (the ack link's lifetime). */
  ackLinkTtlMs: number;
}

/** The test-page acknowledgement's dependencies, from paging's (same table, keys and clock). */
export function testAckDepsOf(paging: PagingReplyDeps): TestAckDeps {
  return {
    ackKey: paging.ackKey,
    ...(paging.previousAckKeys ? { previousAckKeys: paging.previousAckKeys } : {}),
    ...(paging.clock ? { clock: paging.clock } : {}),
    testPages: paging.testPages,
    ackLinkTtlMs: configOf(paging).ackLinkTtlMs,
  };
}

/** What a test page's link is for: shown on its confirmation page. */
export interface TestLinkSubject {
  testPageId: string;
  person: string;
  method: TestPageSend["method"];
  requestedBy: string;
  requestedAt: string;
}

export type TestLinkResult =
  | { ok: true; subject: TestLinkSubject; token: string }
  | { ok: false; reason: "already_used"; subject: TestLinkSubject };

const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

async function readTestLink(
  deps: TestAckDeps,
  token: unknown,
): Promise<{ send: TestPageSend; subject: TestLinkSubject } | undefined> {
  if (typeof token !== "string" || !TOKEN.test(token.trim())) return undefined;
  const now = (deps.clock ?? systemClock).now();
  const verified = verifyAckLink(token.trim(), [deps.ackKey, ...(deps.previousAckKeys ?? [])], now);
  // Not valid (malformed, forged, expired): the incident path answers it as it answers any link.
  if ("error" in verified) return undefined;
  const send = await deps.testPages.getSend(verified.incidentId, verified.pageId);
  if (!send) return undefined;
  const found = await deps.testPages.get(send.testPageId);
  const person = found?.record.people.find((p) => p.personId === send.personId);
  return {
    send,
    subject: {
      testPageId: send.testPageId,
      person: person?.name ?? send.personId,
      method: send.method,
      requestedBy: found?.record.requestedBy.name ?? found?.record.requestedBy.id ?? "someone",
      requestedAt: found?.record.requestedAt ?? "",
    },
  };
}

/** A test page's link, read without acknowledging (the link's GET); undefined when it is not one. */
export async function inspectTestPageLink(
  deps: TestAckDeps,
  token: unknown,
): Promise<TestLinkResult | undefined> {
  const link = await readTestLink(deps, token);
  if (!link) return undefined;
  if (link.send.acknowledgedAt) return { ok: false, reason: "already_used", subject: link.subject };
  return { ok: true, subject: link.subject, token: String(token).trim() };
}

/** Acknowledges a test page by its link, once; undefined when the token is not a test page's. */
export async function acknowledgeTestPageByLink(
  deps: TestAckDeps,
  token: unknown,
): Promise<TestLinkResult | undefined> {
  const link = await readTestLink(deps, token);
  if (!link) return undefined;
  const at = (deps.clock ?? systemClock).now().toISOString();
  const fresh = await deps.testPages.acknowledge(link.send.testPageId, link.send.sendId, at, "link");
  if (!fresh) return { ok: false, reason: "already_used", subject: link.subject };
  return { ok: true, subject: link.subject, token: String(token).trim() };
}

/**
 * The test page send an SMS reply `1` from `phone` (a phone of `people`) means: the newest test
 * page to one of them, by SMS or call, delivered and within the link's lifetime, when nothing of
 * theirs in it is acknowledged yet and it is newer than `newerThan` (their newest open incident
 * page). Reads only.
 */
export async function testPageForSms(
  deps: TestAckDeps,
  people: ReadonlyArray<{ id: string }>,
  newerThan: string | undefined,
): Promise<TestPageSend | undefined> {
  const now = (deps.clock ?? systemClock).now();
  const since = new Date(now.getTime() - deps.ackLinkTtlMs).toISOString();
  const last = (
    await Promise.all(people.map(async (p) => ({ personId: p.id, last: await deps.testPages.lastFor(p.id) })))
  )
    .filter((l) => l.last && l.last.at >= since && (!newerThan || l.last.at > newerThan))
    .sort((a, b) => (b.last?.at ?? "").localeCompare(a.last?.at ?? ""))[0];
  if (!last?.last) return undefined;
  const found = await deps.testPages.get(last.last.testPageId);
  const theirs = found?.sends.filter((s) => s.personId === last.personId) ?? [];
  // Acknowledged already (by a link or an earlier reply): the reply is not about this test page.
  if (theirs.some((s) => s.acknowledgedAt)) return undefined;
  return theirs.find((s) => (s.method === "sms" || s.method === "voice") && s.status === "delivered");
}

/** Records a test page send's acknowledgement, once (false: acknowledged already). */
export function acknowledgeTestSend(
  deps: TestAckDeps,
  send: TestPageSend,
  via: TestAckVia,
): Promise<boolean> {
  const at = (deps.clock ?? systemClock).now().toISOString();
  return deps.testPages.acknowledge(send.testPageId, send.sendId, at, via);
}
