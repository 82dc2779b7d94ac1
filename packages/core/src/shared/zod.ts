/**
 * zod/mini with English messages: the one place schemas get `z` from (`import * as z from
 * "@firebreak/core/shared/zod"`; biome.json's noRestrictedImports refuses "zod/mini" anywhere else).
 *
 * Firebreak's schemas use `zod/mini` (tree-shakeable: ~30 KB in a Lambda bundle instead of ~105 KB
 * for zod's classic API), which ships no locale by default: without one, every issue would read
 * "Invalid input". Registering English here, in the module every schema imports `z` from, means no
 * schema can be parsed before the locale is set, whichever module a bundle loads first. Only the
 * English locale is bundled.
 */

import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
