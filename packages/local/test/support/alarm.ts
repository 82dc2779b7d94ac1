import type { Clock } from "@firebreak/core/shared/clock";
import { alarmStateChangeEvent } from "../../src/alarm-events";

/** A checkout SEV2 alarm firing a minute before the clock's now (EventBridge form). */
export function checkoutAlarm(name: string, clock: Clock) {
  return alarmStateChangeEvent({
    name,
    state: "ALARM",
    service: "checkout",
    severity: "sev2",
    account: "210987654321",
    region: "eu-west-1",
    at: new Date(clock.now().getTime() - 60_000),
  });
}
