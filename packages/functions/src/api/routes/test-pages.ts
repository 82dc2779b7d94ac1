/**
 * Test pages (core/paging/test-pages.ts), on the ApiPaging function (the main API function is at
 * its bundle budget; this one already reads the directory and the table):
 * `POST /api/test-pages` `{ person | team | service }` → 202 with the record (its id), and
 * `GET /api/test-pages/{id}` → the record: per person and method, its status, error, times and
 * acknowledgement. A person may test themselves (any role); responders and admins anyone.
 */

import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import { TestPageRequestStore } from "@firebreak/core/adapters/dynamodb/paging/test-page-request-store";
import { getTestPage, readTestPageTarget, requestTestPage } from "@firebreak/core/paging/test-pages";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { type BaseDeps, directoryStoreOf, jsonBody, type RouteGroup } from "../base";

export interface TestPageRouteDeps extends BaseDeps {
  /** The table the test pages live in (the incidents' table). */
  store: Pick<IncidentStore, "db" | "tableName">;
}

const TEST_PAGE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const testPageRoutes: RouteGroup<TestPageRouteDeps> = (app, ctx) => {
  const storeOf = () => {
    const { store } = ctx.getDeps();
    return new TestPageRequestStore(store.db, store.tableName);
  };

  app.post("/api/test-pages", requireRole("viewer"), async (c) => {
    const target = readTestPageTarget(await jsonBody(c));
    const principal = c.get("principal");
    const view = await requestTestPage(
      { directory: directoryStoreOf(ctx), testPages: storeOf(), clock: ctx.getDeps().clock },
      target,
      {
        actor: actorOf(principal),
        personId: principal.id,
        anyone: principal.role === "responder" || principal.role === "admin",
      },
    );
    return c.json(view, 202, { location: `/api/test-pages/${view.id}` });
  });

  app.get("/api/test-pages/:id", requireRole("viewer"), async (c) => {
    const id = c.req.param("id");
    if (!TEST_PAGE_ID.test(id)) throw new NotFoundError("test page", id);
    return c.json(await getTestPage({ testPages: storeOf() }, id));
  });
};
