import { indexDirectory } from "@firebreak/core/oncall/directory-index";
import type { ShiftOverride } from "@firebreak/core/oncall/shift-overrides";
import type { StoredDirectory } from "@firebreak/core/oncall/stored-directory";

/** The API view of a shift override: with its rotation's and person's names, when the directory has them. */
export function overrideView(
  stored: Pick<StoredDirectory, "directory" | "applied"> | undefined,
  override: ShiftOverride,
) {
  const index = stored ? indexDirectory(stored.applied ?? stored.directory) : undefined;
  const rotation = index?.rotations.get(override.rotationId)?.rotation;
  const person = index?.people.get(override.personId);
  return {
    ...override,
    ...(rotation?.name ? { rotationName: rotation.name } : {}),
    ...(person ? { personName: person.name } : {}),
  };
}
