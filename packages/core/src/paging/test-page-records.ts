import type { Actor } from "../incident/model";
import type { ContactMethod } from "../oncall/notify-rules";

/** The records of a test page (test-pages.ts): the request, the people resolved, one send per method. */

export type TestPageTargetKind = "person" | "team" | "service";

export interface TestPagePerson {
  personId: string;
  name: string;
  phone?: string;
  slackUserId?: string;
  /** The methods tested, in the order of their high-urgency rules. */
  methods: ContactMethod[];
}

export interface TestPageRecord {
  id: string;
  target: { kind: TestPageTargetKind; id: string; name: string };
  people: TestPagePerson[];
  requestedBy: Actor;
  requestedAt: string;
}

/**
 * `pending` until the pager takes it (`sending`), then `delivered` or `failed`; `skipped` when the
 * method's channel is not configured here (a call without a voice channel).
 */
export type TestSendStatus = "pending" | "sending" | "delivered" | "failed" | "skipped";

export type TestAckVia = "link" | "sms_reply";

export interface TestPageSend {
  testPageId: string;
  /** Deterministic per (test page, person, method); the id its ack link carries. */
  sendId: string;
  personId: string;
  method: ContactMethod;
  status: TestSendStatus;
  /** How many times the pager took it for sending (more than 1: resent after a crash). */
  sends: number;
  claimedAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  attempts?: number;
  providerId?: string;
  error?: { code: string; message: string };
  acknowledgedAt?: string;
  acknowledgedVia?: TestAckVia;
}

/** How one send of a test page ended, as recorded on it. */
export type TestSendOutcome =
  | { status: "delivered"; at: string; attempts: number; providerId: string }
  | { status: "failed"; at: string; attempts: number; error: { code: string; message: string } }
  | { status: "skipped"; at: string; error: { code: string; message: string } };
