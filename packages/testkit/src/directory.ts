import { SEVERITIES } from "@firebreak/core/incident/model";
import { addressOf, type ContactRecords } from "@firebreak/core/oncall/contact-methods";
import type { Directory, Person } from "@firebreak/core/oncall/directory-types";
import { CONTACT_METHODS } from "@firebreak/core/oncall/notify-rules";

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

/**
 * Verifications of every method of `people` at their current addresses, as the store keeps them
 * once each person confirmed a test message (for suites about coverage that are not about
 * verification itself: packages/core/src/oncall/verify-actions.test.ts and
 * packages/local/test/verify.test.ts verify for real).
 */
export function verifiedRecords(
  people: readonly Pick<Person, "id" | "slackUserId" | "phone">[],
  at = "2026-01-01T00:00:00.000Z",
): ContactRecords {
  const record = (address: string) => ({
    address,
    status: "verified" as const,
    requestId: "01JTESTVERIFIED0000000000",
    requestedAt: at,
    requestedBy: { type: "user" as const, id: "test" },
    expiresAt: at,
    attempts: 0,
    verified: { address, at, via: "api" },
  });
  return Object.fromEntries(
    people.map((p) => [
      p.id,
      Object.fromEntries(
        CONTACT_METHODS.flatMap((m) => {
          const address = addressOf(p, m);
          return address ? [[m, record(address)]] : [];
        }),
      ),
    ]),
  );
}
