/**
 * What the incident use cases accept (actions.ts): the input schemas of declare, status, update,
 * role, severity and reopen, and the shared text and version rules. The API, Slack and the CLI
 * validate with the same objects.
 */

import { multiLineText, singleLineText } from "@firebreak/core/shared/text";
import { validate } from "@firebreak/core/shared/validate";
import * as z from "@firebreak/core/shared/zod";
import {
  DEFAULT_SERVICE,
  INCIDENT_STATUSES,
  type IncidentStatus,
  incidentStatusSchema,
  severitySchema,
} from "./model";
import { ROLES } from "./timeline";

/** A service name as people type it: trimmed, lower-cased, then checked. */
export const serviceNameSchema = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "expected a service name: lowercase letters, digits, . _ -"),
  );

/** The incident version a change was based on (optimistic locking); optional. */
export const expectedVersionSchema = z.optional(z.number().check(z.int(), z.positive()));

/**
 * Text as it enters (shared/text.ts): one line, or several, well-formed (a lone surrogate becomes
 * U+FFFD) and without stray control characters. The API, Slack and alarm ingest all go through here.
 */
export const oneLineText = () => z.overwrite(singleLineText);

export const manyLineText = () => z.overwrite(multiLineText);

/** A title people type: one line, trimmed, 1–200 characters (incidents, action items). */
export const titleSchema = z
  .string()
  .check(
    oneLineText(),
    z.trim(),
    z.minLength(1, "must not be empty"),
    z.maxLength(200, "at most 200 characters"),
  );

export const declareInputSchema = z.object({
  title: titleSchema,
  severity: z._default(severitySchema, "SEV3"),
  services: z._default(z.array(serviceNameSchema).check(z.minLength(1), z.maxLength(20)), [DEFAULT_SERVICE]),
  description: z.optional(z.string().check(manyLineText(), z.maxLength(4000, "at most 4000 characters"))),
});

export type DeclareInput = z.input<typeof declareInputSchema>;

export const statusInputSchema = z.object({
  to: z.enum(INCIDENT_STATUSES.filter((s): s is Exclude<IncidentStatus, "declared"> => s !== "declared")),
  summary: z.optional(z.string().check(manyLineText(), z.trim(), z.maxLength(4000))),
  expectedVersion: expectedVersionSchema,
  /**
   * The status the caller saw: the change is refused (409) only if the status moved since, so an
   * unrelated change (a role, an update) does not block an acknowledgement or a resolution.
   */
  expectedStatus: z.optional(incidentStatusSchema),
});

export const updateInputSchema = z.object({
  text: z
    .string()
    .check(
      manyLineText(),
      z.trim(),
      z.minLength(1, "must not be empty"),
      z.maxLength(4000, "at most 4000 characters"),
    ),
  temporary: z._default(z.boolean(), false),
  /** Shown on the public status page and its feed; not public unless set. */
  public: z._default(z.boolean(), false),
  expectedVersion: expectedVersionSchema,
});

export const roleInputSchema = z.object({
  role: z.enum(ROLES),
  personId: z.string().check(oneLineText(), z.trim(), z.minLength(1), z.maxLength(128)),
  personName: z.optional(z.string().check(oneLineText(), z.trim(), z.maxLength(200))),
  expectedVersion: expectedVersionSchema,
  /**
   * Page the assignee (an `incident.responder_requested` entry the pager acts on). Default: for the
   * IC, unless they assigned themselves. Only for a person of the on-call directory: the caller
   * passes false for anyone else (nobody knows how to page them).
   */
  page: z.optional(z.boolean()),
});

export { validate };

export const severityInputSchema = z.object({
  severity: severitySchema,
  /** Why; required when the severity is lowered. */
  reason: z.optional(z.string().check(oneLineText(), z.trim(), z.maxLength(500, "at most 500 characters"))),
  expectedVersion: expectedVersionSchema,
});

export type SeverityInput = z.input<typeof severityInputSchema>;

/** How long after its resolution a person may reopen an incident (later: declare a new one). */
export const MANUAL_REOPEN_WINDOW_MS = 7 * 24 * 3_600_000;

export const reopenInputSchema = z.object({
  reason: z
    .string()
    .check(
      oneLineText(),
      z.trim(),
      z.minLength(1, "say why it is reopened"),
      z.maxLength(500, "at most 500 characters"),
    ),
  expectedVersion: expectedVersionSchema,
});

export type ReopenInput = z.input<typeof reopenInputSchema>;
