import type { Heartbeat } from "../heartbeats/heartbeat";

/** Heartbeats and their pings. */
export interface HeartbeatRepository {
  /** A new heartbeat and its key (shown once); HeartbeatExistsError when the id is taken. */
  create(heartbeat: Heartbeat): Promise<{ key: string; heartbeat: Heartbeat }>;
  list(): Promise<Heartbeat[]>;
  delete(id: string): Promise<Heartbeat>;
  /** Records a ping: up again. The heartbeat before and after (undefined: deleted meanwhile). */
  recordPing(id: string, at: string): Promise<{ before: Heartbeat; after: Heartbeat } | undefined>;
  /** Marks it down, only while its last ping is still `lastPingAt`; false when it moved. */
  markDown(id: string, lastPingAt: string, since: string): Promise<boolean>;
}
