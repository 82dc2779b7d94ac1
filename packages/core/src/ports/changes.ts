import type { Change } from "../changes/change";
import type { TimelineEntry } from "../incident/timeline";

/** Changes (deploys, config changes) by service. */
export interface ChangeRepository {
  /** Records it with its entry; false when a change with its id, service and time exists already. */
  record(change: Change, entry: TimelineEntry): Promise<boolean>;
  /** The changes to each of `services` in [from, to], newest first, within the bounds given. */
  forServices(
    services: readonly string[],
    from: string,
    to: string,
    bounds?: { perService?: number; maxServices?: number },
  ): Promise<Change[]>;
}
