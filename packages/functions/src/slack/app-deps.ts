/** What the Slack app is given (`SlackAppDeps`) and the slow work its listeners hand off (`SlackWork`). */

import type { IncidentStore } from "@firebreak/core/adapters/dynamodb/incident/incident-store";
import type { MaintenanceStore } from "@firebreak/core/adapters/dynamodb/maintenance/store";
import type { PostmortemStore } from "@firebreak/core/adapters/dynamodb/postmortem/store";
import type { Incident } from "@firebreak/core/incident/model";
import type { Directory } from "@firebreak/core/oncall/directory-types";
import type { NotifyRulesDeps } from "@firebreak/core/oncall/notify-actions";
import type { OverrideDeps } from "@firebreak/core/oncall/override-actions";
import type { VerifyDeps } from "@firebreak/core/oncall/verify-actions";
import type { Clock } from "@firebreak/core/shared/clock";
import type { AssignableRole } from "./commands";
import type { PersonLookupResult } from "./directory-lookup";
import type { PermissionConfig } from "./permissions";
import type { SlackTestPageDeps } from "./test-page";

/** Slow work handed off by a listener (to the bus, or an async invoke): never awaited beyond the hand-off. */
export type SlackWork =
  | {
      type: "slack.incident_declared";
      incidentId: string;
      number: number;
      /** The Slack user who declared it. */
      declaredBy: string;
      /** Where it was declared. */
      channelId?: string;
      /** The announcement message with the buttons, when it could be posted. */
      message?: { channel: string; ts: string };
    }
  | {
      type: "slack.role_assigned";
      incidentId: string;
      number: number;
      role: AssignableRole;
      slackUserId: string;
      assignedBy: string;
    };

/** Structured logging (the Powertools logger fits). */
export interface SlackLog {
  debug(message: string, ...extra: unknown[]): void;
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
  error(message: string, ...extra: unknown[]): void;
}

export interface SlackAppDeps {
  signingSecret: string;
  botToken: string;
  /** With `botUserId`, spares Bolt an `auth.test` call at cold start. */
  botId: string;
  botUserId: string;
  store: IncidentStore;
  postmortems: PostmortemStore;
  /** Hands slow work off (e.g. EventBridge PutEvents). Must be quick; failures are logged. */
  enqueue(work: SlackWork): Promise<void>;
  /** The incident a channel belongs to (incident channels): INC-n defaults to it there. */
  channelIncident?(channelId: string): Promise<string | undefined> | string | undefined;
  /**
   * Who a Slack user is in the on-call directory: permission checks (directory people may
   * acknowledge) and the name every action and role is recorded under (the person's directory
   * id and name, not a Slack id).
   */
  personFor?(slackUserId: string): Promise<PersonLookupResult> | PersonLookupResult;
  permissions?: PermissionConfig;
  /** The on-call directory (`/incident page`: who the people are, who is on call for a team). */
  directory?: () => Promise<Directory | undefined>;
  /** Runtime shift overrides (`/incident cover`): the directory store. */
  overrides?: OverrideDeps["directory"];
  /** People's own notification rules (`/incident me`): the directory store. */
  notifyRules?: NotifyRulesDeps["rules"];
  /** Contact-method verifications (`/incident me verify`). */
  contacts?: VerifyDeps["contacts"];
  /** Test pages (`/incident test-page`): their store and the directory. */
  testPages?: SlackTestPageDeps;
  /** Maintenance windows (`/incident maintenance`); without them the subcommand says so. */
  maintenance?: MaintenanceStore;
  /** The incident's page in the dashboard, for links and the View in dashboard button. */
  incidentUrl?(incident: Incident): string | undefined;
  clock?: Clock;
  /** The team's IANA time zone (postmortem drafts). */
  timezone?: string;
  log?: SlackLog;
  /** Web API base URL, e.g. a local fake `http://127.0.0.1:PORT/api/` (default Slack's). */
  slackApiUrl?: string;
  /** Web API call timeout in ms (default 1500). */
  slackTimeoutMs?: number;
}
