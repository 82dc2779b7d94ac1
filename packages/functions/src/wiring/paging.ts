import { loadBudgetIncidents } from "@firebreak/core/metrics/budget-load";
import { DynamoBudgetState } from "@firebreak/core/metrics/budget-store";
import { DynamoCoverageState } from "@firebreak/core/oncall/coverage-store";
import { DirectoryStore } from "@firebreak/core/oncall/store";
import { parseAckKeyring } from "@firebreak/core/paging/ack-link";
import type { PagingDeps } from "@firebreak/core/paging/service";
import { SlackChannel } from "@firebreak/core/paging/slack-channel";
import { createSnsClient, regionalSnsClients, SnsChannel } from "@firebreak/core/paging/sns-channel";
import { PageStore } from "@firebreak/core/paging/store";
import { PostmortemStore } from "@firebreak/core/postmortem/store";
import { FirebreakError } from "@firebreak/core/shared/errors";
import { IncidentStore } from "@firebreak/core/storage/incident-store";
import type { CoverageDeps } from "../coverage";
import { type Platform, requiredSecret } from "./platform";

/**
 * Paging (the Pager, the Escalation sweep and the Ack links): SNS through the function's region for
 * SMS and the ARN's region for topics, Slack with the SlackBotToken secret, ack links signed with
 * the AckKey keyring (`k2:<new>,k1:<old>`, or one key). The links' base is `FIREBREAK_ACK_BASE_URL`
 * (infra/paging.ts sets it to `<api url>/ack`); the dashboard's is `FIREBREAK_DASHBOARD_URL`.
 */
export function pagingDeps(platform: Platform): PagingDeps {
  const ackBaseUrl = platform.env.FIREBREAK_ACK_BASE_URL?.trim();
  if (!ackBaseUrl || !/^https?:\/\/[^/\s]+/.test(ackBaseUrl))
    throw new FirebreakError(
      "config_missing",
      `FIREBREAK_ACK_BASE_URL must be the ack links' base URL, e.g. https://<api>/ack (got ${JSON.stringify(ackBaseUrl ?? "")})`,
    );
  const keyring = parseAckKeyring(requiredSecret(platform, "AckKey"));
  const { db, tableName } = platform.table();
  const incidents = new IncidentStore(db, tableName);
  const sns = platform.adapters?.sns ?? { client: createSnsClient(), clientForRegion: regionalSnsClients() };
  const slackApiUrl = platform.adapters?.slackApiUrl;
  const dashboardUrl = platform.env.FIREBREAK_DASHBOARD_URL?.trim();
  return {
    incidents,
    pages: new PageStore(incidents.db, incidents.tableName),
    directory: new DirectoryStore(db, tableName, platform.clock),
    channels: {
      sns: new SnsChannel(sns),
      slack: new SlackChannel({
        token: requiredSecret(platform, "SlackBotToken"),
        ...(slackApiUrl ? { slackApiUrl } : {}),
      }),
    },
    ackKey: keyring.current,
    previousAckKeys: keyring.previous,
    ackBaseUrl,
    ...(dashboardUrl ? { dashboardUrl } : {}),
    ...(platform.clock ? { clock: platform.clock } : {}),
    ...(platform.log ? { log: platform.log } : {}),
  };
}

/**
 * The hourly checks: coverage (the directory with its live shift overrides, and what it
 * announced) and the error budgets (the incidents and drafts, and the crossings announced).
 */
export function coverageCheckDeps(platform: Platform): CoverageDeps {
  const { db, tableName } = platform.table();
  const directory = new DirectoryStore(db, tableName, platform.clock);
  const common = {
    ...(platform.clock ? { clock: platform.clock } : {}),
    ...(platform.log ? { log: platform.log } : {}),
  };
  const sources = {
    store: new IncidentStore(db, tableName),
    postmortems: new PostmortemStore(db, tableName),
  };
  return {
    directory,
    state: new DynamoCoverageState(db, tableName),
    ...common,
    budgets: {
      directory,
      state: new DynamoBudgetState(db, tableName),
      incidents: (services, days, now) => loadBudgetIncidents(sources, services, days, now),
      ...common,
    },
  };
}
