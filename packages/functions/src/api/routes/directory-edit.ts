/**
 * Directory writes (the "ApiDirectory" function): `PUT /api/directory`, as YAML or JSON. A group of
 * its own because reading YAML (with line/column errors) bundles the `yaml` package (≈ 116 KB) and
 * the directory's full validation, which no other route needs.
 */
import { parseDirectory } from "@firebreak/core/oncall/directory";
import { parseDirectoryYaml } from "@firebreak/core/oncall/directory-yaml";
import { ValidationError } from "@firebreak/core/shared/errors";
import { actorOf, requireRole } from "../auth";
import { type BaseDeps, directoryStoreOf, jsonBody, type RouteGroup } from "../base";
import { directoryDocument } from "../schemas";
import { parse } from "../validate";

export const directoryEditRoutes: RouteGroup<BaseDeps> = (app, ctx) => {
  const admin = requireRole("admin");

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
    return c.json(stored);
  });
};
