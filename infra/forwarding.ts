/**
 * Alarms from other accounts and regions (stacks/alarm-forwarder.yaml, deployed as a StackSet).
 *
 * Each member account/region forwards its `CloudWatch Alarm State Change` events to THIS account's
 * **default** bus in the deploy region: the bus that the alarm-ingest rule (infra/events.ts) is on,
 * so a forwarded alarm is matched by the very same rule and pattern as a local one (the event keeps
 * its `source`, `detail-type`, `account` and `region`).
 *
 * The default bus accepts events from another account only when its resource policy allows them:
 * with FIREBREAK_ORG_ID set, "EventBusOrgPermission" adds one statement (PutPermission, so existing
 * statements of the default bus stay) allowing `events:PutEvents` from any principal of the
 * organization (`aws:PrincipalOrgID`). Without it, Firebreak watches only its own account.
 */
import { config } from "./config";
import { defaultBus } from "./events";

/** The statement id on the default bus policy (shown by `aws events describe-event-bus`). */
export const ORG_STATEMENT_ID = "FirebreakOrgAlarmForwarding";

export const orgPermission = config.orgId
  ? new aws.cloudwatch.EventPermission("EventBusOrgPermission", {
      eventBusName: defaultBus.name,
      statementId: ORG_STATEMENT_ID,
      action: "events:PutEvents",
      principal: "*",
      condition: { key: "aws:PrincipalOrgID", type: "StringEquals", value: config.orgId },
    })
  : undefined;

export const outputs = {
  /** The `CentralBusArn` parameter of stacks/alarm-forwarder.yaml. */
  centralBusArn: defaultBus.arn,
};
