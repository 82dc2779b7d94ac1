import type { Log } from "@firebreak/core/shared/log";
import { describe, expect, it, vi } from "vitest";
import { type BusEvent, type EventPattern, LocalDispatcher, matchesPattern } from "./dispatcher";
import { EVENT_SOURCE } from "./publisher";
import { domainEvent } from "./testing";

function recordingLog() {
  const lines: { level: string; message: string; extra: Record<string, unknown>[] }[] = [];
  const log: Log = {
    info: (message, ...extra) => lines.push({ level: "info", message, extra }),
    warn: (message, ...extra) => lines.push({ level: "warn", message, extra }),
    error: (message, ...extra) => lines.push({ level: "error", message, extra }),
  };
  return { log, lines };
}

function dispatcher(options: { maxAttempts?: number } = {}) {
  const { log, lines } = recordingLog();
  const bus = new LocalDispatcher({ log, sleep: async () => {}, ...options });
  return { bus, lines };
}

const event = (type: string, source = EVENT_SOURCE) => ({ source, "detail-type": type });

describe("matchesPattern", () => {
  const cases: [EventPattern, ReturnType<typeof event>, boolean][] = [
    [{}, event("incident.declared"), true],
    [{ source: ["firebreak"] }, event("incident.declared"), true],
    [{ source: ["aws.cloudwatch"] }, event("incident.declared"), false],
    [{ "detail-type": ["incident.declared", "incident.resolved"] }, event("incident.resolved"), true],
    [{ "detail-type": ["incident.declared"] }, event("incident.declared_again"), false],
    [{ "detail-type": [{ prefix: "incident." }] }, event("incident.status_changed"), true],
    [{ "detail-type": [{ prefix: "incident." }] }, event("page.sent"), false],
    [{ "detail-type": ["page.sent", { prefix: "incident." }] }, event("page.sent"), true],
    [{ source: ["firebreak"], "detail-type": ["page.sent"] }, event("page.sent", "other"), false],
  ];
  it.each(cases)("%j matches %j: %s", (pattern, candidate, expected) => {
    expect(matchesPattern(pattern, candidate)).toBe(expected);
  });
});

describe("matchesPattern on the detail (EventBridge content matching)", () => {
  const resolved = { detail: { data: { to: ["resolved"] } } };
  const statusChange = (to: unknown) => ({
    ...event("incident.status_changed"),
    detail: { incidentId: "i1", detail: { data: { to } } },
  });
  it("matches nested values, any element of an array value, and nothing when the path is missing", () => {
    expect(matchesPattern({ detail: resolved }, statusChange("resolved"))).toBe(true);
    expect(matchesPattern({ detail: resolved }, statusChange("mitigated"))).toBe(false);
    expect(matchesPattern({ detail: resolved }, statusChange(["mitigated", "resolved"]))).toBe(true);
    expect(matchesPattern({ detail: resolved }, statusChange(undefined))).toBe(false);
    expect(matchesPattern({ detail: resolved }, { ...event("incident.status_changed"), detail: {} })).toBe(
      false,
    );
    expect(matchesPattern({ detail: { incidentId: [{ prefix: "i" }] } }, statusChange("x"))).toBe(true);
  });

  it("routes only the matching events to a subscriber with a detail pattern", async () => {
    const { bus } = dispatcher();
    const seen: string[] = [];
    bus.subscribe(
      "postmortem",
      { source: ["firebreak"], "detail-type": ["incident.status_changed"], detail: resolved },
      async (e) => {
        seen.push(String(e.detail.detail.data.to));
      },
    );
    await bus.publish([
      domainEvent({ kind: "incident.status_changed", data: { to: "mitigated" } }),
      domainEvent({ kind: "incident.status_changed", data: { to: "resolved" } }),
    ]);
    await bus.drain();
    expect(seen).toEqual(["resolved"]);
    expect(bus.subscribers()).toEqual([
      {
        name: "postmortem",
        pattern: { source: ["firebreak"], "detail-type": ["incident.status_changed"], detail: resolved },
      },
    ]);
  });

  it("refuses a malformed detail pattern, naming the path", () => {
    const { bus } = dispatcher();
    expect(() => bus.subscribe("bad", { detail: { data: { to: [] } } }, async () => undefined)).toThrow(
      /invalid event pattern/,
    );
    expect(() =>
      bus.subscribe("bad2", { detail: { data: "resolved" } as never }, async () => undefined),
    ).toThrow(/invalid event pattern/);
  });
});

describe("LocalDispatcher", () => {
  it("delivers each event, as an EventBridge envelope, to every matching subscriber", async () => {
    const { bus } = dispatcher();
    const got: Record<string, BusEvent[]> = { all: [], declared: [], pages: [] };
    bus.subscribe("all", { source: [EVENT_SOURCE] }, async (e) => void got.all?.push(e));
    bus.subscribe(
      "declared",
      { "detail-type": ["incident.declared"] },
      async (e) => void got.declared?.push(e),
    );
    bus.subscribe("pages", { "detail-type": [{ prefix: "page." }] }, async (e) => void got.pages?.push(e));
    const declared = domainEvent({ kind: "incident.declared" });
    const changed = domainEvent({ kind: "incident.status_changed" });

    await bus.publish([declared, changed]);
    await bus.drain();

    expect(got.all?.map((e) => e.detail)).toEqual([declared, changed]);
    expect(got.declared?.map((e) => e.detail.id)).toEqual([declared.id]);
    expect(got.pages).toEqual([]);
    expect(got.declared?.[0]).toMatchObject({
      version: "0",
      source: EVENT_SOURCE,
      "detail-type": "incident.declared",
      time: declared.time,
      resources: [],
    });
  });

  it("isolates a failing subscriber from the others", async () => {
    const { bus } = dispatcher();
    const delivered: string[] = [];
    bus.subscribe("broken", {}, async () => {
      throw new Error("boom");
    });
    bus.subscribe("healthy", {}, async (e) => {
      delivered.push(e.detail.id);
    });
    const e = domainEvent();

    await bus.publish([e]);
    await bus.drain();

    expect(delivered).toEqual([e.id]);
  });

  it("retries a failing subscriber, then keeps the event as a dead letter and logs it", async () => {
    const { bus, lines } = dispatcher({ maxAttempts: 3 });
    let calls = 0;
    bus.subscribe("flaky", {}, async () => {
      calls++;
      throw new Error("still broken");
    });
    const e = domainEvent();

    await bus.publish([e]);
    await bus.drain();

    expect(calls).toBe(3);
    const [letter] = bus.deadLetters();
    expect(bus.deadLetters()).toHaveLength(1);
    expect(letter).toMatchObject({ subscriber: "flaky", attempts: 3, reason: "Error: still broken" });
    expect(letter?.event.detail.id).toBe(e.id);
    expect(lines.filter((l) => l.level === "warn")).toHaveLength(2);
    expect(lines.filter((l) => l.level === "error")).toEqual([
      expect.objectContaining({
        extra: [expect.objectContaining({ subscriber: "flaky", eventId: e.id, attempts: 3 })],
      }),
    ]);
  });

  it("delivers once a retry succeeds, without a dead letter", async () => {
    const { bus } = dispatcher();
    let calls = 0;
    bus.subscribe("recovers", {}, async () => {
      if (++calls < 2) throw new Error("transient");
    });

    await bus.publish([domainEvent()]);
    await bus.drain();

    expect(calls).toBe(2);
    expect(bus.deadLetters()).toEqual([]);
  });

  it("drains deliveries started by subscribers themselves", async () => {
    const { bus } = dispatcher();
    const seen: string[] = [];
    bus.subscribe("chain", { "detail-type": ["incident.declared"] }, async () => {
      await bus.publish([domainEvent({ kind: "page.sent" })]);
    });
    bus.subscribe("pages", { "detail-type": ["page.sent"] }, async (e) => {
      seen.push(e["detail-type"]);
    });

    await bus.publish([domainEvent({ kind: "incident.declared" })]);
    await bus.drain();

    expect(seen).toEqual(["page.sent"]);
  });

  it("publishAndWait resolves only once every subscriber has handled the events (or dead-lettered them)", async () => {
    const { bus } = dispatcher({ maxAttempts: 2 });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: string[] = [];
    bus.subscribe("slow", {}, async (e) => {
      await gate;
      handled.push(e.detail.id);
    });
    bus.subscribe("broken", {}, async () => {
      throw new Error("never works");
    });
    const e = domainEvent();

    let settled = false;
    const publishing = bus.publishAndWait([e]).then(() => {
      settled = true;
    });
    await vi.waitFor(() => expect(bus.deadLetters()).toHaveLength(1));
    // The failing subscriber is done (dead-lettered), the slow one is not: still waiting.
    expect(settled).toBe(false);
    expect(handled).toEqual([]);

    release();
    await publishing;
    expect(handled).toEqual([e.id]);
    expect(bus.recentEvents().map((r) => r.detail.id)).toEqual([e.id]);
  });

  it("keeps the last 500 events for the local API", async () => {
    const { bus } = dispatcher();
    const events = Array.from({ length: 510 }, (_, i) => domainEvent({ summary: `e${i}` }));

    await bus.publish(events);

    const recent = bus.recentEvents();
    expect(recent).toHaveLength(500);
    expect(recent[0]?.detail.detail.summary).toBe("e10");
    expect(recent.at(-1)?.detail.detail.summary).toBe("e509");
  });

  it("rejects invalid patterns and duplicate names; unsubscribing stops delivery", async () => {
    const { bus } = dispatcher();
    expect(() => bus.subscribe("empty", { source: [] }, async () => {})).toThrow("invalid event pattern");
    let calls = 0;
    const unsubscribe = bus.subscribe("once", {}, async () => {
      calls++;
    });
    expect(() => bus.subscribe("once", {}, async () => {})).toThrow("already exists");

    unsubscribe();
    await bus.publish([domainEvent()]);
    await bus.drain();

    expect(calls).toBe(0);
  });
});
