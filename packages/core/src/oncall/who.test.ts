import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { nextEscalation } from "../paging/escalation";
import { parseDirectory } from "./directory";
import type { Directory } from "./directory-types";
import { assignInitialRoles, type ResolvedTarget, resolveTargets, toRoleHolders, whoIsOnCall } from "./who";

const EXAMPLE = readFileSync(new URL("../../../../examples/directory.yaml", import.meta.url), "utf8");

/** The example directory, optionally edited as data before parsing. */
// biome-ignore lint/suspicious/noExplicitAny: the YAML is plain data that each test edits freely
function example(edit?: (data: any) => void): Directory {
  const data = parse(EXAMPLE);
  edit?.(data);
  return parseDirectory(data);
}

const ids = (targets: ResolvedTarget[]) => targets.map((t) => (t.type === "person" ? t.person.id : t.arn));

// Tuesday 2026-03-17 12:00Z: week 10 of checkout's rotations (chen primary, alice secondary), but
// dana covers primary by override until the 18th; day 71 of the comms rotation (liam).
const NOW = new Date("2026-03-17T12:00:00Z");

describe("whoIsOnCall", () => {
  const directory = example();

  it("resolves each level of the owning team's policy at the instant", () => {
    const who = whoIsOnCall(directory, "checkout", NOW);
    if (!who.owned) throw new Error(who.reason);
    expect(who.team.id).toBe("checkout");
    expect(who.via).toBe("service");
    expect(who.repeat).toBe(1);
    expect(who.fallsThrough).toBe(false);
    expect(who.levels.map((l) => [l.level, l.timeoutMinutes, ids(l.targets), l.nobody])).toEqual([
      [1, 5, ["dana"], undefined],
      [2, 10, ["alice"], undefined],
      [3, 15, ["maria", "arn:aws:sns:eu-west-1:210987654321:firebreak-checkout-pages"], undefined],
    ]);
    expect(who.levels[0]?.targets[0]).toMatchObject({
      type: "person",
      rotationId: "checkout-primary",
      source: "override",
      until: new Date("2026-03-18T09:00:00Z"),
    });
    expect(ids(who.fallback.targets)).toEqual(["arn:aws:sns:eu-west-1:210987654321:firebreak-all-hands"]);
  });

  it("uses the account to pick the owner of a service split by account", () => {
    const inPayments = whoIsOnCall(directory, "ledger", NOW, "210987654321");
    const elsewhere = whoIsOnCall(directory, "ledger", NOW, "999999999999");
    expect(inPayments).toMatchObject({ owned: true, team: { id: "payments" }, via: "account" });
    expect(elsewhere).toMatchObject({ owned: true, team: { id: "platform" }, via: "service" });
  });

  it("falls through to the fallback when every level's rotation is empty, and says why", () => {
    const who = whoIsOnCall(directory, "search", NOW);
    if (!who.owned) throw new Error(who.reason);
    expect(who.fallsThrough).toBe(true);
    expect(who.levels).toEqual([
      {
        level: 1,
        timeoutMinutes: 5,
        targets: [],
        unresolved: [
          {
            target: { type: "rotation", id: "search-primary" },
            reason: 'rotation "search-primary": empty rotation',
          },
        ],
        nobody: 'rotation "search-primary": empty rotation',
      },
    ]);
    // The fallback is another team's follow-the-sun rotation: 12:00Z is Lisbon's shift (ines).
    expect(ids(who.fallback.targets)).toEqual(["ines"]);
    // The escalation state machine skips the empty level and pages the fallback at once.
    expect(nextEscalation(who, { pages: [] }, NOW)).toEqual({
      action: "fallback",
      target: who.fallback,
      skipped: [{ level: 1, round: 0 }],
    });
  });

  it("uses the default team for a service nobody owns", () => {
    expect(whoIsOnCall(directory, "billing-export", NOW)).toMatchObject({
      owned: true,
      team: { id: "platform" },
      via: "default_team",
    });
  });

  it("says nobody owns a service when there is no default team", () => {
    const noDefault = example((d) => {
      delete d.defaultTeam;
    });
    expect(whoIsOnCall(noDefault, "billing-export", NOW)).toEqual({
      owned: false,
      team: null,
      reason: 'no team owns service "billing-export" and the directory has no defaultTeam',
      levels: [],
      fallback: null,
      fallsThrough: false,
    });
  });

  it("de-duplicates people and explains rotations with nobody on call yet", () => {
    const later = example((d) => {
      d.teams[0].rotations.push({
        id: "checkout-next",
        members: ["bob"],
        shift: { type: "daily" },
        handoffTime: "09:00",
        timezone: "Europe/London",
        start: "2027-01-04",
      });
    });
    const step = resolveTargets(
      later,
      [
        { type: "rotation", id: "checkout-secondary" },
        { type: "person", id: "alice" },
        { type: "rotation", id: "checkout-next" },
      ],
      NOW,
    );
    expect(ids(step.targets)).toEqual(["alice"]);
    expect(step.unresolved).toEqual([
      {
        target: { type: "rotation", id: "checkout-next" },
        reason: 'rotation "checkout-next": before start (next on call from 2027-01-04T09:00:00.000Z)',
      },
    ]);
    expect(step.nobody).toBeUndefined();
  });
});

describe("assignInitialRoles", () => {
  it("takes the IC from level 1, ops from level 2 and comms from the team's comms rotation", () => {
    const roles = assignInitialRoles(example(), "checkout", NOW);
    expect({ ic: roles.ic?.id, ops: roles.ops?.id, comms: roles.comms?.id, flags: roles.flags }).toEqual({
      ic: "dana",
      ops: "alice",
      comms: "liam",
      flags: [],
    });
    expect(toRoleHolders(roles, "2026-03-17T12:00:00.000Z")).toEqual({
      ic: { personId: "dana", personName: "Dana Fischer", assignedAt: "2026-03-17T12:00:00.000Z" },
      ops: { personId: "alice", personName: "Alice Moreau", assignedAt: "2026-03-17T12:00:00.000Z" },
      comms: { personId: "liam", personName: "Liam Brooks", assignedAt: "2026-03-17T12:00:00.000Z" },
    });
  });

  it("leaves comms unassigned, and flags it, for a team without a comms rotation", () => {
    const roles = assignInitialRoles(example(), "payments", NOW);
    expect(roles.ic?.id).toBeDefined();
    expect(roles.ops?.id).toBe("maria");
    expect(roles.comms).toBeUndefined();
    expect(roles.flags).toEqual(["comms_unassigned"]);
    expect(roles.notes).toEqual(['comms: team "payments" has no comms rotation']);
  });

  it("makes the IC the ops lead when level 2 has nobody", () => {
    const directory = example((d) => {
      const search = d.teams[3];
      search.rotations[0].members = ["liam"];
      search.escalationPolicy.levels.push({
        targets: [{ type: "rotation", id: "search-empty" }],
        timeoutMinutes: 5,
      });
      search.rotations.push({ ...search.rotations[0], id: "search-empty", members: [] });
    });
    const roles = assignInitialRoles(directory, "search", NOW);
    expect(roles.ic?.id).toBe("liam");
    expect(roles.ops?.id).toBe("liam");
    expect(roles.flags).toEqual(["ops_is_ic", "comms_unassigned"]);
    expect(roles.notes[0]).toBe(
      'ops: nobody on call at level 2 (rotation "search-empty": empty rotation): the IC leads operations',
    );
  });

  it("prefers a level-2 person who is not the IC", () => {
    const directory = example((d) => {
      d.teams[0].escalationPolicy.levels[1].targets = [
        { type: "person", id: "dana" },
        { type: "person", id: "bob" },
      ];
    });
    const roles = assignInitialRoles(directory, "checkout", NOW);
    expect([roles.ic?.id, roles.ops?.id]).toEqual(["dana", "bob"]);
  });

  it("flags a missing IC when level 1 is empty", () => {
    const roles = assignInitialRoles(example(), "search", NOW);
    expect(roles.ic).toBeUndefined();
    expect(roles.ops).toBeUndefined();
    expect(roles.flags).toEqual(["no_ic", "no_ops", "comms_unassigned"]);
  });

  it("flags the default team, and assigns nobody when nobody owns the service", () => {
    expect(assignInitialRoles(example(), "billing-export", NOW).flags).toEqual([
      "default_team",
      "comms_unassigned",
    ]);
    const roles = assignInitialRoles(
      example((d) => {
        delete d.defaultTeam;
      }),
      "billing-export",
      NOW,
    );
    expect(roles).toEqual({
      team: null,
      flags: ["no_owner", "no_ic", "no_ops", "comms_unassigned"],
      notes: ['no team owns service "billing-export" and the directory has no defaultTeam'],
    });
  });

  it("flags comms when the comms rotation has nobody on call", () => {
    const directory = example((d) => {
      d.teams[0].rotations[2].members = [];
    });
    const roles = assignInitialRoles(directory, "checkout", NOW);
    expect(roles.comms).toBeUndefined();
    expect(roles.flags).toEqual(["comms_unassigned"]);
    expect(roles.notes).toEqual(['comms: nobody on comms rotation "checkout-comms" (empty rotation)']);
  });
});
