import { LocalDispatcher } from "@firebreak/core/events/dispatcher";
import { describe, expect, it } from "vitest";
import { publisherEnqueue } from "./work";

describe("publisherEnqueue", () => {
  it("publishes each work item as one bus event, detail-type = its type, the item as data", async () => {
    const bus = new LocalDispatcher({ log: { info() {}, warn() {}, error() {} } });
    const seen: unknown[] = [];
    bus.subscribe("slack-work", { "detail-type": [{ prefix: "slack." }] }, async (event) => {
      seen.push(event);
    });
    const enqueue = publisherEnqueue(bus, { now: () => new Date("2025-03-14T09:42:10.000Z") });
    const work = {
      type: "slack.incident_declared" as const,
      incidentId: "01JINC",
      number: 7,
      declaredBy: "U04ONCALL01",
      channelId: "C06INCRESP1",
      message: { channel: "C06INCRESP1", ts: "1741945333.719249" },
    };
    await enqueue(work);
    await bus.drain();
    expect(seen).toMatchObject([
      {
        source: "firebreak",
        "detail-type": "slack.incident_declared",
        detail: {
          type: "slack.incident_declared",
          incidentId: "01JINC",
          time: "2025-03-14T09:42:10.000Z",
          detail: {
            kind: "slack.incident_declared",
            actor: { type: "slack", id: "U04ONCALL01" },
            data: work,
          },
        },
      },
    ]);
  });
});
