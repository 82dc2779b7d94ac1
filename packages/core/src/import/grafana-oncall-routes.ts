/**
 * Grafana OnCall integrations and routes → services: an integration becomes a service of the team of
 * the chain its first route sends alerts to; routes are reported with the team they reach.
 */

import { ID_PATTERN } from "../oncall/directory-schemas";
import { type Item, type Kind, nonEmpty, short } from "./grafana-oncall-read";
import type { Chains } from "./grafana-oncall-teams";
import { isObj, num, type Obj } from "./pagerduty-read";
import { type ImportBuilder, slugId } from "./plan";

/** A route, exported or read from an integration's default_route. */
type RouteItem = { id: string; json: Obj; file: string; fromIntegration?: string };

/** Every route, and the integrations by id. */
export interface Routes {
  list: RouteItem[];
  integrations: Map<string, Item>;
}

/** The exported routes, and the default routes of integrations not exported as routes. */
export function readRoutes(list: (k: Kind) => Item[]): Routes {
  const routes = list("route");
  const integrations = new Map(list("integration").map((i) => [i.id, i]));
  // Routes may also come only as integrations' default_route.
  const routeList: RouteItem[] = routes.map((r) => ({
    id: r.id,
    json: r.json,
    file: r.file,
  }));
  const routeIds = new Set(routes.map((r) => r.id));
  for (const i of integrations.values()) {
    const dr = i.json.default_route;
    if (isObj(dr)) {
      const drId = nonEmpty(dr.id);
      if (drId && !routeIds.has(drId)) {
        routeIds.add(drId);
        routeList.push({
          id: drId,
          json: { ...dr, integration_id: i.id, is_the_last_route: true },
          file: i.file,
          fromIntegration: i.id,
        });
      }
    }
  }
  return { list: routeList, integrations };
}

/** Integrations → services of the team their first route reaches. */
export function mapIntegrations(b: ImportBuilder, routes: Routes, chains: Chains): void {
  const { list: routeList, integrations } = routes;
  const { teamByChain } = chains;
  const serviceIds = new Set<string>();
  const routesByIntegration = new Map<string, typeof routeList>();
  for (const r of routeList) {
    const integ = nonEmpty(r.json.integration_id) ?? "";
    routesByIntegration.set(integ, [...(routesByIntegration.get(integ) ?? []), r]);
  }
  for (const integ of integrations.values()) {
    const name = nonEmpty(integ.json.name) ?? integ.id;
    const its = (routesByIntegration.get(integ.id) ?? []).slice().sort(routeOrder);
    const owners = its
      .map((r) => ({ r, team: teamByChain.get(nonEmpty(r.json.escalation_chain_id) ?? "") }))
      .filter((x) => x.team !== undefined);
    const notes: string[] = [];
    if (owners.length === 0) {
      b.notMapped(
        { kind: "integration", id: integ.id, name, file: integ.file },
        its.length === 0
          ? "no route of this integration was exported: export GET /api/v1/routes/ (a service belongs to the team whose chain its alerts go to)"
          : "none of its routes sends alerts to a mapped escalation chain",
      );
    } else {
      const owner = owners[0]!.team!;
      let id = slugId(name, "service");
      for (let n = 2; serviceIds.has(id) || !ID_PATTERN.test(id); n++)
        id = `${slugId(name, "service").slice(0, 56)}-${n}`;
      serviceIds.add(id);
      owner.team.services.push(id);
      const others = [...new Set(owners.slice(1).map((o) => o.team!.team.id))].filter(
        (t) => t !== owner.team.id,
      );
      if (others.length > 0)
        notes.push(
          `its routes send alerts to several chains; the service belongs to team ${owner.team.id} (the first route's chain); alerts its other routes send to ${others.join(", ")} are not routed there: Firebreak routes an alert by the service that raised it`,
        );
      const type = nonEmpty(integ.json.type);
      if (type)
        notes.push(
          `integration type "${type}": connect the source to Firebreak's alert endpoint for this service (the integration URL is not carried over)`,
        );
      b.mapped({
        kind: "integration",
        id: integ.id,
        name,
        file: integ.file,
        becomes: [`service ${id} (team ${owner.team.id})`],
        notes,
      });
    }
  }
}

/** Routes → reported with the team they send alerts to. */
export function mapRoutes(b: ImportBuilder, routes: Routes, chains: Chains): void {
  const { list: routeList, integrations } = routes;
  const { teamByChain, chainById } = chains;
  const routeReports: {
    item: RouteItem;
    becomes: string[];
    notes: string[];
    mapped: boolean;
  }[] = [];
  for (const r of routeList) {
    const chainId = nonEmpty(r.json.escalation_chain_id);
    const integ = nonEmpty(r.json.integration_id);
    const t = chainId ? teamByChain.get(chainId) : undefined;
    const notes: string[] = [];
    if (r.fromIntegration) notes.push(`read from integration ${r.fromIntegration}'s default_route`);
    const regex = nonEmpty(r.json.routing_regex);
    if (regex && r.json.is_the_last_route !== true)
      notes.push(
        `routing template "${short(regex)}" (${nonEmpty(r.json.routing_type) ?? "regex"}) is not carried over: Firebreak classifies alerts by their labels/tags and routes them by service`,
      );
    if (isObj(r.json.slack) && nonEmpty(r.json.slack.channel_id))
      notes.push("its Slack channel is not carried over: set the team's alertChannel");
    if (!chainId)
      routeReports.push({
        item: r,
        becomes: [],
        notes: [...notes, "it sends alerts to no escalation chain"],
        mapped: false,
      });
    else if (!t)
      routeReports.push({
        item: r,
        becomes: [],
        notes: [
          ...notes,
          chainById.has(chainId)
            ? `its escalation chain ${chainId} is not mapped (see that chain)`
            : `its escalation chain ${chainId} was not exported: export GET /api/v1/escalation_chains/`,
        ],
        mapped: false,
      });
    else if (!integ || !integrations.has(integ))
      routeReports.push({
        item: r,
        becomes: [`team ${t.team.id}`],
        notes: [
          ...notes,
          `its integration ${integ ?? "(none)"} was not exported, so no service was made for it`,
        ],
        mapped: true,
      });
    else routeReports.push({ item: r, becomes: [`route to team ${t.team.id}`], notes, mapped: true });
  }
  for (const r of routeReports) {
    const entry = { kind: "route", id: r.item.id, file: r.item.file };
    if (r.mapped) b.mapped({ ...entry, becomes: r.becomes, notes: r.notes });
    else b.notMapped(entry, r.notes);
  }
}

function routeOrder(a: { json: Obj }, b: { json: Obj }): number {
  const last = (r: { json: Obj }) => (r.json.is_the_last_route === true ? 1 : 0);
  return last(a) - last(b) || (num(a.json.position) ?? 0) - (num(b.json.position) ?? 0);
}
