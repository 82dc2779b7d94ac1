import { Resource } from "sst";

/** A linked resource's value (secret) or name (table, bus), or undefined when it is not linked (SST's proxy throws then). */
export function linked(name: string): string | undefined {
  try {
    const value = (Resource as unknown as Record<string, { value?: string; name?: string } | undefined>)[
      name
    ];
    return value?.value ?? value?.name;
  } catch {
    return undefined;
  }
}

/** A comma-separated setting as a list (blanks dropped). */
export const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
