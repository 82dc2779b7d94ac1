import { defineConfig } from "vite";

// The dashboard is plain static files: the local runtime serves them at /, and sst.aws.StaticSite
// deploys them. VITE_API_URL (optional) points at the API; unset, the API is the same origin.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  server: { proxy: { "/api": "http://127.0.0.1:3000", "/auth": "http://127.0.0.1:3000" } },
});
