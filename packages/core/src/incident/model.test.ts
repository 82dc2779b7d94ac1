import { describe, expect, it } from "vitest";
import {
  assertTransition,
  IllegalTransitionError,
  INCIDENT_STATUSES,
  type Incident,
  isOpen,
  transition,
} from "./model";

const incident = (overrides: Partial<Incident> = {}): Incident => ({
  id: "01JQ0000000000000000000000",
  number: 7,
  title: "checkout-5xx",
  severity: "SEV2",
  status: "declared",
  services: ["checkout"],
  locations: [{ account: "210987654321", region: "eu-west-1" }],
  source: "alarm",
  flapping: false,
  createdAt: "2026-03-14T09:42:13.274Z",
  updatedAt: "2026-03-14T09:42:13.274Z",
  version: 1,
  ...overrides,
});

describe("incident lifecycle", () => {
  it("moves forward declared → acknowledged → mitigated → resolved, stamping each step", () => {
    const acked = transition(incident(), "acknowledged", "2026-03-14T09:45:00.000Z");
    const mitigated = transition(acked, "mitigated", "2026-03-14T10:00:00.000Z");
    const resolved = transition(mitigated, "resolved", "2026-03-14T10:30:00.000Z");
    expect(resolved).toMatchObject({
      status: "resolved",
      acknowledgedAt: "2026-03-14T09:45:00.000Z",
      mitigatedAt: "2026-03-14T10:00:00.000Z",
      resolvedAt: "2026-03-14T10:30:00.000Z",
      updatedAt: "2026-03-14T10:30:00.000Z",
      version: 4,
    });
    expect(isOpen(mitigated.status)).toBe(true);
    expect(isOpen(resolved.status)).toBe(false);
  });

  it("may skip steps (resolve straight from declared) without inventing timestamps", () => {
    const resolved = transition(incident(), "resolved", "2026-03-14T10:30:00.000Z");
    expect(resolved.acknowledgedAt).toBeUndefined();
    expect(resolved.mitigatedAt).toBeUndefined();
  });

  it("does not mutate its input", () => {
    const before = incident();
    transition(before, "acknowledged", "2026-03-14T09:45:00.000Z");
    expect(before.status).toBe("declared");
    expect(before.version).toBe(1);
  });

  const illegal = INCIDENT_STATUSES.flatMap((from, i) =>
    INCIDENT_STATUSES.slice(0, i + 1).map((to) => [from, to]),
  );
  it.each(illegal)("rejects %s → %s with a typed error naming both states", (from, to) => {
    const error = (() => {
      try {
        assertTransition(from as Incident["status"], to as Incident["status"]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ code: "illegal_transition", from, to });
    expect((error as Error).message).toContain(`"${from}"`);
    expect((error as Error).message).toContain(`"${to}"`);
  });
});
