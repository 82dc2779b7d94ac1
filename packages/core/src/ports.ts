/**
 * The ports: what the use cases need of the world outside the domain, as interfaces. Use cases
 * depend on these, never on an adapter class or the SDK; each adapter class declares the port it
 * implements, so the type checker proves that it fits. One repository per aggregate, with the
 * methods some use case calls (ports/<area>.ts), and the other ports beside them.
 */
export type { ActionItemSyncStore } from "./action-items/model";
export type { DeadLetterSink } from "./alarm/dead-letter";
export type { EventPublisher } from "./events/publisher";
export type { IntegrationKeys } from "./integrations/keys";
export type { BudgetStateStore } from "./metrics/budget-alerts";
export type { CoverageStateStore } from "./oncall/coverage-alerts";
export type { PageChannel } from "./paging/channels";
export type { ActionItemRepository } from "./ports/action-items";
export type { ChangeRepository } from "./ports/changes";
export type { HeartbeatRepository } from "./ports/heartbeats";
export type { AlarmChange, IncidentChange, IncidentRepository } from "./ports/incident";
export type { MaintenanceRepository } from "./ports/maintenance";
export type { ContactRepository, DirectoryRepository, PersonalRulesRepository } from "./ports/oncall";
export type {
  EscalationChange,
  PageOutcome,
  PageRepository,
  TestPageRepository,
  TestPageRequest,
  TestPageRequestRepository,
} from "./ports/paging";
export type { PostmortemRepository } from "./ports/postmortem";
export type { ObjectSink } from "./postmortem/export";
export type { Clock } from "./shared/clock";
