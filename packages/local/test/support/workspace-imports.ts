import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

/**
 * Which bare imports each npm workspace makes without declaring the package in its own
 * package.json. A workspace that relies on a package hoisted for another one works on one
 * machine and breaks on the next install; this finds those imports.
 */

/** Source files that can import: TypeScript, TSX and ES modules (JavaScript is generated here). */
const SOURCE = /\.(ts|tsx|mts|mjs)$/;
/** Never scanned: installed or generated trees. */
const SKIP_DIRS = new Set(["node_modules", ".git", ".sst", "dist", ".firebreak", "test-results", "fixtures"]);

export interface UndeclaredImport {
  /** The workspace's package.json, relative to the root ("package.json" for the root). */
  manifest: string;
  /** The importing file, relative to the root. */
  file: string;
  /** The package the import needs (e.g. "@slack/bolt" for "@slack/bolt/dist/x"). */
  pkg: string;
  specifier: string;
}

interface Manifest {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, "utf8")) as T;

/** The package a bare specifier names, or undefined for relative, absolute, builtin or URL-like ones. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:"))
    return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined; // data:, virtual:, bun:, https:
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? "");
  const bare = name.split("?")[0] ?? name;
  if (builtinModules.includes(bare)) return undefined;
  return bare;
}

/**
 * Every module specifier a file imports, read from its syntax tree (so strings and comments that
 * look like imports do not count): `import … from "x"`, `import "x"`, `export … from "x"`
 * (`export * as n` included), `import("x")`, `import("x").T` in types and `import n = require("x")`.
 */
export function importsOf(source: string, fileName = "file.ts"): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      literal(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      literal(node.moduleReference.expression);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function walk(dir: string, exclude: Set<string>): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !exclude.has(full)) out.push(...walk(full, exclude));
    } else if (SOURCE.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** tsconfig `paths` patterns of the root (modules the toolchain provides, e.g. SST's `.sst/platform`). */
function mappedPaths(root: string): RegExp[] {
  const patterns: RegExp[] = [];
  for (const name of readdirSync(root).filter((f) => /^tsconfig.*\.json$/.test(f))) {
    const config = ts.readConfigFile(path.join(root, name), ts.sys.readFile).config as
      | { compilerOptions?: { paths?: Record<string, string[]> } }
      | undefined;
    for (const key of Object.keys(config?.compilerOptions?.paths ?? {})) {
      const escaped = key.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace("*", ".*");
      patterns.push(new RegExp(`^${escaped}$`));
    }
  }
  return patterns;
}

/**
 * Scans the root workspace (every file outside the member workspaces) and each member listed in
 * the root package.json's `workspaces`. A bare import is declared when its package, or its
 * `@types/` package, is in the workspace's dependencies, devDependencies, peerDependencies or
 * optionalDependencies. Exempt: `node:` and other builtins, the workspace's own name, and
 * specifiers matched by a root tsconfig `paths` entry (provided by the toolchain, not npm).
 */
export function undeclaredImports(root: string): UndeclaredImport[] {
  const rootManifest = readJson<Manifest>(path.join(root, "package.json"));
  const members = (rootManifest.workspaces ?? []).map((w) => path.join(root, w));
  const provided = mappedPaths(root);
  const workspaces = [
    { dir: root, exclude: new Set(members) },
    ...members
      .filter((dir) => existsSync(path.join(dir, "package.json")))
      .map((dir) => ({ dir, exclude: new Set<string>() })),
  ];
  const problems: UndeclaredImport[] = [];
  for (const { dir, exclude } of workspaces) {
    const manifestFile = path.join(dir, "package.json");
    const manifest = readJson<Manifest>(manifestFile);
    const declared = new Set(
      [
        manifest.dependencies,
        manifest.devDependencies,
        manifest.peerDependencies,
        manifest.optionalDependencies,
      ].flatMap((deps) => Object.keys(deps ?? {})),
    );
    for (const file of walk(dir, exclude)) {
      for (const specifier of importsOf(readFileSync(file, "utf8"), file)) {
        const pkg = packageOf(specifier);
        if (!pkg || pkg === manifest.name || provided.some((p) => p.test(specifier))) continue;
        const typesPkg = `@types/${pkg.startsWith("@") ? pkg.slice(1).replace("/", "__") : pkg}`;
        if (declared.has(pkg) || declared.has(typesPkg)) continue;
        problems.push({
          manifest: path.relative(root, manifestFile),
          file: path.relative(root, file),
          pkg,
          specifier,
        });
      }
    }
  }
  return problems;
}
