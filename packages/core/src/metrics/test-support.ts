/**
 * Test factory for metrics tests: postmortem metadata documents with chosen durations. Every
 * document it makes is validated against the published schema, so tests cannot drift from it.
 * Not imported by production code.
 */
import type { Severity } from "../incident/model";
import { assertValidPostmortem } from "../postmortem/schema";
import {
  DURATION_FORMULAS,
  type Postmortem,
  type PostmortemV1,
  type PostmortemV2,
  type ReleaseInvolved,
} from "../postmortem/types";

export interface DocSpec {
  id: string;
  impactStart: string;
  severity?: Severity;
  services?: string[];
  ttd?: number | null;
  tta?: number | null;
  ttm?: number | null;
  ttr?: number | null;
  generatedAt?: string;
  /** Default unknown. `suspected` makes a v2 document (with one change 20 minutes before impact). */
  release?: ReleaseInvolved;
}

const plus = (iso: string, seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(Date.parse(iso) + seconds * 1000).toISOString();

export function makeDoc(spec: DocSpec & { release: "suspected" }): PostmortemV2;
export function makeDoc(spec: DocSpec): PostmortemV1;
export function makeDoc(spec: DocSpec): Postmortem {
  const ttd = spec.ttd === undefined ? 60 : spec.ttd;
  const detected = plus(spec.impactStart, ttd ?? 0)!;
  const tta = spec.tta === undefined ? 120 : spec.tta;
  const ttm = spec.ttm === undefined ? 600 : spec.ttm;
  const ttr = spec.ttr === undefined ? 1800 : spec.ttr;
  const number = Number.parseInt(spec.id.replace(/\D/g, "") || "1", 10) || 1;
  const v1: PostmortemV1 = {
    schema_version: 1,
    generated_at: spec.generatedAt ?? plus(spec.impactStart, 7200)!,
    timezone: "UTC",
    incident: {
      id: spec.id,
      number,
      key: `INC-${number}`,
      title: `incident ${spec.id}`,
      severity: spec.severity ?? "SEV3",
      status: ttr === null ? "mitigated" : "resolved",
      services: spec.services ?? ["checkout"],
      locations: [],
      accounts: [],
      regions: [],
      alarm_arns: [],
    },
    detection: { source: ttd === null ? "human" : "alarm", alarm: null, declared_by: null },
    timestamps: {
      impact_start: spec.impactStart,
      impact_start_source: ttd === null ? "declared" : "alarm_state",
      detected,
      acknowledged: plus(detected, tta),
      mitigated: plus(spec.impactStart, ttm),
      resolved: plus(spec.impactStart, ttr),
    },
    durations: {
      ttd: { seconds: ttd, formula: DURATION_FORMULAS.ttd },
      tta: { seconds: tta, formula: DURATION_FORMULAS.tta },
      ttm: { seconds: ttm, formula: DURATION_FORMULAS.ttm },
      ttr: { seconds: ttr, formula: DURATION_FORMULAS.ttr },
    },
    responders: [],
    pages: {
      sent: 0,
      delivered: 0,
      failed: 0,
      acknowledged: 0,
      highest_escalation_level: null,
      fallback_reached: false,
    },
    release_involved: { value: spec.release === "suspected" ? "unknown" : (spec.release ?? "unknown") },
    temporary_fixes: [],
    action_items: [],
    error_budget: null,
    lint: [],
  };
  if (spec.release !== "suspected") return assertValidPostmortem(v1);
  const id = `change-of-${spec.id}`;
  return assertValidPostmortem({
    ...v1,
    schema_version: 2,
    release_involved: { value: "suspected", references: [id] },
    changes_before_impact: {
      window_seconds: 7200,
      changes: [
        {
          id,
          service: v1.incident.services[0] ?? "checkout",
          at: plus(spec.impactStart, -1200)!,
          summary: "deploy",
          link: null,
          source: "api",
        },
      ],
    },
  } satisfies PostmortemV2);
}
