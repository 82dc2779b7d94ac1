/**
 * The app's permission and concurrency policy as plain data (no SST globals), shared by
 * infra/defaults.ts, which applies it, and infra/test/app.test.ts, which checks the evaluated app
 * and the code against it.
 */

/**
 * The IAM actions a link grants, per linkable component type (SST's own links grant `service:*`).
 * Transactions need no action of their own: a TransactWriteItems is authorised by the
 * PutItem/UpdateItem/DeleteItem/ConditionCheckItem of its items.
 */
export const LINK_ACTIONS = {
  "sst.aws.Dynamo": [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
  ],
  "sst.aws.Queue": ["sqs:SendMessage"],
  "sst.aws.Bus": ["events:PutEvents"],
  "sst.aws.SnsTopic": ["sns:Publish"],
} as const;

/**
 * The only actions a function may be granted on Resource "*": AWS offers no narrower scope.
 * Anything else on "*" fails infra/test/app.test.ts.
 */
export const WILDCARD_RESOURCE_EXCEPTIONS: Record<string, string> = {
  "sns:Publish":
    "an SMS page is published to a phone number (Publish with PhoneNumber), which has no ARN: IAM can only scope it to Resource '*'",
};

/**
 * Actions granted outside links, each on a narrow resource, with the function that holds it and why
 * (infra/test/app.test.ts accepts the SDK commands behind them).
 */
export const SCOPED_GRANTS: Record<string, string> = {
  "s3:PutObject":
    "PostmortemExport only, on arn:aws:s3:::<FIREBREAK_POSTMORTEM_BUCKET>/postmortems/*: the optional postmortem export",
  "sms-voice:SendVoiceMessage":
    "Pager, TestSender and Escalation only, on the FIREBREAK_VOICE_ORIGINATION phone number or pool ARN (and its configuration set): the optional voice pages",
};

/** The managed policies a function role may carry. */
export const ALLOWED_MANAGED_POLICIES = [
  // CreateLogStream/PutLogEvents for the function's own log group; added by SST to every function.
  "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
];

/**
 * Reserved concurrency, on production stages only (a new account's whole pool may be 10, and a
 * reservation must leave 10 unreserved). Throttled async invocations are retried by Lambda for up
 * to 6 hours, so a cap delays work, it never drops it. Keyed by the function's component name.
 */
export const RESERVED_CONCURRENCY: Record<string, { reserved: number; protects: string }> = {
  AlarmIngest: {
    reserved: 25,
    protects:
      "DynamoDB's hot keys (the incident counter, an alarm's record) during an alarm storm, and the account's concurrency pool that the API and Slack handlers need mid-incident",
  },
  Postmortem: {
    reserved: 5,
    protects: "table read capacity when many incidents resolve at once (each draft queries a whole timeline)",
  },
};

/** Minimum retention of every dead-letter queue: 14 days, the SQS maximum. */
export const DLQ_MIN_RETENTION_SECONDS = 14 * 24 * 60 * 60;
