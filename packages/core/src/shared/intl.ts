/**
 * Intl date formatters, built once per process for each locale, options and zone (building one
 * costs far more than using it; the zones in use are a small set). Throws RangeError for an
 * unknown zone, as the constructor does.
 */
const cache = new Map<string, Intl.DateTimeFormat>();

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}
