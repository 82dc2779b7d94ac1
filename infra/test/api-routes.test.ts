/**
 * The HTTP API's routing, offline: API Gateway's route selection (most specific route first),
 * applied to every route the API's Hono apps serve, must reach a function whose handler registers
 * that route; and every route in infra/routes.ts reaches a handler that serves something there.
 */
import { describe, expect, it } from "vitest";
import * as apiHandler from "../../packages/functions/src/api";
import { ALL_ROUTE_GROUPS, createApiApp } from "../../packages/functions/src/api/app";
import { type ApiDeps, buildApiApp, type RouteGroup } from "../../packages/functions/src/api/base";
import { ROUTES as OPENAPI_ROUTES } from "../../packages/functions/src/api/openapi";
import { ackLinkRoutes } from "../../packages/functions/src/api/routes/ack-links";
import * as apiActionItems from "../../packages/functions/src/api-action-items";
import * as apiDirectory from "../../packages/functions/src/api-directory";
import * as apiDocs from "../../packages/functions/src/api-docs";
import * as apiPaging from "../../packages/functions/src/api-paging";
import * as apiPostmortem from "../../packages/functions/src/api-postmortem";
import * as apiStatus from "../../packages/functions/src/api-status";
import { API_FUNCTIONS } from "../routes";

/** infra/paging.ts (it needs SST's globals): the Ack function's routes. */
const ACK_ROUTES = ["GET /ack/{token}", "POST /ack/{token}", "POST /sms/inbound"];

const HANDLER_MODULES: Record<string, { ROUTE_GROUPS: readonly RouteGroup[] }> = {
  "packages/functions/src/api.handler": apiHandler,
  "packages/functions/src/api-postmortem.handler": apiPostmortem,
  "packages/functions/src/api-directory.handler": apiDirectory,
  "packages/functions/src/api-docs.handler": apiDocs,
  "packages/functions/src/api-paging.handler": apiPaging as { ROUTE_GROUPS: readonly RouteGroup[] },
  "packages/functions/src/api-status.handler": apiStatus as { ROUTE_GROUPS: readonly RouteGroup[] },
  "packages/functions/src/api-action-items.handler": apiActionItems as {
    ROUTE_GROUPS: readonly RouteGroup[];
  },
};

/** Each function behind the HTTP API, with its route keys and the route groups its handler registers. */
const FUNCTIONS = [
  ...Object.entries(API_FUNCTIONS).map(([name, fn]) => {
    const module = HANDLER_MODULES[fn.handler];
    if (!module) throw new Error(`no handler module for ${fn.handler}`);
    return { name, keys: [...fn.routes] as string[], groups: module.ROUTE_GROUPS };
  }),
  // The Ack function (ack.ts) serves the same two routes as the local app's ack-link group.
  { name: "Ack", keys: ACK_ROUTES, groups: [ackLinkRoutes] },
];

const noDeps = (): ApiDeps => {
  throw new Error("routes are listed, not called");
};

/** "METHOD /path" of every route an app registers (not its middleware), Hono `:param` as `{param}`. */
function routesOf(app: { routes: { method: string; path: string }[] }): string[] {
  const keys = app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
  return [...new Set(keys)].sort();
}
const routesOfGroups = (groups: readonly RouteGroup[]) => routesOf(buildApiApp(noDeps, groups));

/**
 * How API Gateway ranks a route key for a request (lower wins), undefined when it does not match:
 * a full match, then a path with variables, then a greedy `{proxy+}`; the request's own method
 * before ANY.
 */
function rank(key: string, method: string, path: string): number | undefined {
  const [m, p] = key.split(" ") as [string, string];
  if (m !== "ANY" && m !== method) return undefined;
  const methodRank = m === "ANY" ? 1 : 0;
  if (p.endsWith("/{proxy+}")) {
    const prefix = p.slice(0, -"{proxy+}".length);
    return path.startsWith(prefix) && path.length > prefix.length ? 20 + methodRank : undefined;
  }
  const want = p.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return undefined;
  let variables = false;
  for (const [i, segment] of want.entries()) {
    if (/^\{\w+\}$/.test(segment) && got[i] !== "") variables = true;
    else if (segment !== got[i]) return undefined;
  }
  return (variables ? 10 : 0) + methodRank;
}

/** The function API Gateway invokes for a request, with the route key it picked. */
function select(method: string, path: string) {
  const candidates = FUNCTIONS.flatMap((fn) =>
    fn.keys.flatMap((key) => {
      const r = rank(key, method, path);
      return r === undefined ? [] : [{ fn, key, rank: r }];
    }),
  ).sort((a, b) => a.rank - b.rank);
  const [best, next] = candidates;
  if (best && next)
    expect(next.rank, `${method} ${path}: two routes equally specific`).toBeGreaterThan(best.rank);
  return best;
}

/** A concrete request path for a route path (`{id}` → an incident id). */
const concrete = (path: string) =>
  path.replace("{id}", "01JQ7PM0000000000000000000").replace(/\{\w+\}/g, "x1");

describe("HTTP API routing", () => {
  const all = routesOf(createApiApp(noDeps));

  it("registers every documented route, each in exactly one route group", () => {
    for (const r of OPENAPI_ROUTES)
      expect(all, `${r.method} ${r.path}`).toContain(`${r.method.toUpperCase()} ${r.path}`);
    const perGroup = ALL_ROUTE_GROUPS.map((g) => routesOfGroups([g]));
    expect(perGroup.flat().sort()).toEqual(all);
    expect(new Set(perGroup.flat()).size).toBe(perGroup.flat().length);
  });

  it("sends every route to a function whose handler serves it", () => {
    const served = new Map(FUNCTIONS.map((fn) => [fn.name, new Set(routesOfGroups(fn.groups))]));
    for (const route of all) {
      const [method, path] = route.split(" ") as [string, string];
      const picked = select(method, concrete(path));
      expect(picked, `${route} has an API Gateway route`).toBeDefined();
      expect(served.get(picked!.fn.name)?.has(route), `${route} → ${picked!.fn.name} (${picked!.key})`).toBe(
        true,
      );
    }
  });

  it("moves the postmortem edit and the directory writes to their own functions, and nothing else", () => {
    const owner = (route: string) => {
      const [method, path] = route.split(" ") as [string, string];
      return select(method, concrete(path))?.fn.name;
    };
    const byFunction: Record<string, string[] | undefined> = {};
    for (const route of all) {
      const name = owner(route) ?? "none";
      byFunction[name] = [...(byFunction[name] ?? []), route];
    }
    expect(byFunction.ApiPostmortem).toEqual(["PUT /api/incidents/{id}/postmortem"]);
    expect(byFunction.ApiDirectory?.sort()).toEqual(
      ["PUT /api/directory", "POST /api/oncall/overrides", "DELETE /api/oncall/overrides/{id}"].sort(),
    );
    expect(byFunction.ApiDocs).toEqual([
      "GET /api/openapi.json",
      "GET /api/schemas/postmortem.v1.json",
      "GET /api/schemas/postmortem.v2.json",
    ]);
    expect(byFunction.Ack?.sort()).toEqual(ACK_ROUTES.slice().sort());
    expect(byFunction.none).toBeUndefined();
    // The reads beside the moved writes stay on the main function.
    for (const route of [
      "GET /api/incidents/{id}/postmortem",
      "GET /api/incidents/{id}/postmortem.md",
      "GET /api/incidents/{id}/postmortem.json",
      "GET /api/directory",
      "GET /api/oncall/overrides",
      "GET /api/oncall",
    ]) {
      expect(owner(route), route).toBe("ApiHandler");
    }
  });

  it("gives each handler only the route groups API Gateway sends it", () => {
    for (const fn of FUNCTIONS) {
      const groupRoutes = routesOfGroups(fn.groups);
      expect(groupRoutes.length, fn.name).toBeGreaterThan(0);
      for (const route of groupRoutes) {
        const [method, path] = route.split(" ") as [string, string];
        expect(select(method, concrete(path))?.fn.name, `${fn.name} serves ${route}`).toBe(fn.name);
      }
    }
  });

  it("ranks routes as API Gateway does: exact, then variables, then greedy; a method before ANY", () => {
    expect(rank("PUT /api/directory", "PUT", "/api/directory")).toBe(0);
    expect(rank("PUT /api/directory", "GET", "/api/directory")).toBeUndefined();
    expect(rank("PUT /api/incidents/{id}/postmortem", "PUT", "/api/incidents/1/postmortem")).toBe(10);
    expect(
      rank("PUT /api/incidents/{id}/postmortem", "PUT", "/api/incidents/1/postmortem.md"),
    ).toBeUndefined();
    expect(rank("ANY /api/{proxy+}", "PUT", "/api/directory")).toBe(21);
    expect(rank("ANY /api/{proxy+}", "GET", "/api")).toBeUndefined();
  });
});
