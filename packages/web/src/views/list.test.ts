import { describe, expect, it } from "vitest";
import type { IncidentView } from "../types";
import { isMine, pagingCell } from "./list";

const NOW = Date.parse("2026-03-29T03:20:00Z");

function incident(patch: Partial<IncidentView>): IncidentView {
  return {
    id: "01J00000000000000000000000",
    key: "INC-1",
    number: 1,
    title: "Checkout 5xx",
    severity: "SEV1",
    status: "declared",
    services: ["checkout"],
    source: "alarm",
    alarm: null,
    flapping: false,
    createdAt: "2026-03-29T03:12:00Z",
    updatedAt: "2026-03-29T03:12:00Z",
    version: 1,
    ...patch,
  };
}

const paging = (patch: Partial<NonNullable<IncidentView["escalation"]>>) => ({
  level: 2,
  since: "2026-03-29T03:17:00Z",
  acknowledged: false,
  active: true,
  paged: ["bob", "carol"],
  ...patch,
});

describe("the list's Paging column and Mine", () => {
  it("says which level is being paged and for how long, or why paging stopped there", () => {
    expect(pagingCell(incident({ escalation: paging({}) }), NOW)).toEqual({
      text: "L2 3m 00s",
      title: "paging level 2 for 3m 00s; nobody acknowledged",
    });
    expect(pagingCell(incident({ escalation: paging({ level: "fallback" }) }), NOW).title).toBe(
      "paging the fallback for 3m 00s; nobody acknowledged",
    );
    // The incident acknowledged (the escalation stops with the incident's own state).
    expect(
      pagingCell(incident({ status: "acknowledged", escalation: paging({ active: false }) }), NOW).text,
    ).toBe("L2 · ack");
    expect(
      pagingCell(incident({ escalation: paging({ acknowledged: true, active: false }) }), NOW).text,
    ).toBe("L2 · ack");
    expect(
      pagingCell(
        incident({ escalation: paging({ level: 1, active: false, doneReason: "low_urgency" }) }),
        NOW,
      ),
    ).toEqual({ text: "L1 · low", title: "level 1 was paged; low urgency does not escalate further" });
    expect(
      pagingCell(incident({ escalation: paging({ active: false, doneReason: "ladder_exhausted" }) }), NOW),
    ).toEqual({
      text: "L2 · stopped",
      title: "level 2 was the last paged; paging stopped (ladder exhausted)",
    });
    // Never paged, resolved (the list sends null), or an escalation with no step yet.
    expect(pagingCell(incident({ escalation: null }), NOW).text).toBe("—");
    expect(pagingCell(incident({}), NOW).text).toBe("—");
    expect(
      pagingCell(incident({ escalation: paging({ level: undefined, since: undefined }) }), NOW).text,
    ).toBe("—");
  });

  it("counts an incident as mine when I hold a role or was paged, and never for nobody", () => {
    const paged = incident({ escalation: paging({}) });
    expect(isMine(paged, "carol")).toBe(true);
    expect(isMine(paged, "dana")).toBe(false);
    expect(isMine(paged, undefined)).toBe(false);
    const holder = incident({
      roles: { ic: { personId: "dana", personName: "Dana", assignedAt: "2026-03-29T03:12:00Z" } },
    });
    expect(isMine(holder, "dana")).toBe(true);
    expect(isMine(incident({ escalation: null }), "carol")).toBe(false);
  });
});
