import { ACTIONS, PAGE_ACTIONS_BLOCK_ID } from "@firebreak/core/paging/messages";

/**
 * Slack ids of the incident feature: the slash command, the declare modal's callback and block
 * ids, and the blocks of the incident message. The button action ids are the paging feature's
 * (`ACTIONS`): pages and incident announcements carry the same buttons, handled by one listener.
 */
export const INCIDENT_COMMAND = "/incident";

export { ACTIONS, PAGE_ACTIONS_BLOCK_ID };

/** The declare modal. Block and action ids as Slack sends them back in `view.state.values`. */
export const DECLARE_MODAL = {
  callbackId: "declare_incident",
  title: { block: "title_block", action: "title_input" },
  severity: { block: "severity_block", action: "severity_select" },
  services: { block: "services_block", action: "services_input" },
  description: { block: "description_block", action: "description_input" },
  commander: { block: "commander_block", action: "commander_select" },
} as const;

/** Blocks of the incident message (announcement, and pages after someone acts on them). */
export const INCIDENT_MESSAGE = {
  summaryBlock: "incident_summary",
  lastActionBlock: "incident_last_action",
  actionsBlock: PAGE_ACTIONS_BLOCK_ID,
} as const;
