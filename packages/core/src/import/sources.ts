/** Every importer, by the name `firebreak import <source>` takes. */
import { awsIncidentManagerImporter } from "./aws-incident-manager";
import { grafanaOnCallImporter } from "./grafana-oncall";
import { opsgenieImporter } from "./opsgenie";
import { pagerDutyImporter } from "./pagerduty";
import type { Importer, ImportSource } from "./plan";

export const IMPORTERS: Record<ImportSource, Importer> = {
  opsgenie: opsgenieImporter,
  pagerduty: pagerDutyImporter,
  "grafana-oncall": grafanaOnCallImporter,
  "aws-incident-manager": awsIncidentManagerImporter,
};
