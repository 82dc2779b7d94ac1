/**
 * Optional export of postmortem drafts to S3. Every stored version (a generated draft, a
 * regeneration, a human edit) records a `postmortem.drafted` timeline entry in the same
 * transaction as the draft; through the outbox that entry is a bus event, and the export consumer
 * (packages/functions/src/postmortem-export.ts, the local runtime) writes the version as two
 * objects:
 *
 *     postmortems/INC-<number>/v<version>.md    text/markdown; charset=utf-8
 *     postmortems/INC-<number>/v<version>.json  application/json (validates against postmortem.v1.json or v2, by its schema_version)
 *
 * A version never changes once stored, so the keys are idempotent: a redelivered event writes the
 * same bytes again. A failure throws (the consumer retries, then its DLQ); the draft itself is
 * already safe in DynamoDB and is never blocked by the export.
 */
import { NotFoundError, ValidationError } from "@firebreak/core/shared/errors";

export { BUCKET_SETTING, exportBucketFromEnv } from "./export-config";

import type { IncidentRepository, PostmortemRepository } from "../ports";

export const EXPORT_PREFIX = "postmortems";

/** Where exported objects go: S3 in AWS (S3ObjectSink), a recording fake locally and in tests. */
export interface ObjectSink {
  put(object: { key: string; body: string; contentType: string }): Promise<void>;
}

export interface ExportDeps {
  incidents: Pick<IncidentRepository, "getIncident">;
  postmortems: Pick<PostmortemRepository, "getDraft">;
  sink: ObjectSink;
}

export function exportKeys(incidentNumber: number, version: number): { markdown: string; metadata: string } {
  const base = `${EXPORT_PREFIX}/INC-${incidentNumber}/v${version}`;
  return { markdown: `${base}.md`, metadata: `${base}.json` };
}

/** Writes one stored version of an incident's postmortem to the sink; returns the keys written. */
export async function exportPostmortemVersion(
  deps: ExportDeps,
  incidentId: string,
  version: number,
): Promise<string[]> {
  if (!Number.isInteger(version) || version < 1) {
    throw new ValidationError(`invalid postmortem version: ${version}`, [
      { path: "version", message: "expected a positive integer" },
    ]);
  }
  const [incident, draft] = await Promise.all([
    deps.incidents.getIncident(incidentId),
    deps.postmortems.getDraft(incidentId, version),
  ]);
  if (!incident) throw new NotFoundError("incident", incidentId);
  if (!draft) throw new NotFoundError(`postmortem version ${version} of incident`, incidentId);
  const keys = exportKeys(incident.number, version);
  // Both objects are written even when one fails (both are idempotent; a retry rewrites both).
  const settled = await Promise.allSettled([
    deps.sink.put({ key: keys.markdown, body: draft.markdown, contentType: "text/markdown; charset=utf-8" }),
    deps.sink.put({
      key: keys.metadata,
      body: `${JSON.stringify(draft.metadata, null, 2)}\n`,
      contentType: "application/json",
    }),
  ]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return [keys.markdown, keys.metadata];
}
