/**
 * Contact-method verifications (oncall/contact-methods.ts), one item beside the directory
 * (`DIRECTORY` / `CONTACTS`), read in the directory's own Query (store.ts). Every write is
 * conditioned on the version read; the ones people see (requested, sent, verified) carry their
 * timeline entry in the same transaction, so the outbox publishes them.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { VersionConflictError } from "@firebreak/core/shared/errors";
import type { TimelineEntry } from "../../../incident/timeline";
import type { ContactRecords } from "../../../oncall/contact-methods";
import type { Directory } from "../../../oncall/directory-types";
import type { StoredContacts } from "../../../oncall/stored-directory";
import type { ContactRepository } from "../../../ports";
import { keys } from "../keys";
import type { DirectoryStore } from "./store";

export class ContactStore implements ContactRepository {
  constructor(private readonly directory: Pick<DirectoryStore, "read" | "putBeside" | "db" | "tableName">) {}

  async get(): Promise<StoredContacts> {
    const { current, contacts } = await this.directory.read();
    return typeof current?.body === "string"
      ? { ...contacts, applied: JSON.parse(current.body) as Directory }
      : contacts;
  }

  /** Replaces the verifications (conditioned on `expectedVersion`), with `entry` when given. */
  async save(items: ContactRecords, expectedVersion: number, entry?: TimelineEntry): Promise<void> {
    const item = {
      ...keys.contactMethods(),
      type: "contact-methods",
      people: items,
      version: expectedVersion + 1,
    };
    const conflict = `the contact-method verifications changed since version ${expectedVersion} was read`;
    if (entry) return this.directory.putBeside(item, expectedVersion, entry, conflict);
    try {
      await this.directory.db.send(
        new PutCommand({
          TableName: this.directory.tableName,
          Item: item,
          ConditionExpression: expectedVersion === 0 ? "attribute_not_exists(pk)" : "version = :v",
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ":v": expectedVersion } }),
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException")
        throw new VersionConflictError(conflict, undefined, { cause: error });
      throw error;
    }
  }
}
