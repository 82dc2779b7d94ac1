/** `/incident status`, `list`, `trace` and `postmortem`: answered privately. */
import { PageStore } from "@firebreak/core/adapters/dynamodb/paging/page-store";
import { buildTrace } from "@firebreak/core/paging/trace";
import { answerReleaseInvolved } from "@firebreak/core/postmortem/release-answer";
import { getPostmortem } from "@firebreak/core/postmortem/service";
import { NotFoundError } from "@firebreak/core/shared/errors";
import { USAGE } from "../commands";
import { SlackUserError } from "../errors";
import { openIncidentsList, postmortemSummary, statusReport } from "../messages";
import { traceMessage } from "../oncall-messages";
import { ephemeral, subcommands } from "./context";

export const READ_COMMANDS = subcommands(
  ["status", "list", "trace", "postmortem"],
  async (ctx, call, command) => {
    const { deps, pmDeps, url } = ctx;
    const { actor, check, find } = call;
    switch (command.kind) {
      case "status": {
        const incident = await find(command.number, USAGE.status);
        const found = await deps.store.getIncidentWithTimeline(incident.id);
        if (!found) throw new NotFoundError("incident", incident.id);
        return ephemeral(statusReport(found.incident, found.timeline, url(found.incident)));
      }
      case "list": {
        const page = await deps.store.listOpen({ limit: 20 });
        return ephemeral(openIncidentsList(page.items, page.cursor !== undefined));
      }
      case "trace": {
        const incident = await find(command.number, USAGE.trace);
        const found = await deps.store.getIncidentWithTimeline(incident.id);
        if (!found) throw new NotFoundError("incident", incident.id);
        const pages = new PageStore(deps.store.db, deps.store.tableName);
        const [escalation, stored] = await Promise.all([
          pages.getEscalation(incident.id),
          pages.listPages(incident.id),
        ]);
        const trace = buildTrace({
          incident: found.incident,
          timeline: found.timeline,
          escalation,
          pages: stored,
        });
        return ephemeral(traceMessage(trace, url(found.incident)));
      }
      case "postmortem": {
        const incident = await find(command.number, USAGE.postmortem);
        if (command.release) check("postmortem", incident);
        try {
          let { current } = await getPostmortem(pmDeps, incident.id);
          // A new version with the same text (core/postmortem/release-answer.ts: no linter or validator here).
          if (command.release)
            current = await answerReleaseInvolved(pmDeps, incident.id, command.release, actor);
          return ephemeral(postmortemSummary(incident, current, url(incident)));
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          throw new SlackUserError(
            "no_postmortem",
            incident.status === "resolved"
              ? `INC-${incident.number} has no postmortem yet: the draft is being written, try again in a minute.`
              : `INC-${incident.number} has no postmortem yet: a draft is written when the incident is resolved.`,
          );
        }
      }
    }
  },
);
