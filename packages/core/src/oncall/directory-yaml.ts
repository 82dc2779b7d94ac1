/**
 * The on-call directory from YAML text: `parseDirectoryYaml` (syntax errors with line and column,
 * then the issues of `parseDirectory`, each with the position of the node it names) and
 * `applyDirectoryYaml` (parse, then apply). Apart from directory.ts so that the Lambda handlers that
 * only read the validated JSON directory do not bundle the `yaml` library.
 */

import { formatPath } from "@firebreak/core/shared/errors";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { DirectoryRepository } from "../ports";
import { invalid, type Path, parseWithIssues } from "./directory";
import type { Directory, DirectoryIssue } from "./directory-types";
import type { ApplyOptions, StoredDirectory } from "./stored-directory";

/**
 * Parses the directory from YAML text. Syntax errors come first and alone (`line 3, column 7`
 * as the path); otherwise the issues of `parseDirectory`, each with the line and column of the
 * node it names (or of its nearest existing parent, for a missing key).
 */
export function parseDirectoryYaml(source: string): Directory {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw invalid(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
        const message = error.message.split("\n")[0] ?? error.message;
        return { path: `line ${pos.line}, column ${pos.col}`, message, line: pos.line, column: pos.col };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw invalid([{ path: "(yaml)", message }], error);
  }
  const { directory, issues } = parseWithIssues(data);
  if (directory) return directory;
  throw invalid(
    issues.map((issue) => {
      const out: DirectoryIssue = { path: formatPath(issue.path), message: issue.message };
      const offset = nodeOffset(doc, issue.path);
      if (offset !== undefined) {
        const pos = lineCounter.linePos(offset);
        out.line = pos.line;
        out.column = pos.col;
      }
      return out;
    }),
  );
}

/** The source offset of the deepest existing node on `path`. */
function nodeOffset(doc: ReturnType<typeof parseDocument>, path: Path): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const key of path) {
    if (isSeq(node) && typeof key === "number") node = node.items[key];
    else if (isMap(node) && typeof key === "string") node = node.get(key, true);
    else break;
    if (node === undefined) break;
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}

/** Parses (every problem reported at once, nothing written on any) and applies YAML text. */
export async function applyDirectoryYaml(
  store: DirectoryRepository,
  source: string,
  options: ApplyOptions = {},
): Promise<StoredDirectory> {
  const directory = parseDirectoryYaml(source);
  return store.apply(directory, options.expectedVersion, { actor: options.actor });
}
