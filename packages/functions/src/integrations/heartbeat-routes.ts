/**
 * Heartbeat pings: `GET|POST /heartbeats/{id}` with the heartbeat's key (core/heartbeats).
 */
import { RetryableBatchError } from "@firebreak/core/alarm/process";
import { heartbeatView, pingHeartbeat } from "@firebreak/core/heartbeats/actions";
import type { Hono } from "hono/tiny";
import { keyFromAuthorization, problem, type RouteKit, tryAgain } from "./kit";

export function heartbeatRoutes(app: Hono, kit: RouteKit): void {
  const { getDeps, limit } = kit;
  // A heartbeat's ping: its key as `Authorization: Bearer <key>` or `?key=<key>` (what a cron's
  // one-line curl can send). GET too: some schedulers only GET.
  app.on(["GET", "POST"], "/heartbeats/:id", limit(problem), async (c) => {
    const refuse = problem(c);
    const deps = getDeps();
    if (!deps.heartbeats) return refuse(404, "heartbeats are not configured on this deployment");
    const key = keyFromAuthorization(c.req.header("authorization"), ["bearer"]) ?? c.req.query("key");
    const heartbeat = key ? await deps.heartbeats.verify(c.req.param("id"), key) : undefined;
    if (!heartbeat)
      return refuse(
        401,
        key
          ? "this is not the key of a heartbeat with this id"
          : "the heartbeat's key is required: Authorization: Bearer <key>, or ?key=<key>",
      );
    try {
      const pinged = await pingHeartbeat(
        {
          heartbeats: deps.heartbeats,
          receive: deps.receive,
          ...(deps.receive.clock ? { clock: deps.receive.clock } : {}),
        },
        heartbeat,
      );
      if (!pinged) return refuse(404, `heartbeat ${heartbeat.id} was deleted`);
      deps.log?.info("heartbeat pinged", { id: heartbeat.id, recovered: pinged.recovered?.outcome });
      return c.json({
        status: "ok",
        ...heartbeatView(pinged.heartbeat),
        ...(pinged.recovered ? { recovered: pinged.recovered } : {}),
      });
    } catch (error) {
      if (!(error instanceof RetryableBatchError)) throw error;
      return tryAgain(refuse);
    }
  });
}
