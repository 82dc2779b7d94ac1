import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDirectoryYaml } from "./directory-yaml";
import { onCallOverview } from "./overview";

const demo = parseDirectoryYaml(
  readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8"),
);

describe("onCallOverview", () => {
  it("says who is on call now and next at each level; a shift ending across the EU DST change ends at 09:00 local", () => {
    // Saturday before the clocks go forward (Sunday 2026-03-29): checkout's weekly shift ends
    // Monday 09:00 London, which is 08:00 UTC after the change (it was 09:00 UTC the week before).
    const [checkout] = onCallOverview(demo, new Date("2026-03-28T12:00:00Z"), { team: "checkout" });
    expect(checkout).toMatchObject({ id: "checkout", name: "Checkout", services: ["checkout", "cart"] });
    // The escalation policy laid out, as the on-call page shows it.
    expect(checkout!.policy).toEqual({
      id: "team:checkout",
      levels: [
        { level: 1, timeoutMinutes: 5, targets: ["rotation checkout-primary"] },
        { level: 2, timeoutMinutes: 10, targets: ["rotation checkout-secondary"] },
        { level: 3, timeoutMinutes: 15, targets: ["María Gómez", "SNS topic firebreak-checkout-pages"] },
      ],
      repeat: 1,
      fallback: "SNS topic firebreak-all-hands",
    });
    const level1 = checkout!.levels[0]!;
    expect(level1.level).toBe(1);
    expect(level1.now).toHaveLength(1);
    expect(level1.now[0]!.until).toBe("2026-03-30T08:00:00.000Z");
    expect(level1.next?.from).toBe("2026-03-30T08:00:00.000Z");
    expect(level1.next?.people.map((p) => p.personId)).not.toEqual(level1.now.map((p) => p.personId));
    // The next shift, read a week later, is the one named as next.
    const [later] = onCallOverview(demo, new Date("2026-03-30T08:00:00Z"), { team: "checkout" });
    expect(later!.levels[0]!.now.map((p) => p.personId)).toEqual(level1.next!.people.map((p) => p.personId));
  });

  it("finds the team owning a service, and nothing for an unknown one", () => {
    expect(
      onCallOverview(demo, new Date("2026-03-28T12:00:00Z"), { service: "refunds" }).map((t) => t.id),
    ).toEqual(["payments"]);
    expect(onCallOverview(demo, new Date("2026-03-28T12:00:00Z"), { team: "nope" })).toEqual([]);
  });
});
