import { EventBridgePublisher } from "@firebreak/core/adapters/aws/eventbridge";
import { lambdaPlatform } from "./lib/resources";
import { linked } from "./slack/linked";
import { createSlackHandler } from "./slack/request-lambda";
import { slackHandlerDeps } from "./wiring/slack";

export { createSlackHandler };

/**
 * Production wiring (wiring/slack.ts), read on the first request. The app bus is the linked Bus;
 * inside Slack's 3 seconds: two rounds at most, short backoff.
 */
export const handler = createSlackHandler(() => {
  const busName = linked("Bus");
  if (!busName) throw new Error("Bus must be linked");
  const bus = new EventBridgePublisher({ busName, maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 });
  return slackHandlerDeps({ ...lambdaPlatform(), bus: () => bus });
});
