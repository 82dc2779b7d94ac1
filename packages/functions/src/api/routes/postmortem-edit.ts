/**
 * Postmortem edits (the "ApiPostmortem" function): `PUT /api/incidents/{id}/postmortem`. A group of
 * its own because a human edit lints the Markdown and validates the metadata against the schema
 * (the precompiled validator, ajv-formats and the linter, ≈ 100 KB), which no read route needs.
 */
import { editPostmortem } from "@firebreak/core/postmortem/edit";
import { actorOf, requireRole } from "../auth";
import { incidentIdOf, jsonBody, postmortemOf, type RouteGroup } from "../base";
import { postmortemBody } from "../schemas";
import { parse } from "../validate";

export const postmortemEditRoutes: RouteGroup = (app, ctx) => {
  const { getDeps } = ctx;
  const responder = requireRole("responder");

  app.put("/api/incidents/:id/postmortem", responder, async (c) => {
    const id = await incidentIdOf(c, getDeps().store);
    const body = parse(postmortemBody, await jsonBody(c), "body");
    const deps = getDeps();
    await editPostmortem(
      { incidents: deps.store, postmortems: deps.postmortems, clock: deps.clock },
      id,
      {
        markdown: body.markdown,
        expectedVersion: body.baseVersion,
        ...(body.releaseInvolved ? { releaseInvolved: body.releaseInvolved } : {}),
      },
      actorOf(c.get("principal")),
    );
    const { current, versions } = await postmortemOf(ctx, id);
    return c.json({ ...current, lint: current.metadata.lint, versions });
  });
};
