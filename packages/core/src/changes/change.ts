/**
 * Changes: deploys and other changes to a service, recorded so that an incident shows what
 * changed on its services just before it started (the incident detail's `changes`).
 *
 * They come from people and pipelines (`POST /api/changes`, `firebreak change record`), from
 * PagerDuty change events (`POST /v2/change/enqueue`, core/integrations) and from AWS's own
 * deployment events on the default bus: CodeDeploy deployment state changes, ECS service
 * deployment state changes and CloudFormation stack status changes (`readDeployEvent`; the rule
 * is CHANGE_INGEST in wiring/topology.ts). An AWS event's service is its application, ECS service
 * or stack name, lowercased.
 */

import { ValidationError } from "@firebreak/core/shared/errors";
import { singleLineText } from "@firebreak/core/shared/text";
import { normaliseTimestamp } from "@firebreak/core/shared/timestamp";
import * as z from "@firebreak/core/shared/zod";
import { normaliseServiceName } from "../alarm/classify";
import { safeUrl } from "../alarm/context";
import { serviceNameSchema } from "../incident/inputs";
import type { Actor } from "../incident/model";
import { DEPLOY_EVENT_PATTERN } from "./rule";

export const CHANGE_SOURCES = ["api", "pagerduty", "codedeploy", "ecs", "cloudformation"] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

export interface Change {
  /** A ULID, or `<source>:<event id>` for an AWS event (a redelivery is the same change). */
  id: string;
  service: string;
  summary: string;
  link?: string;
  /** When the change happened (ISO, UTC). */
  at: string;
  source: ChangeSource;
  recordedAt: string;
  recordedBy?: Actor;
}

/** How far before an incident's start its changes are listed. */
export const CHANGE_WINDOW_MS = 2 * 3_600_000;
/** How far ahead of now a change may say it happened (clock skew). */
export const CHANGE_MAX_AHEAD_MS = 5 * 60_000;

export const changeInputSchema = z.object({
  service: serviceNameSchema,
  summary: z
    .string()
    .check(
      z.overwrite(singleLineText),
      z.trim(),
      z.minLength(1, "must not be empty"),
      z.maxLength(1024, "at most 1024 characters"),
    ),
  link: z.optional(
    z.string().check(z.refine((url) => safeUrl(url) !== undefined, { message: "expected an http(s) URL" })),
  ),
  /** When it happened (ISO 8601 with a zone); default now. */
  at: z.optional(
    z.string().check(
      z.refine((s) => /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) && normaliseTimestamp(s) !== undefined, {
        message: "expected an ISO 8601 instant with a time zone, e.g. 2026-12-04T09:30:00Z",
      }),
    ),
  ),
});
export type ChangeInput = z.input<typeof changeInputSchema>;

export { DEPLOY_EVENT_PATTERN };

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() ? value.trim() : undefined;

export interface DeployChange {
  id: string;
  service: string;
  summary: string;
  link?: string;
  at: string;
  source: Extract<ChangeSource, "codedeploy" | "ecs" | "cloudformation">;
}

function refuse(path: string, message: string): never {
  throw new ValidationError(`Invalid deployment event: ${path}: ${message}`, [{ path, message }]);
}

/** The last segment of an ARN's resource (`service/cluster/name` → `name`). */
const lastSegment = (arn: string | undefined) => arn?.split(/[/:]/).filter(Boolean).at(-1);

/**
 * A CodeDeploy, ECS or CloudFormation event as a change; a ValidationError naming the field when
 * it lacks what it needs (dead-lettered by the handler); undefined for an event that is not one.
 */
export function readDeployEvent(event: unknown): DeployChange | undefined {
  if (!record(event)) return undefined;
  const source = event.source;
  const type = event["detail-type"];
  if (!DEPLOY_EVENT_PATTERN.source.includes(source as never)) return undefined;
  if (!DEPLOY_EVENT_PATTERN["detail-type"].includes(type as never)) return undefined;
  const id = str(event.id) ?? refuse("id", "expected the event's id");
  const at = normaliseTimestamp(str(event.time) ?? "") ?? refuse("time", "expected the event's time");
  const region = str(event.region) ?? "";
  const detail = record(event.detail) ? event.detail : refuse("detail", "expected an object");
  const resources = Array.isArray(event.resources)
    ? event.resources.filter((r): r is string => typeof r === "string")
    : [];
  const service = (name: string | undefined, path: string) =>
    (name && normaliseServiceName(name)) ||
    refuse(path, "expected a name that is a service name (a-z, 0-9, . _ -)");
  const consoleLink = (path: string) => safeUrl(`https://${region}.console.aws.amazon.com/${path}`);
  if (source === "aws.codedeploy") {
    const application = str(detail.application);
    const deployment =
      str(detail.deploymentId) ?? refuse("detail.deploymentId", "expected the deployment id");
    const state = str(detail.state) ?? refuse("detail.state", "expected the deployment's state");
    const link = consoleLink(
      `codesuite/codedeploy/deployments/${encodeURIComponent(deployment)}?region=${region}`,
    );
    return {
      id: `codedeploy:${id}`,
      service: service(application, "detail.application"),
      summary: `CodeDeploy ${application}${str(detail.deploymentGroup) ? `/${str(detail.deploymentGroup)}` : ""} deployment ${deployment}: ${state}`,
      ...(link ? { link } : {}),
      at,
      source: "codedeploy",
    };
  }
  if (source === "aws.ecs") {
    const arn = resources[0];
    const name = lastSegment(arn);
    const cluster = arn?.split("/").at(-2);
    const what = str(detail.eventName) ?? refuse("detail.eventName", "expected the deployment event's name");
    const link =
      cluster && name
        ? consoleLink(`ecs/v2/clusters/${cluster}/services/${name}/deployments?region=${region}`)
        : undefined;
    return {
      id: `ecs:${id}`,
      service: service(name, "resources[0]"),
      summary:
        `ECS ${name} deployment ${str(detail.deploymentId) ?? ""}: ${what}${str(detail.reason) ? ` (${str(detail.reason)})` : ""}`.slice(
          0,
          1024,
        ),
      ...(link ? { link } : {}),
      at: normaliseTimestamp(str(detail.updatedAt) ?? "") ?? at,
      source: "ecs",
    };
  }
  const stackArn = str(detail["stack-id"]) ?? resources[0];
  const stack = stackArn?.split("/")[1];
  const status = record(detail["status-details"]) ? str(detail["status-details"].status) : undefined;
  if (!status) refuse("detail.status-details.status", "expected the stack's status");
  // The steps inside an update (cleanup, review) are not changes of their own.
  if (/CLEANUP|REVIEW/.test(status)) return undefined;
  const link = stackArn
    ? consoleLink(
        `cloudformation/home?region=${region}#/stacks/events?stackId=${encodeURIComponent(stackArn)}`,
      )
    : undefined;
  return {
    id: `cloudformation:${id}`,
    service: service(stack, "detail.stack-id"),
    summary: `CloudFormation stack ${stack}: ${status}`,
    ...(link ? { link } : {}),
    at,
    source: "cloudformation",
  };
}
