/**
 * Directory writes (the "ApiDirectory" function): `PUT /api/directory`, as YAML or JSON, and the
 * runtime shift overrides beside it (`POST /api/oncall/overrides`, `DELETE …/{id}`). A group of
 * its own because reading YAML (with line/column errors) bundles the `yaml` package (≈ 116 KB) and
 * the directory's full validation, which no other route needs.
 */

import { parseDirectory } from "@firebreak/core/oncall/directory";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { addShiftOverride, cancelShiftOverride } from "@firebreak/core/oncall/override-actions";
import { ValidationError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { type BaseDeps, directoryStoreOf, jsonBody, type RouteGroup } from "../base";
import { overrideView } from "../override-view";
import { directoryDocument, overrideBody, overridePath } from "../schemas-base";
import { parse } from "../validate";

export const directoryEditRoutes: RouteGroup<BaseDeps> = (app, ctx) => {
  const admin = requireRole("admin");
  const responder = requireRole("responder");

  /** Who asks: the acting principal, their directory person (if any), whether an admin. */
  const requester = async (principal: Parameters<typeof actorOf>[0] & { role: string }) => {
    const stored = await directoryStoreOf(ctx).get();
    const person = (stored?.applied ?? stored?.directory)?.people.find((p) => p.id === principal.id);
    return {
      who: {
        actor: actorOf(principal),
        ...(person ? { personId: person.id } : {}),
        admin: principal.role === "admin",
      },
      stored,
    };
  };

  // Take, give away or swap a shift (core/oncall/override-actions.ts): 201 with the override.
  app.post("/api/oncall/overrides", responder, async (c) => {
    const body = parse(overrideBody, await jsonBody(c), "body");
    const { who, stored } = await requester(c.get("principal"));
    const override = await addShiftOverride(
      { directory: directoryStoreOf(ctx), clock: ctx.getDeps().clock },
      body,
      who,
    );
    return c.json(overrideView(stored, override), 201);
  });

  app.delete("/api/oncall/overrides/:id", responder, async (c) => {
    const { id } = parse(overridePath, { id: c.req.param("id") }, "path");
    const { who, stored } = await requester(c.get("principal"));
    const override = await cancelShiftOverride(
      { directory: directoryStoreOf(ctx), clock: ctx.getDeps().clock },
      id,
      who,
    );
    return c.json(overrideView(stored, override));
  });

  app.put("/api/directory", admin, async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const directory = /(^|\/|\+)(x-)?yaml$/.test(type)
      ? parseDirectoryYaml(await c.req.text())
      : parseDirectory(parse(directoryDocument, await jsonBody(c), "body"));
    const ifMatch = c.req.header("if-match");
    let expected: number | undefined;
    if (ifMatch !== undefined) {
      const m = /^"?(\d+)"?$/.exec(ifMatch.trim());
      if (!m)
        throw new ValidationError("invalid header: If-Match", [
          { path: "If-Match", message: 'expected the directory version, e.g. "3" (0: none yet)' },
        ]);
      expected = Number(m[1]);
    }
    const stored = await directoryStoreOf(ctx).apply(directory, expected, {
      actor: actorOf(c.get("principal")),
    });
    c.header("etag", `"${stored.version}"`);
    // As GET answers: the directory as applied, the runtime overrides beside it.
    const { applied, overrides, ...rest } = stored;
    return c.json({ ...rest, directory: applied ?? stored.directory, overrides: overrides ?? [] });
  });
};
