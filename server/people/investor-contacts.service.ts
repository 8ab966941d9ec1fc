import { PersonModel } from '../../models/person.model.js';
import { Conflict, NotFound } from '../lib/app-error.js';
import { isDuplicateKey } from '../db/db-errors.js';
import { recordAudit, diffFields, type Actor } from '../audit/index.js';
import { versionOf } from '../lib/edit-conflict.js';
import type { AddContactInput, EditContactInput } from './people.schemas.js';
import { emailTaken, savePersonEdit } from './people.service.js';

// The people of an investor organisation (its partners, associates…): the same person records as a firm's people, one
// per email, linked by `investorOrg` with their `investorRole`. The organisation is named by the caller (its id and the
// name the audit log shows: the log lists names, not ids).
export type ContactOrg = { id: string; name: string };

const CONTACT_LIMIT = 200;

export async function contactsOfInvestor(investorId: string) {
  return PersonModel.find(
    { investorOrg: investorId },
    { name: 1, title: 1, email: 1, phone: 1, linkedin: 1, investorRole: 1 },
  )
    .sort({ name: 1 })
    .limit(CONTACT_LIMIT)
    .lean();
}

// Like a firm's people: an email already on file links that person instead of copying them. A person is the contact of
// one organisation at a time, so someone linked to another one is refused beside the email.
export async function addInvestorContact(
  org: ContactOrg,
  input: AddContactInput,
  actor: Actor,
): Promise<{ linkedExisting: boolean }> {
  const existing = input.email ? await PersonModel.findOne({ email: input.email }).lean() : null;
  if (existing) {
    if (existing.investorOrg) {
      const here = String(existing.investorOrg) === org.id;
      throw Conflict('already a contact', {
        email: [here ? 'investors.contacts.errors.alreadyLinked' : 'investors.contacts.errors.otherOrg'],
      });
    }
    // Only while still unlinked: two staff linking the same person to two organisations cannot both win.
    const res = await PersonModel.updateOne(
      { _id: existing._id, investorOrg: { $exists: false } },
      { $set: { investorOrg: org.id, investorRole: input.investorRole }, $inc: { __v: 1 } },
    );
    if (!res.modifiedCount) throw Conflict('already a contact', { email: ['investors.contacts.errors.otherOrg'] });
    await recordAudit({
      actor,
      entity: 'person',
      entityId: existing._id,
      entityLabel: existing.name,
      action: 'update',
      changes: diffFields({}, { investorOrg: org.name, investorRole: input.investorRole }),
    });
    return { linkedExisting: true };
  }
  const { _csrf, ...fields } = input;
  let person;
  try {
    person = await PersonModel.create({ ...fields, investorOrg: org.id });
  } catch (err) {
    if (isDuplicateKey(err)) throw emailTaken();
    throw err;
  }
  const { investorRole, ...personFields } = fields;
  await recordAudit({
    actor,
    entity: 'person',
    entityId: person._id,
    entityLabel: person.name,
    action: 'create',
    changes: diffFields({}, { ...personFields, investorOrg: org.name, investorRole }),
    version: versionOf(person),
  });
  return { linkedExisting: false };
}

// A contact is reached through their organisation: /investors/<A>/contacts/<id> of someone at B is a 404.
export async function getInvestorContact(investorId: string, personId: string) {
  const person = await PersonModel.findOne({ _id: personId, investorOrg: investorId }).lean();
  if (!person) throw NotFound('person');
  return person;
}

const EDITABLE = ['name', 'title', 'email', 'phone', 'linkedin', 'investorRole'] as const;

export async function editInvestorContact(
  investorId: string,
  personId: string,
  input: EditContactInput,
  actor: Actor,
): Promise<void> {
  const before = await getInvestorContact(investorId, personId);
  const { _csrf, _version, _base, ...fields } = input;
  await savePersonEdit({
    before,
    scope: { investorOrg: investorId },
    fields,
    editable: EDITABLE,
    version: _version,
    actor,
  });
}

// The person stays on file (they may be a firm's too); only the link to the organisation and the role there go.
export async function unlinkInvestorContact(org: ContactOrg, personId: string, actor: Actor): Promise<void> {
  const person = await getInvestorContact(org.id, personId);
  const res = await PersonModel.updateOne(
    { _id: person._id, investorOrg: org.id },
    { $unset: { investorOrg: 1, investorRole: 1 }, $inc: { __v: 1 } },
  );
  if (!res.modifiedCount) return;
  await recordAudit({
    actor,
    entity: 'person',
    entityId: person._id,
    entityLabel: person.name,
    action: 'update',
    changes: diffFields({ investorOrg: org.name, investorRole: person.investorRole }, {}),
  });
}
