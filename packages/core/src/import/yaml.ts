/**
 * An import's directory as the YAML a person reviews and then applies with
 * `firebreak directory apply`: a header saying where it came from, then the directory in the
 * order `examples/directory.yaml` uses. Strings that YAML would read as another type (a phone
 * number, "09:00" in YAML 1.1 readers) are quoted by the `yaml` library.
 */

import { stringify } from "yaml";
import { type ImportResult, SOURCE_LABELS } from "./plan";

export function importedDirectoryYaml(result: ImportResult, files: string[], reportFile: string): string {
  const counts = {
    mapped: result.report.filter((e) => e.outcome === "mapped").length,
    partly: result.report.filter((e) => e.outcome === "partly mapped").length,
    not: result.report.filter((e) => e.outcome === "not mapped").length,
  };
  const header = [
    `Firebreak on-call directory imported from ${SOURCE_LABELS[result.source]} by \`firebreak import ${result.source}\`.`,
    `Read from: ${files.join(", ")}.`,
    `${counts.mapped} objects mapped, ${counts.partly} partly, ${counts.not} not mapped: ${reportFile} says what and why.`,
    "Review it (Slack ids, services, the policies' fallbacks), then apply it:",
    "  npm run firebreak -- directory apply <this file>",
  ];
  const body = stringify(result.directory, {
    lineWidth: 0,
    defaultStringType: "PLAIN",
    defaultKeyType: "PLAIN",
    // A person who edits the file sees each target written out, not YAML anchors and aliases.
    aliasDuplicateObjects: false,
  });
  return `${header.map((line) => `# ${line}`).join("\n")}\n${body}`;
}
