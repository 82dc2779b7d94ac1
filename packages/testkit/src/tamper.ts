/**
 * A base64url token altered by one character that always changes what it decodes to: the middle
 * character (a full six bits; the last one may carry only padding bits, so changing it can decode
 * to the same bytes), replaced by a different one.
 */
export function tamper(token: string): string {
  const i = Math.floor(token.length / 2);
  const replacement = token[i] === "A" ? "B" : "A";
  return `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
}
