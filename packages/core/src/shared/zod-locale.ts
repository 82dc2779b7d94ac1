/**
 * English messages for zod/mini. Firebreak's schemas use `zod/mini` (tree-shakeable: ~30 KB in a
 * Lambda bundle instead of ~105 KB for zod's classic API), which ships no locale by default: without
 * this, every issue would read "Invalid input". Every module that defines schemas imports this file
 * for its side effect, before parsing anything. Only the English locale is bundled.
 */

import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());
