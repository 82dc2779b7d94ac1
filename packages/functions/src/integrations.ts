import type { IntegrationDeps } from "./integrations/app";
import { createIntegrationsHandler } from "./integrations/lambda";
import { awsDeadLetters } from "./lib/dead-letters";
import { lambdaPlatform } from "./lib/resources";
import { integrationDeps } from "./wiring/integrations";

export { createIntegrationsHandler };

/** Production wiring (wiring/integrations.ts), on the first request: a bad setting fails it, naming the variable. */
let deps: Omit<IntegrationDeps, "log"> | undefined;
export const handler = createIntegrationsHandler(() => {
  deps ??= integrationDeps(lambdaPlatform(), awsDeadLetters());
  return deps;
});
