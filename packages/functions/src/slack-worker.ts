import { lambdaPlatform } from "./lib/resources";
import { createSlackWorkerHandler } from "./slack/worker-lambda";
import { slackWorkerDeps } from "./wiring/slack";

export { createSlackWorkerHandler };

/** Production wiring (wiring/slack.ts: secrets through `Resource.X`, settings from the environment). */
export const handler = createSlackWorkerHandler(() => slackWorkerDeps(lambdaPlatform()));
