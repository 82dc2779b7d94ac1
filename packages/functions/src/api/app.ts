import type { Incident } from "@firebreak/core/incident/model";
import { computeMetrics } from "@firebreak/core/metrics/metrics";
import { parseSince } from "@firebreak/core/metrics/since";
import { acknowledgeByLink, listPages, type PagingDeps } from "@firebreak/core/paging/service";
import { postmortemSchemaV1 } from "@firebreak/core/postmortem/schema";
import { getPostmortem } from "@firebreak/core/postmortem/service";
import type { PostmortemStore } from "@firebreak/core/postmortem/store";
import { FirebreakError, issuesFromZod, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import type { IncidentStore } from "@firebreak/core/storage/incident-store";
import { Hono } from "hono";
import * as z from "zod";
import { ackPage } from "./ack-page";
import { toProblem } from "./problem";

export interface ApiDeps {
  store: IncidentStore;
  postmortems: PostmortemStore;
  /** Paging (pages list, ack links); routes answer 503 where it is not configured. */
  paging?: PagingDeps;
  log?: Pick<Log, "error">;
}

export const listIncidentsQuery = z.object({
  status: z.enum(["open"], { message: 'expected "open"' }).default("open"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional(),
});

function parse<T extends z.ZodType>(schema: T, input: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error.issues);
  throw new ValidationError(
    `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    issues,
  );
}

export const metricsQuery = z.object({
  since: z.string().max(64).default("30d"),
  until: z.string().max(64).optional(),
  service: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a service name: lowercase letters, digits, . _ -")
    .optional(),
});

export const incidentPath = z.object({
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, "expected an incident id: 26 characters (a ULID)"),
});

/** The API view of an incident: the stored fields, with `key` (INC-n) for people. */
export function incidentView(incident: Incident) {
  return { ...incident, key: `INC-${incident.number}`, alarm: incident.alarm ?? null };
}

/** The HTTP API. The same app serves Lambda (API Gateway v2 events) and the local runtime. */
export function createApiApp(getDeps: () => ApiDeps) {
  const app = new Hono();

  app.get("/health", (c) => c.json({ status: "ok" }));

  app.get("/api/incidents", async (c) => {
    const query = parse(listIncidentsQuery, c.req.query(), "query");
    const page = await getDeps().store.listOpen({ limit: query.limit, cursor: query.cursor });
    return c.json({ items: page.items.map(incidentView), cursor: page.cursor ?? null });
  });

  app.get("/api/incidents/:id", async (c) => {
    const { id } = parse(incidentPath, { id: c.req.param("id") }, "path");
    const found = await getDeps().store.getIncidentWithTimeline(id);
    if (!found) throw new NotFoundError("incident", id);
    return c.json({ ...incidentView(found.incident), timeline: found.timeline });
  });

  const postmortemOf = async (id: string) => {
    const deps = getDeps();
    return getPostmortem({ incidents: deps.store, postmortems: deps.postmortems }, id);
  };

  app.get("/api/incidents/:id/postmortem", async (c) => {
    const { id } = parse(incidentPath, { id: c.req.param("id") }, "path");
    const { current, versions } = await postmortemOf(id);
    return c.json({ ...current, lint: current.metadata.lint, versions });
  });

  app.get("/api/incidents/:id/postmortem.md", async (c) => {
    const { id } = parse(incidentPath, { id: c.req.param("id") }, "path");
    const { current } = await postmortemOf(id);
    return c.body(current.markdown, 200, {
      "content-type": "text/markdown; charset=utf-8",
      "content-disposition": `attachment; filename="INC-${current.metadata.incident.number}-postmortem.md"`,
    });
  });

  app.get("/api/incidents/:id/postmortem.json", async (c) => {
    const { id } = parse(incidentPath, { id: c.req.param("id") }, "path");
    const { current } = await postmortemOf(id);
    return c.json(current.metadata, 200, {
      "content-disposition": `attachment; filename="INC-${current.metadata.incident.number}-postmortem.json"`,
    });
  });

  app.get("/api/schemas/postmortem.v1.json", (c) =>
    c.json(postmortemSchemaV1, 200, { "content-type": "application/schema+json" }),
  );

  app.get("/api/metrics", async (c) => {
    const query = parse(metricsQuery, c.req.query(), "query");
    const now = new Date();
    const since = parseSince(query.since, now);
    const until = query.until ? parseSince(query.until, now) : now;
    if (since >= until) {
      throw new ValidationError("invalid query: since must be before until", [
        { path: "since", message: "must be before until" },
      ]);
    }
    const docs = await getDeps().postmortems.metadataBetween(since, until);
    return c.json(computeMetrics(docs, { window: { since, until }, service: query.service }));
  });

  const paging = () => {
    const deps = getDeps().paging;
    if (!deps)
      throw new FirebreakError("paging_not_configured", "paging is not configured on this deployment");
    return deps;
  };

  app.get("/api/pages", async (c) => {
    const { incident } = parse(z.object({ incident: incidentPath.shape.id }), c.req.query(), "query");
    return c.json({ items: await listPages(paging(), incident) });
  });

  // One-click ack links: GET shows a confirmation (link scanners and previews only GET), POST acks.
  app.get("/ack/:token", (c) => c.html(ackPage({ state: "confirm", token: c.req.param("token") })));
  app.post("/ack/:token", async (c) => {
    const result = await acknowledgeByLink(paging(), c.req.param("token"));
    if (result.ok) return c.html(ackPage({ state: "acknowledged", incident: result.incident }));
    const status = { expired: 410, already_used: 410, forged: 400, malformed: 400, not_found: 404 } as const;
    return c.html(ackPage({ state: result.reason }), status[result.reason]);
  });

  app.notFound((c) => {
    const problem = toProblem(new NotFoundError("route", `${c.req.method} ${new URL(c.req.url).pathname}`));
    return c.json(problem, 404, { "content-type": "application/problem+json" });
  });

  app.onError((error, c) => {
    const problem = toProblem(error);
    if (problem.status >= 500) getDeps().log?.error("unhandled API error", { error });
    return c.json(problem, problem.status as 400, { "content-type": "application/problem+json" });
  });

  return app;
}
