/**
 * GET /health: can this deployment take an alarm and page someone right now? Each check answers
 * ok or not with a reason; any failing check makes the answer a 503 naming it, so a load balancer,
 * an uptime check or a person sees the truth instead of a 200 from a process whose database is gone.
 *
 * - `table` (every runtime): one GetItem of a key nothing writes, bounded by a timeout, so a
 *   database that is down, or stopped and never answering, fails it within that bound;
 * - runtime-specific checks from the Platform's adapters: locally `outbox`, the stream poller's lag
 *   (in the cloud, Lambda's event source mapping reads the stream, and the Outbox function's
 *   IteratorAge alarm watches its lag: infra/monitoring.ts).
 */
import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";

export interface HealthCheckResult {
  ok: boolean;
  /** What was checked and what was found (the reason, when not ok). */
  detail: string;
}

export type HealthCheck = () => Promise<HealthCheckResult> | HealthCheckResult;
export type HealthChecks = Readonly<Record<string, HealthCheck>>;

export interface HealthReport {
  status: "ok" | "unavailable";
  checks: Record<string, HealthCheckResult>;
  /** `<check>: <detail>` of every failing check. */
  reasons: string[];
}

/** The bound on each check: a check that has not answered by then has failed. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/** The probe's key: a partition nothing writes, so the read is the cheapest the table can do. */
const PROBE_KEY = { pk: "HEALTH#PROBE", sk: "HEALTH#PROBE" };

/** One GetItem on the table, aborted after `timeoutMs`. */
export function tableHealthCheck(
  db: DynamoDBDocumentClient,
  tableName: string,
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): HealthCheck {
  return async () => {
    const started = performance.now();
    try {
      await db.send(new GetCommand({ TableName: tableName, Key: PROBE_KEY }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
      return {
        ok: true,
        detail: `the table ${tableName} answered a read in ${Math.round(performance.now() - started)} ms`,
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "TimeoutError" || name === "AbortError")
        return { ok: false, detail: `the table ${tableName} did not answer a read within ${timeoutMs} ms` };
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { ok: false, detail: `the table ${tableName} failed a read: ${message}` };
    }
  };
}

/** Runs every check at once, each bounded by `timeoutMs` (a check that throws has failed). */
export async function runHealthChecks(
  checks: HealthChecks,
  timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, HealthCheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<HealthCheckResult>((resolve) => {
        // A little after the check's own bound, so its own reason wins when it has one.
        timer = setTimeout(
          () => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }),
          timeoutMs + 250,
        );
      });
      try {
        const result = await Promise.race([Promise.resolve().then(check), late]);
        return [name, result];
      } catch (error) {
        return [name, { ok: false, detail: `the check failed: ${String(error)}` }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const results = Object.fromEntries(entries);
  const reasons = entries.filter(([, r]) => !r.ok).map(([name, r]) => `${name}: ${r.detail}`);
  return { status: reasons.length ? "unavailable" : "ok", checks: results, reasons };
}
