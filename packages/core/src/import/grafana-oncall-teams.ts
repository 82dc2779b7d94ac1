/**
 * Grafana OnCall escalation chains → teams: each chain a route uses (every chain when no routes were
 * exported) becomes a team with the policy built from its steps (grafana-oncall-policies.ts); the
 * chains, their steps and the Grafana teams are reported with what they became.
 */

import type { People } from "./grafana-oncall-people";
import { buildPolicy, type StepReport } from "./grafana-oncall-policies";
import { type Item, type Kind, nonEmpty } from "./grafana-oncall-read";
import type { Routes } from "./grafana-oncall-routes";
import type { ScheduleMapping } from "./grafana-oncall-schedules";
import type { ImportBuilder, PolicyDraft, TeamDraft } from "./plan";

/** A team made from an escalation chain, with its policy. */
export interface TeamBuild {
  chain: Item;
  team: TeamDraft;
  policy: PolicyDraft;
  notes: string[];
  /** The schedules its policy pages. */
  scheduleIds: string[];
  /** The chain's Grafana team id. */
  grafanaTeam?: string;
}

/** The teams made, by chain, and every step's report entry. */
export interface Chains {
  teams: TeamBuild[];
  teamByChain: Map<string, TeamBuild>;
  chainById: Map<string, Item>;
  stepReports: StepReport[];
}

/** Chains used by routes → teams with a policy (every chain when no routes were exported). */
export function mapChains(
  b: ImportBuilder,
  list: (k: Kind) => Item[],
  routes: Routes,
  schedules: Map<string, ScheduleMapping>,
  people: People,
): Chains {
  const { knownUsers, personOf } = people;
  const routeList = routes.list;
  const noRoutes = routeList.length === 0;
  const chains = list("escalation chain");
  const chainById = new Map(chains.map((c) => [c.id, c]));
  const steps = list("escalation policy");
  const stepsByChain = new Map<string, Item[]>();
  for (const p of steps) {
    const chainId = nonEmpty(p.json.escalation_chain_id) ?? "";
    const l = stepsByChain.get(chainId) ?? [];
    l.push(p);
    stepsByChain.set(chainId, l);
  }
  const chainUsedBy = new Map<string, string[]>(); // chain id → route ids
  for (const r of routeList) {
    const chainId = nonEmpty(r.json.escalation_chain_id);
    if (chainId) chainUsedBy.set(chainId, [...(chainUsedBy.get(chainId) ?? []), r.id]);
  }

  const teams: TeamBuild[] = [];
  const teamByChain = new Map<string, TeamBuild>();
  const stepReports: StepReport[] = [];
  for (const chain of chains) {
    const name = nonEmpty(chain.json.name) ?? chain.id;
    const chainSteps = (stepsByChain.get(chain.id) ?? []).slice();
    if (!noRoutes && !chainUsedBy.has(chain.id)) {
      b.notMapped(
        { kind: "escalation chain", id: chain.id, name, file: chain.file },
        "no route sends alerts to this chain: Firebreak makes one team per escalation chain that a route uses",
      );
      for (const s of chainSteps)
        stepReports.push({
          item: s,
          becomes: [],
          notes: [`its chain ${chain.id} is not mapped (no route uses it)`],
          mapped: false,
        });
      continue;
    }
    const policyId = b.uniqueId("policy", name);
    const built = buildPolicy(chainSteps, b, schedules, personOf, knownUsers, policyId);
    stepReports.push(...built.steps);
    if (built.levels.length === 0 || built.fallback === undefined) {
      b.notMapped({ kind: "escalation chain", id: chain.id, name, file: chain.file }, [
        `no step of this chain pages anyone Firebreak can page (${chainSteps.length} steps exported), so its team has no usable escalation policy`,
        ...built.notes,
      ]);
      continue;
    }
    const teamId = b.uniqueId("team", name);
    const notes = [...built.notes];
    if (noRoutes) notes.push("no routes were exported: a team was made for every escalation chain");
    const grafanaTeam = nonEmpty(chain.json.team_id);
    const policy: PolicyDraft = {
      id: policyId,
      name,
      levels: built.levels,
      repeat: built.repeat,
      fallback: built.fallback,
    };
    const team: TeamDraft = { id: teamId, name, services: [], rotations: [], escalationPolicy: policyId };
    const t: TeamBuild = { chain, team, policy, notes, scheduleIds: built.scheduleIds };
    if (grafanaTeam) t.grafanaTeam = grafanaTeam;
    teams.push(t);
    teamByChain.set(chain.id, t);
  }
  // Steps whose chain was not exported.
  for (const [chainId, chainSteps] of stepsByChain)
    if (!chainById.has(chainId))
      for (const s of chainSteps)
        stepReports.push({
          item: s,
          becomes: [],
          notes: [
            chainId
              ? `its escalation chain ${chainId} was not exported: export GET /api/v1/escalation_chains/`
              : 'it names no escalation chain (field "escalation_chain_id")',
          ],
          mapped: false,
        });
  return { teams, teamByChain, chainById, stepReports };
}

/** Steps, chains and teams into the report and the directory. */
export function reportChains(b: ImportBuilder, chains: Chains): void {
  const { teams, stepReports } = chains;
  for (const s of stepReports) {
    const entry = {
      kind: "escalation policy",
      id: s.item.id,
      file: s.item.file,
      name: nonEmpty(s.item.json.type),
    };
    if (s.mapped) b.mapped({ ...entry, becomes: s.becomes, notes: s.notes });
    else b.notMapped(entry, s.notes);
  }
  for (const t of teams) {
    b.directory.escalationPolicies.push(t.policy);
    b.directory.teams.push(t.team);
    b.mapped({
      kind: "escalation chain",
      id: t.chain.id,
      name: t.team.name,
      file: t.chain.file,
      becomes: [`team ${t.team.id}`, `escalation policy ${t.policy.id}`],
      notes: t.notes,
    });
  }
}

/** Grafana teams: reported with the teams their chains became. */
export function reportGrafanaTeams(b: ImportBuilder, grafanaTeams: Item[], teams: TeamBuild[]): void {
  for (const gt of grafanaTeams) {
    const name = nonEmpty(gt.json.name) ?? gt.id;
    const made = teams.filter((t) => t.grafanaTeam === gt.id).map((t) => `team ${t.team.id}`);
    const why =
      "a Grafana team groups resources and permissions; Firebreak makes one team per escalation chain that a route uses";
    if (made.length > 0) {
      const notes = [`${why}: its chains became ${made.join(", ")}`];
      if (nonEmpty(gt.json.email)) notes.push("its email address is not carried over");
      b.mapped({ kind: "team", id: gt.id, name, file: gt.file, becomes: made, notes });
    } else
      b.notMapped(
        { kind: "team", id: gt.id, name, file: gt.file },
        `${why}, and none of its chains became a team`,
      );
  }
}
