import { type EventPublisher, eventFromEntry } from "@firebreak/core/events/publisher";
import type { TimelineEntry } from "@firebreak/core/incident/timeline";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { newId } from "@firebreak/core/shared/ids";
import type { SlackWork } from "./app";

/**
 * `enqueue` on top of any `EventPublisher`: the production `EventBridgePublisher` (app bus) or the
 * local runtime's in-process `LocalDispatcher`. Each work item becomes one bus event, source
 * `firebreak`, detail-type = the work's `type` (`slack.incident_declared`, `slack.role_assigned`),
 * in the domain events' envelope: `detail.detail.data` is the work item, `detail.id` a fresh ULID to
 * deduplicate on. These are hand-offs, not timeline entries: nothing is written to the table.
 *
 * Keep the publisher quick (the listener awaits it inside Slack's 3 seconds): e.g.
 * `new EventBridgePublisher({ busName, maxAttempts: 2, maxDelayMs: 200 })`.
 */
export function publisherEnqueue(publisher: EventPublisher, clock: Clock = systemClock) {
  return async (work: SlackWork): Promise<void> => {
    const at = clock.now();
    const by = work.type === "slack.incident_declared" ? work.declaredBy : work.assignedBy;
    const summary =
      work.type === "slack.incident_declared"
        ? `INC-${work.number} declared from Slack: set up its channel`
        : `INC-${work.number}: ${work.role.toUpperCase()} assigned from Slack`;
    const entry: TimelineEntry = {
      id: newId(at.getTime()),
      incidentId: work.incidentId,
      kind: work.type,
      actor: { type: "slack", id: by },
      at: at.toISOString(),
      summary,
      data: { ...work },
    };
    await publisher.publish([eventFromEntry(entry)]);
  };
}
