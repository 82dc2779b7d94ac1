/** The parsed `/incident` command and its errors (commands.ts parses them; listeners/incident-command.ts runs them). */

import type { Severity } from "@firebreak/core/incident/model";
import type { ContactMethod } from "@firebreak/core/oncall/notify-rules";

export const ASSIGNABLE_ROLES = ["ic", "ops", "comms"] as const;

export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export type Command =
  | { kind: "declare"; title: string; severity?: Severity; services?: string[] }
  | { kind: "declare_modal" }
  | { kind: "ack"; number?: number }
  | {
      kind: "assign";
      role: AssignableRole;
      userId: string;
      userName?: string;
      number?: number;
      /** Page the assignee; absent: the default (the IC is paged, unless they took it themselves). */
      page?: boolean;
    }
  | { kind: "update"; text: string; temporary: boolean; public: boolean; number?: number }
  | { kind: "status"; number?: number }
  | { kind: "mitigate"; number?: number }
  | { kind: "resolve"; number?: number; summary?: string }
  | { kind: "severity"; severity: Severity; number?: number; reason?: string }
  | { kind: "escalate"; mode: "next" | "repage"; number?: number; reason?: string }
  | { kind: "oncall"; service?: string; team?: string }
  | {
      kind: "cover";
      /** Who takes the shift; absent with `self`: the person typing. */
      userId?: string;
      userName?: string;
      self?: true;
      from: string;
      to: string;
      rotation?: string;
      reason?: string;
    }
  | { kind: "cover_list" }
  | { kind: "cover_cancel"; id: string }
  | { kind: "reopen"; number?: number; reason: string }
  | { kind: "merge"; number?: number; into: number; reason?: string }
  | { kind: "link"; other: number; number?: number; reason?: string }
  | { kind: "unlink"; other: number; number?: number }
  | { kind: "page"; userId?: string; userName?: string; team?: string; number?: number; message?: string }
  | { kind: "list" }
  | { kind: "maintenance"; services: string[]; team?: string; duration: string; reason: string }
  | { kind: "maintenance_list"; service?: string }
  | { kind: "maintenance_cancel"; ref: string }
  | { kind: "postmortem"; number?: number; release?: "yes" | "no" | "unknown" }
  | { kind: "trace"; number?: number }
  | {
      kind: "action";
      title: string;
      /** The owner's Slack id; absent with `self`: the person typing. */
      userId?: string;
      userName?: string;
      self?: true;
      due?: string;
      number?: number;
    }
  | { kind: "action_status"; id: string; status: "done" | "wont_do" | "open" }
  | { kind: "actions"; number?: number; scope: "incident" | "mine" | "open" }
  | {
      kind: "me";
      urgency?: "high" | "low";
      steps?: { method: ContactMethod; delayMinutes: number }[];
      reset?: true;
      /** Send a test message to this method. */
      verify?: ContactMethod;
      /** The code of a test message: confirm it. */
      code?: string;
    }
  | {
      kind: "test_page";
      /** Yourself (no target, `me`, `@me`). */
      self?: true;
      /** A Slack mention's user id. */
      userId?: string;
      team?: string;
      service?: string;
      /** A bare id: a person's, else a team's, else a service's. */
      word?: string;
    }
  | { kind: "help" };

export type Subcommand =
  | "declare"
  | "ack"
  | "assign"
  | "update"
  | "status"
  | "mitigate"
  | "resolve"
  | "severity"
  | "page"
  | "escalate"
  | "repage"
  | "oncall"
  | "cover"
  | "reopen"
  | "merge"
  | "link"
  | "unlink"
  | "list"
  | "maintenance"
  | "postmortem"
  | "trace"
  | "action"
  | "actions"
  | "me"
  | "test-page"
  | "help";

export interface CommandError {
  code: "unknown_subcommand" | "missing_argument" | "unexpected_argument" | "invalid_argument";
  /** What is wrong, in one sentence. May quote the user's words: escape before showing as mrkdwn. */
  problem: string;
  /** The correct usage of the subcommand (or of every subcommand). */
  usage: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: CommandError };
