import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/** Settings every project shares. */
const shared = {
  // Bounds for a hung test, not timings: with two test files at once on two cores, a test against
  // DynamoDB Local can take twice as long as alone (one property test of concurrent ingests: 30 s).
  testTimeout: 90_000,
  hookTimeout: 120_000,
  pool: "forks" as const,
  // Every fast-check property runs with a known seed (FIREBREAK_FC_SEED overrides it).
  setupFiles: ["packages/testkit/src/fast-check-seed.ts"],
};
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", POWERTOOLS_LOG_LEVEL: "SILENT" };

/**
 * The suites whose outcome depends on who is on call at the clock's time: the local runtime pages
 * the demo directory at its injected clock (packages/testkit/src/clock.ts: FIREBREAK_TEST_NOW,
 * else a fixed default). The `unit` project runs them at the default instant; each `schedule@…`
 * project runs only these, pinned to one more instant. (The demo's week-by-week coverage is checked
 * without a runtime in packages/core/src/oncall/demo-coverage.test.ts.)
 */
const SCHEDULE_SUITES = ["packages/local/test/paging.test.ts", "packages/local/test/page-console.test.ts"];

/**
 * Both 2026 DST changes in Europe and in the US, just after the clocks change. The four fall in the
 * four different weeks of the demo's checkout-primary cycle (weekly from Monday 2026-01-05 09:00
 * London): alice, dana, bob, chen.
 */
const SCHEDULE_INSTANTS = {
  "us-spring-forward": "2026-03-08T07:30:00Z",
  "eu-spring-forward": "2026-03-29T01:30:00Z",
  "eu-fall-back": "2026-10-25T01:30:00Z",
  "us-fall-back": "2026-11-01T06:30:00Z",
};

export default defineConfig({
  test: {
    // At least two test files at once: vitest's default (one less than the cores) runs them one at
    // a time on a 2-core machine, where most of a file's time is spent waiting on DynamoDB Local,
    // Chromium or the local runtime's timers, not on its own CPU.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The root project's global setup runs once for every project: one DynamoDB Local for the run.
    globalSetup: ["packages/testkit/src/global-setup.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "packages/*/e2e/**/*.test.ts",
            "infra/**/*.test.ts",
            "test/**/*.test.ts",
          ],
          ...shared,
          env,
        },
      },
      ...Object.entries(SCHEDULE_INSTANTS).map(([name, at]) => ({
        test: {
          name: `schedule@${name}`,
          include: SCHEDULE_SUITES,
          ...shared,
          env: { ...env, FIREBREAK_TEST_NOW: at },
        },
      })),
    ],
  },
});
