import type { Incident } from "../incident/model";

/** Key builders for the single-table layout described in table.ts. */
export const keys = {
  incident: (id: string) => ({ pk: `INC#${id}`, sk: "META" }),
  incidentPartition: (id: string) => `INC#${id}`,
  timeline: (incidentId: string, entryId: string) => ({ pk: `INC#${incidentId}`, sk: `TL#${entryId}` }),
  incidentNumber: (n: number) => ({ pk: `INCNUM#${n}`, sk: "INCNUM" }),
  alarm: (arn: string) => ({ pk: `ALARM#${arn}`, sk: "STATE" }),
  delivery: (id: string) => ({ pk: `DELIVERY#${id}`, sk: "DELIVERY" }),
  counter: () => ({ pk: "COUNTER", sk: "INCIDENT" }),
};

export const OPEN_PARTITION = "OPEN";
const MAX_MS = 9_999_999_999_999;

/** Sort key of the openBySeverity index: SEV1 first, then newest first. */
export function openSortKey(incident: Pick<Incident, "severity" | "createdAt" | "id">): string {
  const inverted = String(MAX_MS - Date.parse(incident.createdAt)).padStart(13, "0");
  return `${incident.severity}#${inverted}#${incident.id}`;
}
