import type { Incident } from "@firebreak/core/incident/model";
import { issuesFromZod, NotFoundError, ValidationError } from "@firebreak/core/shared/errors";
import type { Log } from "@firebreak/core/shared/log";
import type { IncidentStore } from "@firebreak/core/storage/incident-store";
import { Hono } from "hono";
import { z } from "zod";
import { toProblem } from "./problem";

export interface ApiDeps {
  store: IncidentStore;
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
