/**
 * Which stages are production. Plain TypeScript with no SST globals, so that `app()` in
 * sst.config.ts (which runs before any component exists) and infra/config.ts share one rule.
 */
export function productionStages(raw: string | undefined): string[] {
  const stages = (raw ?? "production")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return stages.length > 0 ? stages : ["production"];
}

export function isProductionStage(stage: string | undefined, raw = process.env.FIREBREAK_PRODUCTION_STAGES) {
  return stage !== undefined && productionStages(raw).includes(stage);
}
