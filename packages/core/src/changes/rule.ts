/**
 * The EventBridge pattern of the default-bus rule that sends AWS's deployment events to the
 * ChangeIngest function: CodeDeploy deployment state changes, ECS service deployment state changes
 * and CloudFormation stack status changes. `infra/integrations.ts` deploys exactly this object, and
 * the local runtime routes `POST /events` with it.
 */
export const DEPLOY_EVENT_PATTERN = {
  source: ["aws.codedeploy", "aws.ecs", "aws.cloudformation"],
  "detail-type": [
    "CodeDeploy Deployment State-change Notification",
    "ECS Deployment State Change",
    "CloudFormation Stack Status Change",
  ],
} as const;
