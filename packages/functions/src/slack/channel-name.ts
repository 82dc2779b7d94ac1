/**
 * Incident channel names (pure): `inc-<number>-<slug>` within Slack's rules: at most 80
 * characters, lowercase letters, digits, `-` and `_` only.
 *
 * The slug is the title folded to ASCII (`Paiement échoué` → `paiement-echoue`; letters with
 * marks lose them), every other run of characters becoming one `-`. A title with nothing left
 * (`支付故障`, emoji only) gives `inc-<number>`. Long titles are cut at a word boundary where one is
 * near, never leaving a trailing `-`.
 *
 * Collisions (`name_taken`: an old channel, someone's own channel) are resolved with a numbered
 * suffix, `-2`, `-3`, …, the slug shortened so the whole name still fits.
 */

export const MAX_CHANNEL_NAME = 80;
export const CHANNEL_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,79}$/;

export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/ß/g, "ss")
    .replace(/[æÆ]/g, "ae")
    .replace(/[øØ]/g, "o")
    .replace(/[łŁ]/g, "l")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Cuts a slug to `max` characters, preferring a `-` boundary in the last third, never ending in `-`. */
function cut(slug: string, max: number): string {
  if (max <= 0) return "";
  if (slug.length <= max) return slug;
  const head = slug.slice(0, max);
  const boundary = head.lastIndexOf("-");
  const trimmed = boundary >= Math.floor((max * 2) / 3) ? head.slice(0, boundary) : head;
  return trimmed.replace(/-+$/, "");
}

/**
 * The channel name for an incident; `attempt` 0 is the plain name, attempt n ≥ 1 adds `-<n+1>`.
 */
export function incidentChannelName(number: number, title: string, attempt = 0): string {
  if (!Number.isSafeInteger(number) || number < 1) throw new RangeError(`not an incident number: ${number}`);
  const prefix = `inc-${number}`;
  const suffix = attempt > 0 ? `-${attempt + 1}` : "";
  const room = MAX_CHANNEL_NAME - prefix.length - suffix.length - 1; // the "-" before the slug
  const slug = cut(slugify(title), room);
  return `${prefix}${slug ? `-${slug}` : ""}${suffix}`;
}
