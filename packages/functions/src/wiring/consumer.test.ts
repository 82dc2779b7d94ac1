import type { BusEvent } from "@firebreak/core/events/dispatcher";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";
import { ValidationError } from "@firebreak/core/shared/errors";
import { busEvent } from "@firebreak/testkit/factories";
import { describe, expect, it } from "vitest";
import { lambdaContext } from "../../../local/src/apigw";
import { defineConsumer, parseConsumed } from "./consumer";

function event(kind: string, data: Record<string, unknown>, incidentId = "INC-7"): BusEvent {
  const entry: TimelineEntry = {
    id: "01JABCDEFGHJKMNPQRSTVWXYZ0",
    incidentId,
    kind,
    actor: { type: "system", id: "firebreak" },
    at: "2026-03-08T09:59:00.000Z",
    summary: kind,
    data,
  };
  return busEvent(entry);
}
const ctx = lambdaContext("consumer-test");

describe("defineConsumer", () => {
  it("routes each kind of its rule to its own route, or to `otherwise`, with the parsed data", async () => {
    const seen: string[] = [];
    const handler = defineConsumer("TestSender", () => ({
      "page.test_requested": async ({ data, incidentId, id }) => {
        seen.push(`${data.testPageId} ${incidentId} ${id}`);
        return { status: "sent" };
      },
      otherwise: async ({ kind }) => ({ status: `other ${kind}` }),
    }));
    expect(await handler(event("page.test_requested", { testPageId: "TP-9" }, "TESTPAGE#TP-9"), ctx)).toEqual(
      {
        status: "sent",
      },
    );
    expect(seen).toEqual(["TP-9 TESTPAGE#TP-9 01JABCDEFGHJKMNPQRSTVWXYZ0"]);
    const verification = event("oncall.verification_requested", {
      personId: "alice",
      method: "sms",
      requestId: "01JREQ",
    });
    expect(await handler(verification, ctx)).toEqual({ status: "other oncall.verification_requested" });
  });

  it("ignores a kind outside its rule, and refuses an event that does not parse, naming each field", async () => {
    let called = 0;
    const handler = defineConsumer("ActionItemSync", () => ({
      "action_item.created": async () => {
        called += 1;
        return { status: "synced" };
      },
    }));
    expect(await handler(event("incident.declared", {}), ctx)).toEqual({ status: "ignored" });
    const refused = await handler(event("action_item.created", { actionItemId: 42 }), ctx).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues).toEqual([
      { path: "detail.detail.data.actionItemId", message: expect.stringMatching(/string/) },
    ]);
    const noIncident = await handler(event("action_item.created", { actionItemId: "AI-1" }, ""), ctx).catch(
      (e) => e,
    );
    expect((noIncident as ValidationError).issues.map((i) => i.path)).toEqual(["detail.incidentId"]);
    expect(called).toBe(0);
    // A hostile detail (not an object at all) is refused the same way, never a TypeError.
    const hostile = { ...event("action_item.created", {}), detail: "x" } as unknown as BusEvent;
    await expect(handler(hostile, ctx)).rejects.toBeInstanceOf(ValidationError);
  });

  it("refuses, when defined, routes that miss a kind of its rule or name a kind outside it", () => {
    expect(() => defineConsumer("TestSender", () => ({ "page.test_requested": async () => 1 }))).toThrow(
      "TestSender: oncall.verification_requested has no handler",
    );
    expect(() =>
      defineConsumer("ActionItemSync", () => ({
        "action_item.created": async () => 1,
        ...({ "incident.declared": async () => 2 } as object),
      })),
    ).toThrow("ActionItemSync: incident.declared is not in its rule");
  });

  it("passes a kind without a data schema through as it is", () => {
    const parsed = parseConsumed("incident.declared", event("incident.declared", { number: 7, title: "x" }));
    expect(parsed.data).toEqual({ number: 7, title: "x" });
    expect(parsed.incidentId).toBe("INC-7");
  });
});
