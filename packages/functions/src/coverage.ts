import { lambdaPlatform } from "./lib/resources";
import { type CoverageDeps, createCoverageHandler } from "./paging/coverage";
import { coverageCheckDeps } from "./wiring/paging";

export { type CoverageDeps, createCoverageHandler };

/** CoverageCheck (infra/paging.ts "CoverageCron"): paging/coverage.ts on Lambda, wired on the first run. */
let deps: CoverageDeps | undefined;
export const handler = createCoverageHandler(() => {
  deps ??= coverageCheckDeps(lambdaPlatform());
  return deps;
});
