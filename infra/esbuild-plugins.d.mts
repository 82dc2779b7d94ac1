import type { Plugin } from "esbuild";

export declare const LAMBDA_EXCLUDED: Record<string, string>;
export declare const lambdaOnly: Plugin;
export declare const LAMBDA_CREDENTIALS: string;
export declare const lambdaCredentials: Plugin;
declare const plugins: Plugin[];
export default plugins;
