import { SEVERITIES } from "../../src/incident/model";
import type { Directory } from "../../src/oncall/directory-types";

/**
 * The directory with every escalation policy paging every severity as HIGH urgency (every channel
 * at once, escalating). For suites about the paging machinery itself, whose instants fall outside
 * the demo's working hours: low urgency, the default for SEV3–SEV5, is tested on its own
 * (packages/core/src/paging/service.test.ts "urgency", packages/local/test/urgency.test.ts).
 */
export function allHighUrgency(directory: Directory): Directory {
  const urgency = { high: [...SEVERITIES], lowSmsDelayMinutes: 15 };
  return {
    ...directory,
    teams: directory.teams.map((t) => ({ ...t, escalationPolicy: { ...t.escalationPolicy, urgency } })),
    escalationPolicies: directory.escalationPolicies.map((p) => ({ ...p, urgency })),
  };
}
