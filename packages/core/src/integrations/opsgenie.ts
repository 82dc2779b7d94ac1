/**
 * Opsgenie's Alert API, the part monitors use (https://docs.opsgenie.com/docs/alert-api):
 *
 * - create: `POST /v2/alerts` with `message` (required, at most 130 characters), `alias` (the
 *   alert's identity, at most 512), `description`, `tags`, `details`, `entity`, `source` and
 *   `priority` P1 … P5 (→ SEV1 … SEV5; P3 when absent, as Opsgenie);
 * - close and acknowledge: `POST /v2/alerts/{identifier}/close` and `…/acknowledge`, with
 *   `identifierType=alias` (Firebreak addresses alerts by alias only; `id` and `tiny` are refused,
 *   naming why);
 * - authenticated by `Authorization: GenieKey <integration key>`;
 * - answers `202 {"result":"Request will be processed","took":…,"requestId":…}`, and refusals as
 *   Opsgenie does: `{"message":…,"took":…,"requestId":…}` (422 for a bad request).
 *
 * A create without an alias is a new alert each time (as in Opsgenie), under a generated alias.
 * Tags `key:value` (or `key=value`) and string `details` become labels, which classify it
 * (`service`, `team`, `severity`). Ordered by arrival.
 */
import { randomBytes } from "node:crypto";
import { tagsFrom } from "../alarm/tags";
import { type AlertAction, type ExternalAlert, line, senderLink, severityOf } from "./alert";

export const OPSGENIE_IDENTITY_MAX = 512;

/** An Opsgenie request refused: the message Opsgenie-shaped answers carry. */
export class OpsgenieRequestError extends Error {
  constructor(
    message: string,
    readonly status = 422,
  ) {
    super(message);
    this.name = "OpsgenieRequestError";
  }
}

const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() ? value.trim() : undefined;

/** Labels from `key:value` tags and string details (details win). */
function labelsOf(body: Record<string, unknown>): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const tag of Array.isArray(body.tags) ? body.tags.slice(0, 50) : []) {
    if (typeof tag !== "string") continue;
    const match = /^([^:=]{1,128})[:=](.+)$/.exec(tag.trim());
    if (match?.[1] && match[2]) labels[match[1].trim()] = match[2].trim();
  }
  if (record(body.details))
    for (const [key, value] of Object.entries(body.details).slice(0, 50))
      if (typeof value === "string") labels[key] = value;
  return tagsFrom(labels);
}

function descriptionOf(body: Record<string, unknown>): string | undefined {
  const lines: string[] = [];
  const description = text(body.description);
  if (description) lines.push(description.slice(0, 15_000));
  for (const field of ["entity", "source"]) {
    const value = text(body[field]);
    if (value) lines.push(`${field}: ${line(value, 300)}`);
  }
  const plain = (Array.isArray(body.tags) ? body.tags : []).filter(
    (t): t is string => typeof t === "string" && !/[:=]/.test(t),
  );
  if (plain.length > 0) lines.push(`tags: ${line(plain.slice(0, 20).join(", "), 500)}`);
  return lines.length > 0 ? lines.join("\n") : undefined;
}

/** Reads a create request, or throws `OpsgenieRequestError` saying what is wrong. */
export function readOpsgenieCreate(body: unknown): ExternalAlert {
  if (!record(body)) throw new OpsgenieRequestError("Request body is not a JSON object");
  const message = text(body.message);
  if (!message) throw new OpsgenieRequestError("Message can not be empty.");
  if (message.length > 130) throw new OpsgenieRequestError("Message can not be longer than 130 characters.");
  if (body.alias !== undefined && typeof body.alias !== "string")
    throw new OpsgenieRequestError("Alias must be a string.");
  const alias = text(body.alias);
  if (alias && alias.length > OPSGENIE_IDENTITY_MAX)
    throw new OpsgenieRequestError(`Alias can not be longer than ${OPSGENIE_IDENTITY_MAX} characters.`);
  const priority = body.priority ?? "P3";
  const severity =
    typeof priority === "string" && /^P[1-5]$/.test(priority) ? severityOf(priority) : undefined;
  if (!severity) throw new OpsgenieRequestError("Priority should be one of [P1, P2, P3, P4, P5].");
  const labels = labelsOf(body);
  const description = descriptionOf(body);
  const details = record(body.details) ? body.details : {};
  const links = [
    senderLink("Runbook", details.runbook_url ?? details.runbook),
    senderLink("Dashboard", details.dashboard_url ?? details.dashboard),
  ].filter((l) => l !== undefined);
  return {
    identity: alias ?? `generated-${randomBytes(12).toString("hex")}`,
    action: "trigger",
    title: message,
    summary: message,
    ...(description ? { description } : {}),
    ...(labels ? { labels } : {}),
    severity,
    links,
  };
}

/** Reads a close or acknowledge of the alert with this alias. */
export function readOpsgenieAction(
  action: Extract<AlertAction, "resolve" | "acknowledge">,
  identifier: string,
  identifierType: string | undefined,
  body: unknown,
): ExternalAlert {
  if (identifierType !== undefined && identifierType !== "alias")
    throw new OpsgenieRequestError(
      `identifierType ${line(identifierType, 20)} is not supported: Firebreak addresses alerts by alias (identifierType=alias)`,
    );
  const alias = identifier.trim();
  if (!alias) throw new OpsgenieRequestError("Identifier can not be empty.");
  if (alias.length > OPSGENIE_IDENTITY_MAX)
    throw new OpsgenieRequestError(`Alias can not be longer than ${OPSGENIE_IDENTITY_MAX} characters.`);
  const fields = record(body) ? body : {};
  const note = text(fields.note);
  const user = text(fields.user);
  const summary = [note, user ? `by ${user}` : undefined].filter(Boolean).join(" ");
  return {
    identity: alias,
    action,
    title: alias,
    ...(summary ? { summary } : {}),
    links: [],
  };
}
