/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Firebreak's SST app. `app()` names the app and sets the removal policy per stage; `run()` only
 * imports the infra modules (one per concern, see `infra/`) and returns their outputs.
 * Production stages (`production`, or the comma-separated FIREBREAK_PRODUCTION_STAGES) keep their
 * data (`retain`) and cannot be removed (`protect`); other stages clean up. infra/defaults.ts is
 * imported first (its transforms apply to every component created after it) and
 * infra/monitoring.ts last (it alarms on every function and dead-letter queue created before it).
 */
export default $config({
  async app(input) {
    const { isProductionStage } = await import("./infra/stages");
    const production = isProductionStage(input?.stage);
    return {
      name: "firebreak",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    await import("./infra/defaults");
    const storage = await import("./infra/storage");
    const events = await import("./infra/events");
    const forwarding = await import("./infra/forwarding");
    const postmortem = await import("./infra/postmortem");
    const api = await import("./infra/api");
    const paging = await import("./infra/paging");
    const integrations = await import("./infra/integrations");
    const slack = await import("./infra/slack");
    const actionItems = await import("./infra/action-items");
    const web = await import("./infra/web");
    const monitoring = await import("./infra/monitoring");
    return {
      ...storage.outputs,
      ...events.outputs,
      ...forwarding.outputs,
      ...postmortem.outputs,
      ...api.outputs,
      ...paging.outputs,
      ...integrations.outputs,
      ...slack.outputs,
      ...actionItems.outputs,
      ...web.outputs,
      ...monitoring.outputs,
    };
  },
});
