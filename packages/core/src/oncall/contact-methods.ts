/**
 * Verified contact methods: a person's Slack DM, SMS and call are each `unverified` until the
 * person confirms a test message sent that way. Pure (no SDK, no zod): the model, the status of a
 * method, and the verification code.
 *
 * - A verification is bound to the address it was sent to (the Slack id, the phone): change the
 *   phone in the directory and its SMS and call are unverified again.
 * - SMS and call are separate methods: a landline takes calls and no SMS.
 * - The code is six digits, derived from the request id with the AckKey (HMAC-SHA256), so the
 *   pager sends the same code again when the bus redelivers the request, and no event, log or
 *   timeline entry ever carries it. The store keeps only its SHA-256 with the request id.
 * - A code works for `VERIFY_CODE_TTL_MS` (15 minutes) and at most `MAX_VERIFY_ATTEMPTS` (5) wrong
 *   tries: guessing a code then takes ~200,000 requests, each a new test message to the owner.
 * - There is no e-mail method: Firebreak sends nothing to a person's e-mail (SNS e-mail reaches
 *   topic subscribers only), so there is nothing to verify.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Actor } from "../incident/model";
import type { Person } from "./directory-types";
import type { ContactMethod, NotifyRules } from "./notify-rules";

export const VERIFY_CODE_TTL_MS = 15 * 60_000;
export const MAX_VERIFY_ATTEMPTS = 5;
/** A new test message to the same method waits this long after the last one. */
export const VERIFY_RESEND_MS = 60_000;

/** A method's standing verification: the address confirmed, when and how. */
export interface StandingVerification {
  address: string;
  at: string;
  /** How the owner confirmed: `api`, `slack`, `sms`, `cli`, `dashboard`. */
  via: string;
  by?: Actor;
}

/**
 * One method's verification, as stored (ContactRepository, ports/oncall.ts): its latest
 * test message (the request) and, apart from it, the standing verification, which a new request
 * does not drop (sending a test message to a verified phone must not open a coverage gap).
 */
export interface MethodVerification {
  /** The address the latest test message went to. */
  address: string;
  /** The latest request's: waiting for its code, or confirmed. */
  status: "pending" | "verified";
  /** The request the code belongs to (its id derives the code). */
  requestId: string;
  requestedAt: string;
  requestedBy: Actor;
  /** Until when the code works. */
  expiresAt: string;
  /** SHA-256 of `<requestId>:<code>`, written by the pager as it sends. */
  codeHash?: string;
  /** Wrong codes tried against this request. */
  attempts: number;
  /** When the test message went (the channel said delivered), or why it did not. */
  sentAt?: string;
  sendError?: string;
  verified?: StandingVerification;
}

/** Verifications by person id, then by method. */
export type ContactRecords = Record<string, Partial<Record<ContactMethod, MethodVerification>>>;

/**
 * - `verified`: confirmed, for the address the directory has now (a newer test message may be out);
 * - `pending`: not verified; a test message is out (or on its way) and its code still works;
 * - `unverified`: never confirmed, expired, or confirmed for an address the person no longer has;
 * - `no_address`: the person has no Slack id (slack) or no phone (sms, voice).
 */
export type MethodStatus = "verified" | "pending" | "unverified" | "no_address";

export const METHOD_LABEL: Record<ContactMethod, string> = { slack: "Slack DM", sms: "SMS", voice: "call" };

/** A phone shown with its last four digits (`••••0123`); a Slack id as it is. */
export function maskAddress(method: ContactMethod, address: string): string {
  return method === "slack" ? address : `••••${address.slice(-4)}`;
}

/** The address a method reaches the person at. */
export function addressOf(
  person: Pick<Person, "slackUserId" | "phone">,
  method: ContactMethod,
): string | undefined {
  return method === "slack" ? person.slackUserId : person.phone;
}

function own(records: ContactRecords | undefined, personId: string, method: ContactMethod) {
  const mine = records && Object.hasOwn(records, personId) ? records[personId] : undefined;
  return mine && Object.hasOwn(mine, method) ? mine[method] : undefined;
}

export function methodStatus(
  records: ContactRecords | undefined,
  person: Pick<Person, "id" | "slackUserId" | "phone">,
  method: ContactMethod,
  now: Date,
): MethodStatus {
  const address = addressOf(person, method);
  if (!address) return "no_address";
  if (isVerified(records, person, method)) return "verified";
  const record = own(records, person.id, method);
  if (!record || record.address !== address || record.status !== "pending") return "unverified";
  return Date.parse(record.expiresAt) > now.getTime() &&
    !record.sendError &&
    record.attempts < MAX_VERIFY_ATTEMPTS
    ? "pending"
    : "unverified";
}

/** The method's test message that still takes a code (sent, for the current address, not expired, tries left). */
export function awaitingCode(
  records: ContactRecords | undefined,
  person: Pick<Person, "id" | "slackUserId" | "phone">,
  method: ContactMethod,
  now: Date,
): MethodVerification | undefined {
  const record = own(records, person.id, method);
  return record &&
    record.status === "pending" &&
    record.address === addressOf(person, method) &&
    record.codeHash &&
    Date.parse(record.expiresAt) > now.getTime() &&
    record.attempts < MAX_VERIFY_ATTEMPTS
    ? record
    : undefined;
}

/** Whether the method reaches the person at a confirmed address (time plays no part). */
export function isVerified(
  records: ContactRecords | undefined,
  person: Pick<Person, "id" | "slackUserId" | "phone">,
  method: ContactMethod,
): boolean {
  const address = addressOf(person, method);
  return Boolean(address && own(records, person.id, method)?.verified?.address === address);
}

/** The methods of an urgency's steps that are verified, in the steps' order. */
export function verifiedSteps(
  records: ContactRecords | undefined,
  person: Pick<Person, "id" | "slackUserId" | "phone">,
  rules: NotifyRules,
  urgency: keyof NotifyRules,
): ContactMethod[] {
  return rules[urgency].map((s) => s.method).filter((m) => isVerified(records, person, m));
}

export interface MethodView {
  method: ContactMethod;
  /** The address, as the directory has it (absent: none). */
  address?: string;
  status: MethodStatus;
  verifiedAt?: string;
  verifiedVia?: string;
  /** Of the test message in flight: when it was asked for, sent, until when its code works, or why it failed. */
  requestedAt?: string;
  sentAt?: string;
  expiresAt?: string;
  sendError?: string;
}

/** Each method of a person with its status, for every place the directory is shown. */
export function methodViews(
  records: ContactRecords | undefined,
  person: Pick<Person, "id" | "slackUserId" | "phone">,
  now: Date,
): MethodView[] {
  return (["slack", "sms", "voice"] as const).map((method) => {
    const address = addressOf(person, method);
    const status = methodStatus(records, person, method, now);
    const record = own(records, person.id, method);
    const view: MethodView = { method, status, ...(address ? { address } : {}) };
    if (record?.verified && record.verified.address === address) {
      view.verifiedAt = record.verified.at;
      view.verifiedVia = record.verified.via;
    }
    if (record && record.address === address && record.status === "pending") {
      view.requestedAt = record.requestedAt;
      view.expiresAt = record.expiresAt;
      if (record.sentAt) view.sentAt = record.sentAt;
      if (record.sendError) view.sendError = record.sendError;
    }
    return view;
  });
}

/** "Slack DM verified, SMS pending, call unverified". */
export function describeMethods(views: readonly MethodView[]): string {
  return views
    .filter((v) => v.status !== "no_address")
    .map((v) => `${METHOD_LABEL[v.method]} ${v.status}`)
    .join(", ");
}

const DOMAIN = "firebreak/verify/v1\u0000";

/** The six-digit code of a request, for the address it goes to (the AckKey's secret signs it). */
export function verificationCode(secret: string | Uint8Array, requestId: string, address: string): string {
  const mac = createHmac("sha256", secret).update(`${DOMAIN}${requestId}\u0000${address}`).digest();
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, "0");
}

export function codeHash(requestId: string, code: string): string {
  return createHash("sha256").update(`${requestId}:${code}`).digest("hex");
}

/** Whether `code` is the request's (constant time). */
export function codeMatches(
  record: Pick<MethodVerification, "requestId" | "codeHash">,
  code: string,
): boolean {
  if (!record.codeHash || !/^\d{6}$/.test(code)) return false;
  const given = Buffer.from(codeHash(record.requestId, code), "hex");
  const stored = Buffer.from(record.codeHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** The id a person's verification entries carry as their `incidentId` (they belong to no incident). */
export const contactTimelineId = (personId: string) => `CONTACT#${personId}`;
