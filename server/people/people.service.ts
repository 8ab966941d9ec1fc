import { Types } from 'mongoose';
import { createOnce } from '../lib/create-once.js';
import { readComputedIds } from '../lib/computed.service.js';
import { byCodeUnits } from '../lib/names.js';
import { PersonModel } from '../../models/person.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { Conflict, NotFound } from '../lib/app-error.js';
import { isDuplicateKey } from '../db/db-errors.js';
import { recordAudit, diffFields, editConflictSince, type Actor } from '../audit/index.js';
import { atVersion, nextVersion, splitSetUnset, versionOf } from '../lib/edit-conflict.js';
import type { AddPersonInput, EditPersonInput } from './people.schemas.js';

export const emailTaken = () => Conflict('email taken', { email: ['people.errors.emailTaken'] });

// A firm's people by name. Who they are is kept per firm by the computed pattern until a person changes: {firms.firm} is
// an index of an array on MongoDB, but the embedded database reads every person to find them; they are then read by _id.
export async function peopleOfFirm(firmId: string) {
  const ids = await readComputedIds('people', `of-firm:${firmId}`, () =>
    PersonModel.find({ 'firms.firm': firmId }, { _id: 1 }).limit(200).lean(),
  );
  const people = ids.length ? await PersonModel.find({ _id: { $in: ids } }).lean() : [];
  // By name as MongoDB sorts (a read by _id is sorted here: a few people, no index to walk).
  return people.sort((a, b) => byCodeUnits(a.name, b.name));
}

// A person is one record however many firms they work with: an email already on file links that person instead of copying them.
export async function addPersonToFirm(firmId: string, input: AddPersonInput, actor: Actor) {
  const firm = await FirmModel.exists({ _id: firmId });
  if (!firm) throw NotFound('firm');
  const link = { firm: new Types.ObjectId(firmId), role: input.role };
  // The same form sent again (its newId, lib/create-once.ts): the person it added is there already.
  if (input.newId && (await PersonModel.exists({ _id: input.newId })))
    return { person: undefined, linkedExisting: false };
  const existing = input.email ? await PersonModel.findOne({ email: input.email }).lean() : null;
  if (existing) {
    if (existing.firms.some((f) => String(f.firm) === firmId))
      throw Conflict('already linked', { email: ['people.errors.alreadyLinked'] });
    await PersonModel.updateOne({ _id: existing._id }, { $push: { firms: link } });
    await recordAudit({
      actor,
      entity: 'person',
      entityId: existing._id,
      firm: firmId,
      entityLabel: existing.name,
      action: 'update',
      // The firm by its id (shown as its name) and the role as a field of its own (shown as its label): as one text
      // "id (role)" the history showed a raw id and an untranslated role.
      changes: [
        { field: 'firms', before: null, after: firmId },
        { field: 'role', before: null, after: input.role },
      ],
    });
    return { person: existing, linkedExisting: true };
  }
  const { _csrf, role, newId, ...fields } = input;
  let person;
  try {
    person = await createOnce(PersonModel, newId, (id) => PersonModel.create({ ...fields, ...id, firms: [link] }));
  } catch (err) {
    if (isDuplicateKey(err)) throw emailTaken();
    throw err;
  }
  if (!person) return { person: undefined, linkedExisting: false };
  await recordAudit({
    actor,
    entity: 'person',
    entityId: person._id,
    firm: firmId,
    entityLabel: person.name,
    action: 'create',
    changes: diffFields({}, { ...fields, role }),
    version: versionOf(person),
  });
  return { person, linkedExisting: false };
}

// A person is reached through a firm they are linked to: /firms/<A>/people/<id> of someone linked only to firm B is a 404.
export async function getPerson(firmId: string, personId: string) {
  const person = await PersonModel.findOne({ _id: personId, 'firms.firm': firmId }).lean();
  if (!person) throw NotFound('person');
  return person;
}

const PERSON_FIELDS = ['name', 'title', 'email', 'phone', 'linkedin'] as const;

type StoredPerson = Awaited<ReturnType<typeof getPerson>>;

// The one versioned save of a person, reached through what links them (a firm, an investor organisation: `scope`).
// Saves only while the person is at the version the editor loaded (`version`; without one, as stored now), moving them
// to the next; otherwise an edit conflict (server/lib/edit-conflict.ts). A save that changes nothing writes nothing.
export async function savePersonEdit(opts: {
  before: StoredPerson;
  scope: Record<string, string>;
  fields: Record<string, unknown>;
  editable: readonly (keyof StoredPerson)[];
  version: number | undefined;
  actor: Actor;
  firm?: string;
}): Promise<void> {
  const { before, fields, actor } = opts;
  const personId = String(before._id);
  const version = opts.version ?? versionOf(before);
  if (version !== versionOf(before)) throw await editConflictSince(personId, version);
  const changes = diffFields(Object.fromEntries(opts.editable.map((f) => [f, before[f]])), fields);
  if (!changes.length) return;
  const { $set, $unset } = splitSetUnset(fields);
  let saved;
  try {
    saved = await PersonModel.findOneAndUpdate(
      { _id: personId, ...opts.scope, ...atVersion(version) },
      nextVersion($set, $unset),
      { returnDocument: 'after' },
    ).lean();
  } catch (err) {
    if (isDuplicateKey(err)) throw emailTaken();
    throw err;
  }
  if (!saved) throw await editConflictSince(personId, version);
  await recordAudit({
    actor,
    entity: 'person',
    entityId: before._id,
    firm: opts.firm,
    entityLabel: before.name,
    action: 'update',
    changes,
    version: versionOf(saved),
  });
}

export async function editPerson(firmId: string, personId: string, input: EditPersonInput, actor: Actor) {
  const before = await getPerson(firmId, personId);
  const { _csrf, _version, _base, ...fields } = input;
  await savePersonEdit({
    before,
    scope: { 'firms.firm': firmId },
    fields,
    editable: PERSON_FIELDS,
    version: _version,
    actor,
    firm: firmId,
  });
}

// Removes people's links to a firm. FerretDB v1 ignores a condition in $pull ({firms: {firm}} removed nothing while the
// page said it had): each link is removed by its exact stored value with $pullAll, which both servers support and which
// leaves alone a link someone changed meanwhile.
async function pullLinksTo(firmId: string, people: { _id: unknown; firms: { firm: unknown }[] }[]): Promise<void> {
  const ops = people
    .map((p) => ({ _id: p._id, links: p.firms.filter((l) => String(l.firm) === firmId) }))
    .filter((p) => p.links.length)
    .map((p) => ({ updateOne: { filter: { _id: p._id }, update: { $pullAll: { firms: p.links } } } }));
  // Through the model: its write marks the kept figures built from people (a firm's people) stale.
  if (ops.length) await PersonModel.bulkWrite(ops);
}

// Every person's link to a firm that is being deleted.
export async function unlinkEveryoneFrom(firmId: string): Promise<void> {
  await pullLinksTo(firmId, await PersonModel.find({ 'firms.firm': firmId }, { firms: 1 }).lean());
}

export async function unlinkPerson(firmId: string, personId: string, actor: Actor) {
  const person = await getPerson(firmId, personId);
  await pullLinksTo(firmId, [person]);
  await FirmModel.updateOne({ _id: firmId, contactPerson: person._id }, { $unset: { contactPerson: 1 } });
  await recordAudit({
    actor,
    entity: 'person',
    entityId: person._id,
    firm: firmId,
    entityLabel: person.name,
    action: 'update',
    changes: [{ field: 'firms', before: firmId, after: null }],
  });
}
