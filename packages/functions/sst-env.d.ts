/* This file is generated from the SST app's links: `npx tsx infra/test/sst-harness.ts --write-sst-env`. */
/* infra/test/app.test.ts fails when it is out of date. `sst deploy` / `sst dev` rewrite it. */
import "sst";
declare module "sst" {
  export interface Resource {
    "AckKey": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "AlarmIngestDlq": {
      "type": "sst.aws.Queue"
      "url": string
    }
    "Bus": {
      "arn": string
      "name": string
      "type": "sst.aws.Bus"
    }
    "GithubToken": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "JiraApiToken": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "LinearApiKey": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "SessionKey": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "SlackBotToken": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "SlackClientId": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "SlackClientSecret": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "SlackSigningSecret": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "SlackTeamId": {
      "type": "sst.sst.Secret"
      "value": string
    }
    "Table": {
      "name": string
      "type": "sst.aws.Dynamo"
    }
  }
}
export {};
