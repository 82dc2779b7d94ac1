import type { Incident } from "@firebreak/core/incident/model";
import { describe, expect, it } from "vitest";
import { PermissionDeniedError } from "./errors";
import { authorize, permissionPolicy } from "./permissions";

const incident = (roles: Incident["roles"] = {}): Incident => ({
  id: "01INC",
  number: 7,
  title: "t",
  severity: "SEV2",
  status: "declared",
  services: ["x"],
  locations: [],
  source: "manual",
  flapping: false,
  roles,
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  version: 1,
});
const at = "2025-01-01T00:00:00.000Z";

describe("authorize", () => {
  const policy = permissionPolicy({ admins: ["UADMIN"] });

  it("anyone declares, acks, updates and mitigates by default", () => {
    for (const act of ["declare", "ack", "update", "mitigate"] as const)
      expect(() => authorize(policy, act, incident(), { slackUserId: "UANY" })).not.toThrow();
  });

  it("resolve and assign: the IC, any role holder (by Slack id or directory id), or an admin", () => {
    const inc = incident({
      ic: { personId: "UIC", assignedAt: at },
      ops: { personId: "alice", assignedAt: at },
    });
    expect(() => authorize(policy, "resolve", inc, { slackUserId: "UIC" })).not.toThrow();
    expect(() =>
      authorize(policy, "resolve", inc, { slackUserId: "UALICE", personId: "alice" }),
    ).not.toThrow();
    expect(() => authorize(policy, "assign", inc, { slackUserId: "UADMIN" })).not.toThrow();
    expect(() => authorize(policy, "resolve", inc, { slackUserId: "UOTHER" })).toThrow(PermissionDeniedError);
    expect(() => authorize(policy, "resolve", inc, { slackUserId: "UOTHER" })).toThrow(
      /ask its incident commander \(UIC\)/,
    );
  });

  it("a vacant IC may be claimed by oneself only, unless claimVacantIc is off", () => {
    const me = { slackUserId: "UME" };
    expect(() => authorize(policy, "assign", incident(), me, { role: "ic", personId: "UME" })).not.toThrow();
    expect(() => authorize(policy, "assign", incident(), me, { role: "ic", personId: "UYOU" })).toThrow(
      /take IC first/,
    );
    expect(() => authorize(policy, "assign", incident(), me, { role: "ops", personId: "UME" })).toThrow();
    const strict = permissionPolicy({ claimVacantIc: false });
    expect(() => authorize(strict, "assign", incident(), me, { role: "ic", personId: "UME" })).toThrow(
      /ask an admin/,
    );
  });

  it("the declarer may take IC of their own incident, even once the on-call holds it; nobody else may", () => {
    const held = {
      ...incident({ ic: { personId: "bob", assignedAt: at } }),
      declaredBy: { type: "slack" as const, id: "dana", name: "Dana Fischer" },
    };
    const dana = { slackUserId: "UDANA", personId: "dana", directory: true };
    expect(() => authorize(policy, "assign", held, dana, { role: "ic", personId: "dana" })).not.toThrow();
    expect(() => authorize(policy, "assign", held, dana, { role: "ic", personId: "UDANA" })).not.toThrow();
    // Only IC, only themselves, only the declarer.
    expect(() => authorize(policy, "assign", held, dana, { role: "ops", personId: "dana" })).toThrow(
      PermissionDeniedError,
    );
    expect(() => authorize(policy, "assign", held, dana, { role: "ic", personId: "erin" })).toThrow(
      PermissionDeniedError,
    );
    const erin = { slackUserId: "UERIN", personId: "erin", directory: true };
    expect(() => authorize(policy, "assign", held, erin, { role: "ic", personId: "erin" })).toThrow(
      /ask its incident commander \(bob\)/,
    );
  });

  it("answering the postmortem's release question is for directory people (and anyone without a directory)", () => {
    expect(() => authorize(policy, "postmortem", incident(), { slackUserId: "UANY" })).not.toThrow();
    expect(() =>
      authorize(policy, "postmortem", incident(), {
        slackUserId: "UDANA",
        personId: "dana",
        directory: true,
      }),
    ).not.toThrow();
    expect(() =>
      authorize(policy, "postmortem", incident(), { slackUserId: "UOUT", directory: true }),
    ).toThrow(
      /Only people in the on-call directory may answer the postmortem of INC-7, and you are not in it/,
    );
  });

  it("is configurable per act", () => {
    const open = permissionPolicy({ acts: { resolve: "anyone" } });
    expect(() => authorize(open, "resolve", incident(), { slackUserId: "UANY" })).not.toThrow();
    const closed = permissionPolicy({ acts: { ack: "responders" } });
    expect(() => authorize(closed, "ack", incident(), { slackUserId: "UANY" })).toThrow(
      PermissionDeniedError,
    );
  });
});
