/**
 * A person's notification rules (core/oncall/notify-actions.ts) and contact methods
 * (core/oncall/verify-actions.ts), on the main API function:
 * - `GET /api/people/{id}/notification-rules` and `PUT` (anyone signed in: the person themselves,
 *   or an admin): the rules, or `{ "reset": true }` to fall back to the directory's or the default;
 * - `GET /api/people/{id}/contact-methods`: each method with its verification status;
 * - `POST …/contact-methods/{method}/verification`: send a test message (202: the pager sends it);
 * - `POST …/contact-methods/{method}/verification/confirm` `{ "code": "123456" }`: verify it.
 */

import { ContactStore } from "@firebreak/core/adapters/dynamodb/oncall/contact-store";
import { PersonalRulesStore } from "@firebreak/core/adapters/dynamodb/oncall/notify-store";
import {
  notifyRulesResetSchema,
  notifyRulesView,
  setNotifyRules,
} from "@firebreak/core/oncall/notify-actions";
import { notifyRulesSchema } from "@firebreak/core/oncall/notify-rules";
import {
  confirmVerification,
  contactMethodsView,
  requestVerification,
} from "@firebreak/core/oncall/verify-actions";
import { type Clock, systemClock } from "@firebreak/core/shared/clock";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { actorOf, type Principal, requireRole } from "../auth";
import { type BaseDeps, directoryStoreOf, jsonBody, type RouteContext, type RouteGroup } from "../base";
import { contactMethodPath, personPath, verificationCodeBody } from "../people-schemas";
import { parse } from "../validate";

export const peopleRoutes: RouteGroup<BaseDeps> = (app, ctx) => {
  app.get("/api/people/:id/notification-rules", requireRole("viewer"), async (c) => {
    const { id } = parse(personPath, { id: c.req.param("id") }, "path");
    const stored = await directoryStoreOf(ctx).get();
    if (!stored) throw new NotFoundError("person", id);
    return c.json(notifyRulesView(stored.applied ?? stored.directory, stored.personalRules, id));
  });

  // Anyone signed in edits their own (a viewer is paged too when on call); admins anyone's.
  app.put("/api/people/:id/notification-rules", requireRole("viewer"), async (c) => {
    const { id } = parse(personPath, { id: c.req.param("id") }, "path");
    const raw = await jsonBody(c);
    // `{ "reset": true }`, else the rules (validated here so that each issue names its path).
    const reset = isResetBody(raw) && parse(notifyRulesResetSchema, raw, "body").reset;
    const rules = reset ? null : parse(notifyRulesSchema, raw, "body");
    const principal = c.get("principal");
    const view = await setNotifyRules(
      { rules: new PersonalRulesStore(directoryStoreOf(ctx)), clock: ctx.getDeps().clock },
      id,
      rules,
      { actor: actorOf(principal), personId: principal.id, admin: principal.role === "admin" },
    );
    return c.json(view);
  });

  app.get("/api/people/:id/contact-methods", requireRole("viewer"), async (c) => {
    const { id } = parse(personPath, { id: c.req.param("id") }, "path");
    const stored = await directoryStoreOf(ctx).get();
    if (!stored) throw new NotFoundError("person", id);
    return c.json(
      contactMethodsView(stored.applied ?? stored.directory, stored.contacts, id, clockOf(ctx).now()),
    );
  });

  app.post("/api/people/:id/contact-methods/:method/verification", requireRole("viewer"), async (c) => {
    const { id, method } = parse(
      contactMethodPath,
      { id: c.req.param("id"), method: c.req.param("method") },
      "path",
    );
    const view = await requestVerification(verifyDeps(ctx), id, method, requester(c.get("principal")));
    return c.json(view, 202);
  });

  app.post(
    "/api/people/:id/contact-methods/:method/verification/confirm",
    requireRole("viewer"),
    async (c) => {
      const { id, method } = parse(
        contactMethodPath,
        { id: c.req.param("id"), method: c.req.param("method") },
        "path",
      );
      const { code } = parse(verificationCodeBody, await jsonBody(c), "body");
      const view = await confirmVerification(
        verifyDeps(ctx),
        id,
        method,
        code,
        requester(c.get("principal")),
        "api",
      );
      return c.json(view);
    },
  );
};

function clockOf(ctx: RouteContext<BaseDeps>): Clock {
  return ctx.getDeps().clock ?? systemClock;
}

function verifyDeps(ctx: RouteContext<BaseDeps>) {
  return { contacts: new ContactStore(directoryStoreOf(ctx)), clock: clockOf(ctx) };
}

function requester(principal: Principal) {
  return { actor: actorOf(principal), personId: principal.id, admin: principal.role === "admin" };
}

function isResetBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && !Array.isArray(body) && "reset" in body;
}
