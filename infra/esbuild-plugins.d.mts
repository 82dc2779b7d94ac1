import type { Plugin } from "esbuild";

export declare const LAMBDA_STUBS: Record<string, string>;
export declare const lambdaOnly: Plugin;
declare const plugins: Plugin[];
export default plugins;
