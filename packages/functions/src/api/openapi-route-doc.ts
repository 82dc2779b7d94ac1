/** One documented route of the OpenAPI document (openapi.ts builds the document from them). */
import type * as z from "@firebreak/core/shared/zod";

export type Role = "viewer" | "responder" | "admin" | null;

export interface RouteDoc {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  role: Role;
  query?: z.ZodMiniObject;
  params?: z.ZodMiniObject;
  body?: z.core.$ZodType;
  bodyType?: string;
  response?: z.core.$ZodType;
  status?: number;
  /** Answers 503 with the same body when it cannot serve (GET /health). */
  unavailable?: string;
}
