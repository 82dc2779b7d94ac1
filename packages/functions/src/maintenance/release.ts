import { type ReleaseDeps, releaseEndedWindows } from "@firebreak/core/maintenance/release";
import { defineScheduled } from "../wiring/scheduled";

/**
 * The maintenance release (MAINTENANCE, every minute): the held alarms of the maintenance windows
 * that ended (`releaseEndedWindows`: each alarm still in ALARM opens its incident through the
 * ingest, one that recovered is only recorded). Repeated or concurrent sweeps are safe. When an
 * alarm fails, the sweep throws after the others were released, so the failure shows in the
 * function's error metric; the window stays due and the next sweep tries again.
 */
export function createMaintenanceHandler(getDeps: () => Omit<ReleaseDeps, "log">) {
  return defineScheduled("maintenance", async (logger) => {
    const { errors, ...counts } = await releaseEndedWindows({ ...getDeps(), log: logger });
    if (errors.length > 0) {
      logger.error("maintenance release: some alarms failed", { ...counts, errors });
      throw new Error(
        `maintenance release: ${errors.length} failed (first: ${errors[0]?.window} ${errors[0]?.alarmArn ?? ""}: ${errors[0]?.error})`,
      );
    }
    if (counts.windows > 0) logger.info("maintenance release", counts);
    return counts;
  });
}
