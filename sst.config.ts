/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Firebreak's SST app. `app()` names the app and sets the removal policy per stage; `run()` only
 * imports the infra modules (one per concern, see `infra/`) and returns their outputs.
 * Production keeps its data (`retain`) and cannot be removed (`protect`); other stages clean up.
 */
export default $config({
  app(input) {
    const production = input?.stage === "production";
    return {
      name: "firebreak",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    const storage = await import("./infra/storage");
    const events = await import("./infra/events");
    const postmortem = await import("./infra/postmortem");
    const api = await import("./infra/api");
    const paging = await import("./infra/paging");
    return {
      ...storage.outputs,
      ...events.outputs,
      ...postmortem.outputs,
      ...api.outputs,
      ...paging.outputs,
    };
  },
});
