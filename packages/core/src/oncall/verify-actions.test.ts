/**
 * Verifying contact methods against DynamoDB Local: a request writes a pending record and its
 * event (never the code); the pager sends the code once however often the request is delivered;
 * the right code verifies the method for that address only; wrong codes, stale requests, missing
 * channels, other people's methods and repeated requests are each refused or recorded with their
 * reason; concurrent requests by different people all land.
 */
import { readFileSync } from "node:fs";
import { createTestTable, partitionItems, storeFor } from "@firebreak/testkit/dynamo";
import { beforeEach, describe, expect, it } from "vitest";
import { ContactStore } from "../adapters/dynamodb/oncall/contact-store";
import { DirectoryStore } from "../adapters/dynamodb/oncall/store";
import type { DeliveryResult, OutgoingPage, PageChannel } from "../paging/channels";
import { sendVerification } from "../paging/verify-send";
import {
  isVerified,
  MAX_VERIFY_ATTEMPTS,
  methodStatus,
  VERIFY_CODE_TTL_MS,
  verificationCode,
} from "./contact-methods";
import { parseDirectoryYaml } from "./directory-yaml";
import { confirmBySms, confirmVerification, requestVerification } from "./verify-actions";

const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);
const T0 = Date.parse("2026-03-08T06:50:00.000Z"); // 10 minutes before the US clock change
let nowMs = T0;
const clock = { now: () => new Date(nowMs) };
const ackKey = { id: "k1", secret: "a-secret-of-at-least-thirty-two-bytes-0123456789" };
let directories: DirectoryStore;
let contacts: ContactStore;

class RecordingChannel implements PageChannel {
  readonly sent: OutgoingPage[] = [];
  constructor(
    readonly name: "sns" | "slack" | "voice",
    private readonly result: DeliveryResult = { status: "delivered", providerId: "m-1", attempts: 1 },
  ) {}
  async send(page: OutgoingPage): Promise<DeliveryResult> {
    this.sent.push(page);
    return this.result;
  }
}

const self = (personId: string) => ({
  actor: { type: "user" as const, id: personId, name: personId },
  personId,
  admin: false,
});
const admin = { actor: { type: "user" as const, id: "root", name: "Root" }, personId: "root", admin: true };

beforeEach(async () => {
  nowMs = T0;
  const table = storeFor(await createTestTable("verify"));
  directories = new DirectoryStore(table.db, table.tableName, clock);
  contacts = new ContactStore(directories);
  await directories.apply(demo, 0);
});

function pager(channels: Record<string, PageChannel>) {
  return {
    contacts,
    channels,
    ackKey,
    clock,
    dashboardUrl: "https://d1a2b3c4d5e6f7.cloudfront.net",
  };
}

async function entries(kind: string) {
  const out = await partitionItems(directories.db, directories.tableName, "DIRECTORY", "TL#");
  return (out ?? []).filter((i) => i.kind === kind);
}

describe("contact-method verification", () => {
  it("sends a code once per request, and the right code verifies the method for that address", async () => {
    const { requestId } = await requestVerification({ contacts, clock }, "alice", "sms", self("alice"));
    const requested = await entries("oncall.verification_requested");
    expect(requested).toHaveLength(1);
    expect(requested[0]?.data).toEqual({ personId: "alice", method: "sms", requestId });
    const code = verificationCode(ackKey.secret, requestId, "+447700900101");
    expect(JSON.stringify(requested)).not.toContain(code);

    const sns = new RecordingChannel("sns");
    // At-least-once: the bus delivers the request three times; one SMS goes.
    for (let i = 0; i < 3; i++) await sendVerification(pager({ sns }), "alice", "sms", requestId);
    expect(sns.sent).toHaveLength(1);
    expect(sns.sent[0]?.target).toMatchObject({ kind: "person", personId: "alice", phone: "+447700900101" });
    expect(sns.sent[0]?.sms).toContain(code);
    expect(await entries("oncall.verification_sent")).toHaveLength(1);

    let stored = await contacts.get();
    const alice = demo.people.find((p) => p.id === "alice")!;
    expect(methodStatus(stored.items, alice, "sms", clock.now())).toBe("pending");
    const view = await confirmVerification(
      { contacts, clock },
      "alice",
      undefined,
      code,
      self("alice"),
      "slack",
    );
    expect(view.verified).toBe("sms");
    expect(view.methods.find((m) => m.method === "sms")).toMatchObject({
      status: "verified",
      verifiedVia: "slack",
    });
    stored = await contacts.get();
    expect(isVerified(stored.items, alice, "sms")).toBe(true);
    expect(isVerified(stored.items, alice, "voice")).toBe(false);
    expect((await entries("oncall.contact_verified"))[0]?.actor).toMatchObject({ id: "alice" });

    // The phone changes in the directory: SMS is unverified again.
    await directories.apply(
      { ...demo, people: demo.people.map((p) => (p.id === "alice" ? { ...p, phone: "+447700900999" } : p)) },
      1,
    );
    stored = await contacts.get();
    const moved = stored.applied!.people.find((p) => p.id === "alice")!;
    expect(methodStatus(stored.items, moved, "sms", clock.now())).toBe("unverified");
  });

  it("counts wrong codes, and after five the code is dead", async () => {
    const { requestId } = await requestVerification({ contacts, clock }, "bob", "slack", self("bob"));
    const slack = new RecordingChannel("slack");
    await sendVerification(pager({ slack }), "bob", "slack", requestId);
    expect(slack.sent[0]?.target).toMatchObject({ slackUserId: "U01BOB0002" });
    const code = verificationCode(ackKey.secret, requestId, "U01BOB0002");
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 1; i < MAX_VERIFY_ATTEMPTS; i++)
      await expect(
        confirmVerification({ contacts, clock }, "bob", "slack", wrong, self("bob"), "api"),
      ).rejects.toThrow(`${MAX_VERIFY_ATTEMPTS - i} ${MAX_VERIFY_ATTEMPTS - i === 1 ? "try" : "tries"} left`);
    await expect(
      confirmVerification({ contacts, clock }, "bob", "slack", wrong, self("bob"), "api"),
    ).rejects.toThrow("no longer works");
    // Even the right code is refused now.
    await expect(
      confirmVerification({ contacts, clock }, "bob", "slack", code, self("bob"), "api"),
    ).rejects.toThrow("is waiting for a code");
    const bob = demo.people.find((p) => p.id === "bob")!;
    expect(methodStatus((await contacts.get()).items, bob, "slack", clock.now())).toBe("unverified");
  });

  it("refuses another person's method, a second request within a minute, an expired code and a missing address", async () => {
    await expect(requestVerification({ contacts, clock }, "alice", "sms", self("bob"))).rejects.toThrow(
      "not alice's",
    );
    const first = await requestVerification({ contacts, clock }, "alice", "voice", admin);
    await expect(
      requestVerification({ contacts, clock }, "alice", "voice", self("alice")),
    ).rejects.toMatchObject({
      code: "too_soon",
    });
    const voice = new RecordingChannel("voice");
    await sendVerification(pager({ voice }), "alice", "voice", first.requestId);
    expect(voice.sent[0]?.voice?.ssml).toContain('<say-as interpret-as="digits">');
    nowMs = T0 + VERIFY_CODE_TTL_MS + 1;
    const code = verificationCode(ackKey.secret, first.requestId, "+447700900101");
    await expect(
      confirmVerification({ contacts, clock }, "alice", "voice", code, self("alice"), "api"),
    ).rejects.toThrow("expired");
    await expect(
      confirmVerification({ contacts, clock }, "alice", "voice", "12345", self("alice"), "api"),
    ).rejects.toThrow("six digits");
    const noPhone = demo.people.find((p) => !p.phone);
    if (noPhone)
      await expect(requestVerification({ contacts, clock }, noPhone.id, "sms", admin)).rejects.toThrow(
        "has no phone",
      );
    await expect(requestVerification({ contacts, clock }, "nobody", "sms", admin)).rejects.toThrow(
      "was not found",
    );
  });

  it("records a channel that is not configured or fails, and sends nothing for a replaced request", async () => {
    const first = await requestVerification({ contacts, clock }, "chen", "voice", self("chen"));
    await sendVerification(pager({}), "chen", "voice", first.requestId);
    const chen = demo.people.find((p) => p.id === "chen")!;
    let stored = await contacts.get();
    expect(stored.items.chen?.voice?.sendError).toContain("channel_not_configured");
    expect(methodStatus(stored.items, chen, "voice", clock.now())).toBe("unverified");
    expect((await entries("oncall.verification_sent"))[0]?.summary).toContain("not sent");

    nowMs = T0 + 61_000;
    const second = await requestVerification({ contacts, clock }, "chen", "sms", self("chen"));
    const third = await requestVerification({ contacts, clock }, "chen", "voice", self("chen"));
    const failing = new RecordingChannel("sns", {
      status: "failed",
      error: { code: "InvalidParameter", message: "bad number", retryable: false },
      attempts: 1,
    });
    expect(await sendVerification(pager({ sns: failing }), "chen", "sms", second.requestId)).toMatchObject({
      outcome: "failed",
    });
    // The first voice request was replaced by the third: it sends nothing.
    const voice = new RecordingChannel("voice");
    expect(await sendVerification(pager({ voice }), "chen", "voice", first.requestId)).toEqual({
      outcome: "skipped",
      reason: "a newer request replaced this one",
    });
    await sendVerification(pager({ voice }), "chen", "voice", third.requestId);
    expect(voice.sent).toHaveLength(1);
    stored = await contacts.get();
    expect(stored.items.chen?.sms?.sendError).toBe("InvalidParameter: bad number");
  });

  it("confirms by SMS reply from the phone, and keeps every person's request when they ask at once", async () => {
    const people = demo.people.filter((p) => p.phone).slice(0, 5);
    const requests = await Promise.all(
      people.map((p) => requestVerification({ contacts, clock }, p.id, "sms", self(p.id))),
    );
    const sns = new RecordingChannel("sns");
    await Promise.all(
      people.map((p, i) => sendVerification(pager({ sns }), p.id, "sms", requests[i]!.requestId)),
    );
    expect(sns.sent).toHaveLength(people.length);
    const [first] = people;
    const code = verificationCode(ackKey.secret, requests[0]!.requestId, first!.phone!);
    expect(
      await confirmBySms({ contacts, clock }, first!.id, code === "999999" ? "000000" : "999999"),
    ).toMatchObject({
      verified: false,
    });
    expect(await confirmBySms({ contacts, clock }, first!.id, code)).toMatchObject({
      verified: true,
      method: "sms",
    });
    // Again (a redelivered reply): nothing waits any more.
    expect(await confirmBySms({ contacts, clock }, first!.id, code)).toBeUndefined();
    const stored = await contacts.get();
    for (const p of people.slice(1)) expect(stored.items[p.id]?.sms?.status).toBe("pending");
  });
});
