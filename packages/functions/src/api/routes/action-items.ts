/**
 * Action items (the "ApiActionItems" function; core/action-items): create one on an incident
 * (idempotent with `Idempotency-Key`), make the postmortem draft's rows into items, list them by
 * service, owner, status and incident, read and change one (a 409 with the item as it is now), and
 * the risk view: per service, the open items, their age and the error budget left.
 */
import {
  type ActionItemDeps,
  actionItemFilterSchema,
  createActionItem,
  createFromDraft,
  getActionItem,
  listActionItems,
  openItemsByService,
  updateActionItem,
} from "@firebreak/core/action-items/actions";
import { type SyncDeps, syncActionItem } from "@firebreak/core/action-items/sync";
import { ActionItemStore } from "@firebreak/core/adapters/dynamodb/action-items/store";
import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import { budgetsAt } from "@firebreak/core/metrics/budget-load";
import { getPostmortem } from "@firebreak/core/postmortem/service";
import { systemClock } from "@firebreak/core/shared/clock";
import {
  FirebreakError,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from "@firebreak/core/shared/errors";
import * as z from "@firebreak/core/shared/zod";
import { idempotencyKeySchema, riskQuery } from "../action-item-schemas";
import { actorOf, requireRole } from "../auth";
import { type BaseDeps, directoryStoreOf, incidentIdOf, jsonBody, type RouteGroup } from "../base";
import { ConflictWithCurrentError } from "../problem";
import { parse } from "../validate";

export interface ActionItemRouteDeps extends BaseDeps {
  store: IncidentStore;
  actionItems?: ActionItemStore;
  postmortems?: PostmortemStore;
  /** The tracker sync, for `POST /api/action-items/{id}/sync` (503 without it). */
  sync?: SyncDeps;
}

const idempotencyHeader = z.object({ "Idempotency-Key": z.optional(idempotencyKeySchema) });

export const actionItemRoutes: RouteGroup<ActionItemRouteDeps> = (app, ctx) => {
  const viewer = requireRole("viewer");
  const responder = requireRole("responder");

  const depsOf = (): ActionItemDeps & { postmortems: PostmortemStore } => {
    const deps = ctx.getDeps();
    const directory = directoryStoreOf(ctx);
    return {
      actionItems: deps.actionItems ?? new ActionItemStore(deps.store.db, deps.store.tableName),
      incidents: deps.store,
      postmortems: deps.postmortems ?? new PostmortemStore(deps.store.db, deps.store.tableName),
      directory: async () => (await directory.get())?.directory,
      ...(deps.clock ? { clock: deps.clock } : {}),
    };
  };

  app.post("/api/incidents/:id/action-items", responder, async (c) => {
    const deps = depsOf();
    const id = await incidentIdOf(c, deps.incidents as IncidentStore);
    const key = parse(idempotencyHeader, { "Idempotency-Key": c.req.header("idempotency-key") }, "header")[
      "Idempotency-Key"
    ];
    const outcome = await createActionItem(
      deps,
      id,
      await jsonBody(c),
      actorOf(c.get("principal")),
      key === undefined ? undefined : `api:${key}`,
    );
    return c.json(outcome.item, outcome.created ? 201 : 200);
  });

  app.post("/api/incidents/:id/action-items/from-draft", responder, async (c) => {
    const deps = depsOf();
    const id = await incidentIdOf(c, deps.incidents as IncidentStore);
    const principal = c.get("principal");
    const draft = await getPostmortem(
      { incidents: deps.incidents as IncidentStore, postmortems: deps.postmortems },
      id,
    );
    const rows = draft.current.metadata.action_items ?? [];
    if (rows.length === 0)
      throw new ValidationError("the postmortem draft has no action items", [
        { path: "action_items", message: "the current draft lists no action items" },
      ]);
    const outcomes = await createFromDraft(
      deps,
      id,
      rows,
      draft.current.version,
      actorOf(principal),
      principal.id,
    );
    return c.json(
      { created: outcomes.filter((o) => o.created).length, items: outcomes.map((o) => o.item) },
      outcomes.some((o) => o.created) ? 201 : 200,
    );
  });

  app.get("/api/action-items", viewer, async (c) => {
    const filter = parse(actionItemFilterSchema, c.req.query(), "query");
    const deps = depsOf();
    return c.json({ items: await listActionItems(deps, filter) });
  });

  app.get("/api/action-items/:id", viewer, async (c) => {
    return c.json(await getActionItem(depsOf(), c.req.param("id")));
  });

  app.patch("/api/action-items/:id", responder, async (c) => {
    const deps = depsOf();
    const ref = c.req.param("id");
    try {
      const { item } = await updateActionItem(deps, ref, await jsonBody(c), actorOf(c.get("principal")));
      return c.json(item);
    } catch (error) {
      if (!(error instanceof VersionConflictError) || error instanceof ConflictWithCurrentError) throw error;
      const current = await getActionItem(deps, ref).catch(() => undefined);
      throw new ConflictWithCurrentError(error.message, current?.version ?? error.currentVersion, current);
    }
  });

  // Sync now: create the issue if there is none yet, else read its state back (closed → done).
  app.post("/api/action-items/:id/sync", responder, async (c) => {
    const deps = depsOf();
    const sync = ctx.getDeps().sync;
    if (!sync)
      throw new FirebreakError("not_configured", "the tracker sync is not configured on this deployment");
    const item = await getActionItem(deps, c.req.param("id"));
    const outcome = await syncActionItem(sync, item.id);
    return c.json({ outcome, item: await getActionItem(deps, item.id) });
  });

  // How much risk are we carrying: per service, the open action items and their age, with the
  // error budget left (services with either).
  app.get("/api/risk", viewer, async (c) => {
    const query = parse(riskQuery, c.req.query(), "query");
    const deps = depsOf();
    const now = (deps.clock ?? systemClock).now();
    const teams = (await directoryStoreOf(ctx).get())?.directory.teams ?? [];
    const [items, budgets] = await Promise.all([
      deps.actionItems.all(),
      budgetsAt(
        { store: deps.incidents as IncidentStore, postmortems: deps.postmortems },
        teams,
        now,
        query.service,
      ),
    ]);
    const open = openItemsByService(items, now).filter((r) => !query.service || r.service === query.service);
    const services = [
      ...new Set([...open.map((r) => r.service), ...budgets.filter((b) => b.slo).map((b) => b.service)]),
    ];
    if (query.service && services.length === 0)
      throw new NotFoundError("service with action items or an SLO", query.service);
    return c.json({
      now: now.toISOString(),
      services: services
        .map((service) => {
          const risk = open.find((r) => r.service === service);
          const budget = budgets.find((b) => b.service === service);
          return {
            service,
            team: budget?.team ?? null,
            openActionItems: risk?.open ?? 0,
            overdueActionItems: risk?.overdue ?? 0,
            oldestOpenDays: risk?.oldestOpenDays ?? null,
            medianOpenDays: risk?.medianOpenDays ?? null,
            items: risk?.items ?? [],
            budget: budget?.slo
              ? {
                  remainingMinutes: budget.remainingMinutes,
                  budgetMinutes: budget.budgetMinutes,
                  percentConsumed: budget.percentConsumed,
                }
              : null,
          };
        })
        .sort(
          (a, b) =>
            b.openActionItems - a.openActionItems ||
            (a.budget?.remainingMinutes ?? Number.POSITIVE_INFINITY) -
              (b.budget?.remainingMinutes ?? Number.POSITIVE_INFINITY) ||
            a.service.localeCompare(b.service),
        ),
    });
  });
};
