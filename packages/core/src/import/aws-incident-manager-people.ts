/**
 * Incident Manager PERSONAL contacts → people: the phone from an SMS/VOICE channel, the email from
 * an EMAIL channel, the time zone from the first rotation they are in; each contact channel is
 * reported with its contact.
 */

import { personSchema, phoneSchema } from "../oncall/directory-schemas";
import {
  arnTail,
  arr,
  type Collected,
  type Contacts,
  describeValue,
  type Found,
} from "./aws-incident-manager-read";
import type { Rotations } from "./aws-incident-manager-rotations";
import { isObj, type Obj, str } from "./pagerduty-read";
import type { ImportBuilder } from "./plan";

const isPhone = (v: string) => phoneSchema.safeParse(v).success;
const isEmail = (v: string) =>
  personSchema.safeParse({ id: "x", name: "x", email: v, timezone: "UTC" }).success;

interface ChannelEntry {
  arn: string;
  found: Found<Obj>;
  becomes?: string;
  why?: string;
  notes: string[];
}

/** PERSONAL contacts → people; contact ARN → person id. */
export function mapPeople(
  b: ImportBuilder,
  c: Collected,
  contacts: Contacts,
  rotations: Rotations,
): Map<string, string> {
  // Contacts have no time zone: the first rotation a contact is in gives it.
  const zoneOf = new Map<string, { zone: string; rotation: string }>();
  for (const p of rotations.plans.values())
    for (const m of p.contactArns)
      if (!zoneOf.has(m)) zoneOf.set(m, { zone: p.rotation.timezone, rotation: p.name });

  // Channels by contact.
  const channelsOf = new Map<string, [string, Found<Obj>][]>();
  for (const [arn, found] of c.channels) {
    const contact = str(found.value.ContactArn) ?? "";
    const list = channelsOf.get(contact) ?? [];
    list.push([arn, found]);
    channelsOf.set(contact, list);
  }

  const personOf = new Map<string, string>();
  const channelReported = new Set<string>();
  for (const [arn, found] of contacts.personal) {
    const v = found.value;
    const alias = str(v.Alias) ?? arnTail(arn);
    const name = (str(v.DisplayName) ?? alias).trim() || alias.trim() || "Unnamed contact";
    const notes: string[] = [];
    const { phone, email, channelEntries } = readChannels(channelsOf.get(arn) ?? [], channelReported, notes);
    const stages = isObj(v.Plan) ? arr(v.Plan.Stages) : [];
    if (stages.length > 0)
      notes.push(
        `the contact's engagement plan (${stages.length} stage${stages.length === 1 ? "" : "s"} of its own channels, with their delays and retry intervals) is a personal notification rule and is not imported: Firebreak pages every contact method of each person at each level (personal rules are planned)`,
      );
    if (phone === undefined && email === undefined) {
      b.notMapped(
        { kind: "contact (PERSONAL)", id: arn, name, file: found.file },
        `no usable SMS, VOICE or EMAIL contact channel was exported for it (ListContactChannels --contact-id ${arn}); a Firebreak person needs a phone number or an email address`,
      );
    } else {
      const id = b.uniqueId("person", alias);
      const zone = zoneOf.get(arn);
      notes.push(
        zone
          ? `Incident Manager contacts have no time zone: ${zone.zone} was taken from rotation ${zone.rotation}`
          : "Incident Manager contacts have no time zone and it is in no imported rotation: UTC was used",
      );
      b.directory.people.push({
        id,
        name,
        ...(phone ? { phone } : {}),
        ...(email ? { email } : {}),
        timezone: zone?.zone ?? "UTC",
      });
      personOf.set(arn, id);
      b.ids.people[arn] = id;
      b.mapped({
        kind: "contact (PERSONAL)",
        id: arn,
        name,
        file: found.file,
        becomes: [`person ${id}`],
        notes,
      });
    }
    for (const e of channelEntries) {
      const entry = {
        kind: "contact channel",
        id: e.arn,
        name: str(e.found.value.Name),
        file: e.found.file,
      };
      if (e.why || !personOf.has(arn))
        b.notMapped(entry, e.why ?? `its contact ${alias} was not mapped (see that entry)`);
      else b.mapped({ ...entry, becomes: [`${e.becomes} of person ${personOf.get(arn)}`], notes: e.notes });
    }
  }
  for (const [chArn, ch] of c.channels)
    if (!channelReported.has(chArn))
      b.notMapped(
        { kind: "contact channel", id: chArn, name: str(ch.value.Name), file: ch.file },
        `its contact ${describeValue(ch.value.ContactArn)} is not a PERSONAL contact in the exported files (export ListContacts or GetContact)`,
      );
  return personOf;
}

/**
 * A contact's channels: the first phone (SMS/VOICE) and the first email it gives, and each channel's
 * report entry. `notes` (the contact's) gets a note for each NOT_ACTIVATED channel imported.
 */
function readChannels(
  channels: [string, Found<Obj>][],
  channelReported: Set<string>,
  notes: string[],
): { phone: string | undefined; email: string | undefined; channelEntries: ChannelEntry[] } {
  let phone: string | undefined;
  let email: string | undefined;
  const channelEntries: ChannelEntry[] = [];
  for (const [chArn, ch] of channels) {
    channelReported.add(chArn);
    const cv = ch.value;
    const type = cv.Type;
    const address = isObj(cv.DeliveryAddress) ? str(cv.DeliveryAddress.SimpleAddress)?.trim() : undefined;
    const chNotes: string[] = [];
    if (cv.ActivationStatus === "NOT_ACTIVATED")
      chNotes.push(
        "NOT_ACTIVATED in Incident Manager (the contact never confirmed it): imported anyway; check the address works before relying on it",
      );
    const entry: ChannelEntry = { arn: chArn, found: ch, notes: chNotes };
    if (type === "SMS" || type === "VOICE") {
      if (!address || !isPhone(address))
        entry.why = `${ch.file}: DeliveryAddress.SimpleAddress ${describeValue(address)} is not an E.164 phone number`;
      else if (phone === undefined || phone === address) {
        phone = address;
        entry.becomes = "phone";
        if (type === "SMS" || type === "VOICE")
          chNotes.push(
            `Firebreak chooses SMS or a voice call to ${address} by urgency, not by the channel's type (${type})`,
          );
      } else entry.why = `a Firebreak person has one phone number; ${phone} (an earlier channel) was kept`;
    } else if (type === "EMAIL") {
      if (!address || !isEmail(address))
        entry.why = `${ch.file}: DeliveryAddress.SimpleAddress ${describeValue(address)} is not an email address`;
      else if (email === undefined || email === address) {
        email = address;
        entry.becomes = "email";
      } else entry.why = `a Firebreak person has one email address; ${email} (an earlier channel) was kept`;
    } else entry.why = `${ch.file}: Type ${describeValue(type)} is not SMS, VOICE or EMAIL`;
    channelEntries.push(entry);
    if (cv.ActivationStatus === "NOT_ACTIVATED" && entry.becomes)
      notes.push(
        `channel ${str(cv.Name) ?? arnTail(chArn)} (${type}) is NOT_ACTIVATED in AWS but was imported`,
      );
  }
  return { phone, email, channelEntries };
}
