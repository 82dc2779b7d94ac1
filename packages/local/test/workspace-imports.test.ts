import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { importsOf, packageOf, type UndeclaredImport, undeclaredImports } from "./support/workspace-imports";

/**
 * Every workspace declares what it imports: each bare import in packages/core, functions, local,
 * web and the root (infra/, sst.config.ts, vitest.config.ts…) names a package listed in that
 * workspace's own package.json (`node:`/builtins, the workspace's own name and modules mapped by a
 * root tsconfig `paths` entry excepted).
 *
 * Proved by hand once: adding `import leftPad from "left-pad";` to packages/web/src/format.ts made
 * the first test fail with `packages/web/src/format.ts: "left-pad" needs left-pad in
 * packages/web/package.json`; removing the line made it pass again. The second test repeats that
 * proof on a throwaway repository, so the check cannot silently stop finding anything.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const describeProblem = (p: UndeclaredImport) =>
  `${p.file}: "${p.specifier}" needs ${p.pkg} in ${p.manifest}`;

describe("workspace imports", () => {
  it("every bare import of every workspace is declared in that workspace's package.json", () => {
    expect(undeclaredImports(ROOT).map(describeProblem)).toEqual([]);
  });

  describe("on a throwaway repository", () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    function repo(files: Record<string, string>): string {
      dir = mkdtempSync(path.join(os.tmpdir(), "workspace-imports-"));
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      return dir;
    }

    it("names the file and the package of each undeclared import, in members and at the root", () => {
      const root = repo({
        "package.json": JSON.stringify({
          name: "demo",
          workspaces: ["packages/a"],
          devDependencies: { vitest: "^4" },
        }),
        "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "@provided/*": ["./vendor/*"] } } }),
        "infra/stack.ts": 'import { z } from "zod";\nimport * as p from "@provided/thing";\n',
        "root.test.ts": 'import { it } from "vitest";\n',
        "packages/a/package.json": JSON.stringify({
          name: "@demo/a",
          dependencies: { "@slack/bolt": "^5" },
          devDependencies: { "@types/aws-lambda": "^8" },
        }),
        "packages/a/src/ok.ts": [
          'import { readFileSync } from "node:fs";',
          'import path from "path";',
          'import { App } from "@slack/bolt";',
          'import type { Handler } from "aws-lambda";',
          'import { x } from "@demo/a/x";',
          'import { y } from "./y";',
          "",
        ].join("\n"),
        "packages/a/src/bad.tsx": [
          "import {",
          "  render,",
          '} from "preact";',
          'export * from "@scope/lib/sub/path";',
          'const lazy = () => import("left-pad");',
          'const text = "import nothing from \\"not-an-import\\"";',
          "",
        ].join("\n"),
        "packages/a/scripts/tool.mjs": 'import chalk from "chalk";\n',
        "packages/a/node_modules/dep/index.mjs": 'import "never-scanned";\n',
      });
      const found = undeclaredImports(root).map((p) => [p.manifest, p.file, p.pkg]);
      expect(found.sort()).toEqual(
        [
          ["package.json", path.join("infra", "stack.ts"), "zod"],
          [
            path.join("packages", "a", "package.json"),
            path.join("packages", "a", "src", "bad.tsx"),
            "preact",
          ],
          [
            path.join("packages", "a", "package.json"),
            path.join("packages", "a", "src", "bad.tsx"),
            "@scope/lib",
          ],
          [
            path.join("packages", "a", "package.json"),
            path.join("packages", "a", "src", "bad.tsx"),
            "left-pad",
          ],
          [
            path.join("packages", "a", "package.json"),
            path.join("packages", "a", "scripts", "tool.mjs"),
            "chalk",
          ],
        ].sort(),
      );
    });
  });

  it("reads static, re-export and dynamic imports, but not strings or comments", () => {
    const source = [
      'import a from "a";',
      'import type { B } from "b";',
      'import "c";',
      'export { d } from "d";',
      'export * as e from "e";',
      'const f = await import("f");',
      '// import g from "g";',
      "const h = \"import h from 'h'\";",
    ].join("\n");
    expect(importsOf(source)).toEqual(["a", "b", "c", "d", "e", "f"]);
  });

  it("maps specifiers to package names", () => {
    expect(packageOf("@aws-sdk/client-s3")).toBe("@aws-sdk/client-s3");
    expect(packageOf("@firebreak/core/alarm/normalise")).toBe("@firebreak/core");
    expect(packageOf("preact/hooks")).toBe("preact");
    expect(packageOf("node:fs")).toBeUndefined();
    expect(packageOf("fs/promises")).toBeUndefined();
    expect(packageOf("./local")).toBeUndefined();
    expect(packageOf("../up")).toBeUndefined();
    expect(packageOf("virtual:module")).toBeUndefined();
  });
});
