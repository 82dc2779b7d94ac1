/**
 * Defaults for every component created after this module is imported (sst.config.ts imports it
 * first), so functions added in any infra file get them without repeating them:
 *
 * - Functions: 512 MB, 15 s, arm64, log retention 3 months on production stages and 1 week
 *   elsewhere, and the esbuild plugins of infra/esbuild-plugins.mjs (`LAMBDA_ESBUILD_PLUGINS`: they
 *   keep Bolt's Socket Mode and Express out of the bundles; the bundle bench uses the same file).
 *   An explicit value on a function wins. Reserved concurrency on production stages for
 *   the functions in `RESERVED_CONCURRENCY`, each with the dependency it protects.
 * - Links grant only the actions the code calls (`LINK_ACTIONS`), instead of SST's `service:*`:
 *   infra/test/app.test.ts checks every AWS SDK command imported under packages/ against them
 *   (infra/policy.ts).
 * - A registry of every function and queue (`registry`), read by infra/monitoring.ts, which is
 *   imported last and alarms on each of them.
 */
import { config } from "./config";
import { LINK_ACTIONS, RESERVED_CONCURRENCY } from "./policy";

export { LINK_ACTIONS, RESERVED_CONCURRENCY };

export const FUNCTION_DEFAULTS = {
  memory: "512 MB",
  timeout: "15 seconds",
  architecture: "arm64",
  logRetention: config.production ? "3 months" : "1 week",
} as const;

/** `nodejs.plugins` of every function: relative to sst.config.ts, as SST resolves it. */
export const LAMBDA_ESBUILD_PLUGINS = "./infra/esbuild-plugins.mjs";

sst.Linkable.wrap(sst.aws.Dynamo, (table) => ({
  properties: { name: table.name },
  include: [
    sst.aws.permission({
      actions: [...LINK_ACTIONS["sst.aws.Dynamo"]],
      resources: [table.arn, $interpolate`${table.arn}/*`],
    }),
  ],
}));
sst.Linkable.wrap(sst.aws.Queue, (queue) => ({
  properties: { url: queue.url },
  include: [sst.aws.permission({ actions: [...LINK_ACTIONS["sst.aws.Queue"]], resources: [queue.arn] })],
}));
sst.Linkable.wrap(sst.aws.Bus, (bus) => ({
  properties: { name: bus.name, arn: bus.arn },
  include: [sst.aws.permission({ actions: [...LINK_ACTIONS["sst.aws.Bus"]], resources: [bus.arn] })],
}));
sst.Linkable.wrap(sst.aws.SnsTopic, (topic) => ({
  properties: { arn: topic.arn },
  include: [sst.aws.permission({ actions: [...LINK_ACTIONS["sst.aws.SnsTopic"]], resources: [topic.arn] })],
}));

$transform(sst.aws.Function, (args, _opts, name) => {
  args.memory ??= FUNCTION_DEFAULTS.memory;
  args.timeout ??= FUNCTION_DEFAULTS.timeout;
  args.architecture ??= FUNCTION_DEFAULTS.architecture;
  args.logging ??= { retention: FUNCTION_DEFAULTS.logRetention };
  args.nodejs ??= { plugins: LAMBDA_ESBUILD_PLUGINS };
  const reserved = RESERVED_CONCURRENCY[name];
  if (config.production && reserved) args.concurrency ??= { reserved: reserved.reserved };
});

/**
 * A list of components that also tells later listeners: `each(cb)` runs `cb` for every component
 * registered so far and for every one registered afterwards. Some components create their
 * functions late (`table.subscribe` builds its function inside an `apply`), after the last infra
 * module has run, so a plain array read at the end would miss them.
 */
export class Registry<T> {
  readonly items: { name: string; resource: T }[] = [];
  private readonly listeners: ((item: { name: string; resource: T }) => void)[] = [];
  add(item: { name: string; resource: T }) {
    this.items.push(item);
    for (const listener of this.listeners) listener(item);
  }
  each(listener: (item: { name: string; resource: T }) => void) {
    for (const item of this.items) listener(item);
    this.listeners.push(listener);
  }
}

/** Every sst.aws.Function and sst.aws.Queue of the app, whichever infra file created it. */
export const registry = {
  functions: new Registry<sst.aws.Function>(),
  queues: new Registry<sst.aws.Queue>(),
};

// A stack transformation sees each component as it is constructed (`resource` is the instance);
// the entry is added on the next tick, once the constructor has finished (like SST's link refs).
$util.runtime.registerStackTransformation((input) => {
  const { name, resource } = input;
  if (resource instanceof sst.aws.Function) {
    process.nextTick(() => registry.functions.add({ name, resource }));
  } else if (resource instanceof sst.aws.Queue) {
    process.nextTick(() => registry.queues.add({ name, resource }));
  }
  return undefined;
});
