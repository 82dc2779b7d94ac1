import type { Clock } from "@firebreak/core/shared/clock";
import { alarmStateChangeEvent } from "../../src/alarm-events";

/**
 * A SEV2 alarm of the checkout team (its `team` tag) firing a minute before the clock's now
 * (EventBridge form), on a service of its own (`checkout-<name>`): each such alarm opens its own
 * incident paged by checkout's on-call, never grouped with another test alarm's (alarm/grouping.ts).
 */
export function checkoutAlarm(name: string, clock: Clock) {
  return alarmStateChangeEvent({
    name,
    state: "ALARM",
    service: `checkout-${name.toLowerCase()}`,
    severity: "sev2",
    tags: { team: "checkout" },
    account: "210987654321",
    region: "eu-west-1",
    at: new Date(clock.now().getTime() - 60_000),
  });
}
