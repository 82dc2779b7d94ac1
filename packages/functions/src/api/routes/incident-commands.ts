/**
 * The moves people make on an incident (core/incident): declare, acknowledge, mitigate, resolve, severity, responders, merge, link, roles, updates, reopen and escalate.
 */
import {
  assignRole,
  changeSeverity,
  declareIncident,
  postUpdate,
  reopenIncident,
  setStatus,
} from "@firebreak/core/incident/actions";
import { linkIncidents, mergeIncident, unlinkIncidents } from "@firebreak/core/incident/merge";
import { IllegalTransitionError, type Incident, type Severity } from "@firebreak/core/incident/model";
import { requestEscalation, requestResponders } from "@firebreak/core/incident/responders";
import { acknowledge } from "@firebreak/core/paging/service";
import { NotFoundError, ValidationError, VersionConflictError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { incidentIdOf, jsonBody, type RouteContext, type RouteGroup, resolveIncidentRef } from "../base";
import { IncidentConflictError } from "../problem";
import {
  declareBody,
  escalateBody,
  linkBody,
  linkPath,
  mergeBody,
  reopenBody,
  respondersBody,
  roleBody,
  severityBody,
  statusBody,
  updateBody,
} from "../schemas";
import { parse } from "../validate";

import { incidentView, linkView, statusChangeView } from "./incident-view";

export const incidentCommandRoutes: RouteGroup = (app, ctx: RouteContext) => {
  const { getDeps } = ctx;
  const responder = requireRole("responder");
  app.post("/api/incidents", responder, async (c) => {
    const body = parse(declareBody, await jsonBody(c), "body");
    const incident = await declareIncident(
      { store: getDeps().store, clock: getDeps().clock },
      {
        title: body.title,
        severity: body.severity.toUpperCase() as Severity,
        ...(body.service ? { services: [body.service] } : {}),
        description: body.description,
      },
      actorOf(c.get("principal")),
    );
    return c.json(incidentView(incident), 201);
  });

  /** Runs an incident change; a version conflict becomes a 409 carrying the incident as it is now. */
  const withConflict = async <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VersionConflictError) || error instanceof IncidentConflictError) throw error;
      const current = await getDeps().store.getIncident(id);
      throw new IncidentConflictError(
        error.message,
        current?.version ?? error.currentVersion,
        current ? incidentView(current) : undefined,
      );
    }
  };
  const checkVersion = (incident: Incident, expected: number | undefined) => {
    if (expected !== undefined && incident.version !== expected) {
      throw new IncidentConflictError(
        `INC-${incident.number} is at version ${incident.version}, not ${expected}: reload and try again`,
        incident.version,
        incidentView(incident),
      );
    }
  };

  app.post("/api/incidents/:id/ack", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(statusBody, await jsonBody(c), "body");
    const deps = getDeps();
    const actor = actorOf(c.get("principal"));
    const before = await deps.store.getIncident(id);
    if (!before) throw new NotFoundError("incident", id);
    checkVersion(before, body.expectedVersion);
    if (
      body.expectedStatus !== undefined &&
      before.status !== body.expectedStatus &&
      before.status !== "acknowledged"
    )
      throw new IncidentConflictError(
        `INC-${before.number} is ${before.status} now, not ${body.expectedStatus}: reload and try again`,
        before.version,
        incidentView(before),
      );
    if (before.status !== "declared" && before.status !== "acknowledged")
      throw new IllegalTransitionError(before.status, "acknowledged");
    if (deps.paging) {
      // The paging use case: acknowledges the incident (conditioned on expectedVersion, when
      // given) and the escalation (stops the ladder).
      const result = await withConflict(id, () =>
        acknowledge(
          deps.paging!,
          {
            incidentId: id,
            actor,
            ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }),
          },
          "api",
        ),
      );
      return c.json(statusChangeView(result.incident, !result.alreadyAcknowledged));
    }
    const result = await withConflict(id, () =>
      setStatus(
        { store: deps.store, clock: deps.clock },
        id,
        {
          to: "acknowledged",
          expectedVersion: body.expectedVersion,
          ...(body.expectedStatus ? { expectedStatus: body.expectedStatus } : {}),
        },
        actor,
      ),
    );
    return c.json(statusChangeView(result.incident, result.changed));
  });

  for (const to of ["mitigated", "resolved"] as const) {
    app.post(`/api/incidents/:id/${to === "mitigated" ? "mitigate" : "resolve"}`, responder, async (c) => {
      const id = await incidentIdOf(c, getDeps().store);
      const body = parse(statusBody, await jsonBody(c), "body");
      const result = await withConflict(id, () =>
        setStatus(
          { store: getDeps().store, clock: getDeps().clock },
          id,
          {
            to,
            summary: body.summary,
            expectedVersion: body.expectedVersion,
            ...(body.expectedStatus ? { expectedStatus: body.expectedStatus } : {}),
          },
          actorOf(c.get("principal")),
        ),
      );
      return c.json(statusChangeView(result.incident, result.changed));
    });
  }

  // Raising re-evaluates urgency and paging (the pager consumes incident.severity_changed);
  // lowering needs a reason; the same severity writes nothing (changed: false).
  app.post("/api/incidents/:id/severity", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(severityBody, await jsonBody(c), "body");
    const result = await withConflict(id, () =>
      changeSeverity(
        { store: getDeps().store, clock: getDeps().clock },
        id,
        {
          severity: body.severity,
          ...(body.reason ? { reason: body.reason } : {}),
          ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }),
        },
        actorOf(c.get("principal")),
      ),
    );
    return c.json({ ...incidentView(result.incident), changed: result.changed });
  });

  // Pull people in: the pager pages them on incident.responder_requested (core/incident/responders.ts).
  app.post("/api/incidents/:id/responders", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(respondersBody, await jsonBody(c), "body");
    const directory = ctx.directoryOf();
    const { incident, people } = await requestResponders(
      {
        store: getDeps().store,
        clock: getDeps().clock,
        directory: async () => (await directory?.get())?.directory,
      },
      id,
      body,
      actorOf(c.get("principal")),
    );
    return c.json({ incidentId: incident.id, key: `INC-${incident.number}`, people }, 202);
  });

  // A duplicate into the incident that survives (core/incident/merge.ts): `into` is INC-n or an id.
  app.post("/api/incidents/:id/merge", responder, async (c) => {
    const store = getDeps().store;
    const id = await incidentIdOf(c, store);
    const body = parse(mergeBody, await jsonBody(c), "body");
    const into = await resolveIncidentRef(body.into, store);
    const result = await withConflict(id, () =>
      mergeIncident(
        { store, clock: getDeps().clock },
        id,
        {
          into,
          ...(body.reason ? { reason: body.reason } : {}),
          ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }),
        },
        actorOf(c.get("principal")),
      ),
    );
    return c.json({
      incident: incidentView(result.incident),
      into: incidentView(result.into),
      changed: result.changed,
      movedAlarms: result.movedAlarms,
    });
  });

  app.post("/api/incidents/:id/links", responder, async (c) => {
    const store = getDeps().store;
    const id = await incidentIdOf(c, store);
    const body = parse(linkBody, await jsonBody(c), "body");
    const other = await resolveIncidentRef(body.incident, store);
    const result = await linkIncidents(
      { store, clock: getDeps().clock },
      id,
      { other, ...(body.reason ? { reason: body.reason } : {}) },
      actorOf(c.get("principal")),
    );
    return c.json(linkView(result));
  });

  app.delete("/api/incidents/:id/links/:other", responder, async (c) => {
    const store = getDeps().store;
    const path = parse(linkPath, { id: c.req.param("id"), other: c.req.param("other") }, "path");
    const [id, other] = await Promise.all([
      resolveIncidentRef(path.id, store),
      resolveIncidentRef(path.other, store),
    ]);
    const result = await unlinkIncidents(
      { store, clock: getDeps().clock },
      id,
      other,
      actorOf(c.get("principal")),
    );
    return c.json(linkView(result));
  });

  app.post("/api/incidents/:id/roles", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(roleBody, await jsonBody(c), "body");
    const people = (await ctx.directoryOf()?.get())?.directory.people;
    const person = people?.find((p) => p.id === body.personId);
    if (people && !person) {
      throw new ValidationError(`invalid body: personId: unknown person "${body.personId}"`, [
        { path: "personId", message: `unknown person "${body.personId}" (see GET /api/people)` },
      ]);
    }
    const after = await withConflict(id, () =>
      assignRole(
        { store: getDeps().store, clock: getDeps().clock },
        id,
        {
          role: body.role,
          personId: body.personId,
          personName: person?.name,
          expectedVersion: body.expectedVersion,
          // Only a directory person can be paged.
          ...(person ? (body.page === undefined ? {} : { page: body.page }) : { page: false }),
        },
        actorOf(c.get("principal")),
      ),
    );
    return c.json(incidentView(after));
  });

  app.post("/api/incidents/:id/updates", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(updateBody, await jsonBody(c), "body");
    const store = getDeps().store;
    const after = await withConflict(id, () =>
      postUpdate({ store, clock: getDeps().clock }, id, body, actorOf(c.get("principal"))),
    );
    const found = await store.getIncidentWithTimeline(id);
    const entry = found?.timeline
      .filter((e) => e.kind === "incident.update_posted" && e.at === after.updatedAt)
      .at(-1);
    return c.json(entry ?? { incident: incidentView(after) }, 201);
  });

  app.post("/api/incidents/:id/reopen", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(reopenBody, await jsonBody(c), "body");
    const after = await withConflict(id, () =>
      reopenIncident(
        { store: getDeps().store, clock: getDeps().clock },
        id,
        body,
        actorOf(c.get("principal")),
      ),
    );
    return c.json(incidentView(after));
  });

  app.post("/api/incidents/:id/escalate", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(escalateBody, await jsonBody(c), "body");
    const incident = await requestEscalation(
      { store: getDeps().store, clock: getDeps().clock },
      id,
      body,
      actorOf(c.get("principal")),
    );
    return c.json({ incidentId: incident.id, key: `INC-${incident.number}`, mode: body.mode }, 202);
  });
};
