/**
 * A person's notification rules (core/oncall/notify-actions.ts), on the main API function:
 * `GET /api/people/{id}/notification-rules` and `PUT` (anyone signed in: the person themselves, or
 * an admin): the rules, or `{ "reset": true }` to fall back to the directory's or the default.
 */
import {
  notifyRulesResetSchema,
  notifyRulesView,
  setNotifyRules,
} from "@firebreak/core/oncall/notify-actions";
import { notifyRulesSchema } from "@firebreak/core/oncall/notify-rules";
import { PersonalRulesStore } from "@firebreak/core/oncall/notify-store";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { type BaseDeps, directoryStoreOf, jsonBody, type RouteGroup } from "../base";
import { personPath } from "../people-schemas";
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
};

function isResetBody(body: unknown): boolean {
  return typeof body === "object" && body !== null && !Array.isArray(body) && "reset" in body;
}
