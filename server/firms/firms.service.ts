import { Types } from 'mongoose';
import { createOnce } from '../lib/create-once.js';
import { unlinkEveryoneFrom } from '../people/index.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { NoteModel } from '../../models/note.model.js';
import type { FirmStatus } from '../../models/enums.js';
import { AppError, Conflict, NotFound } from '../lib/app-error.js';
import { isDuplicateKey } from '../db/db-errors.js';
import { atVersion, nextVersion, splitSetUnset, versionOf } from '../lib/edit-conflict.js';
import { seoulToday } from '../lib/dates.js';
import { wonSortKey } from '../lib/money.js';
import { recordAudit, diffFields, flatten, editConflictSince, type Actor } from '../audit/index.js';
import { refreshReportMonths } from '../reports/index.js';
import { refreshMatchCopies } from '../matches/index.js';
import { canMoveStatus, derivedFirmFields } from './firm-rules.js';
import { nameIn, UNWALKABLE_IN_SORT_KEY } from '../lib/names.js';
import { toFirmRecord } from './firm-mapping.js';
import type { CreateFirmInput, StatusChangeInput, UpdateFirmInput } from './firms.schemas.js';

// Fields that are derived or internal: not shown as "changes" in the audit log.
const HIDDEN = new Set(['sortName', 'sortNameKo', 'searchTokens', 'tips.status']);
const visibleChanges = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  diffFields(before, after).filter((c) => !HIDDEN.has(c.field));

export async function getFirm(id: string) {
  const firm = await FirmModel.findById(id).lean();
  if (!firm) throw NotFound('firm');
  return firm;
}

const brnTaken = () => Conflict('duplicate registration number', { brn: ['firms.errors.brnTaken'] });

export async function createFirm(
  input: CreateFirmInput,
  actor: Actor | null,
  opts: { importId?: Types.ObjectId } = {},
) {
  // Without a form's id there is nothing to meet twice: always created.
  return (await createFirmOnce({ ...input, newId: undefined }, actor, opts))!;
}

// newId: the id the new-firm form was given (lib/create-once.ts): the same form sent twice registers one firm;
// undefined for the second.
export async function createFirmOnce(
  input: CreateFirmInput,
  actor: Actor | null,
  opts: { importId?: Types.ObjectId } = {},
) {
  const { status, _csrf, newId, ...fields } = input;
  const record = toFirmRecord(fields);
  const today = seoulToday();
  const now = new Date();
  const history = [{ status: 'applicant' as FirmStatus, on: today, at: now, by: actor?.id, byEmail: actor?.email }];
  if (status !== 'applicant') history.push({ status, on: today, at: now, by: actor?.id, byEmail: actor?.email });
  let firm;
  try {
    firm = await createOnce(FirmModel, newId, (id) =>
      FirmModel.create({
        ...id,
        ...record,
        status,
        statusHistory: history,
        lastActivityAt: now,
        importId: opts.importId,
      }),
    );
  } catch (err) {
    if (isDuplicateKey(err)) throw brnTaken();
    throw err;
  }
  if (!firm) return undefined;
  await recordAudit({
    actor,
    entity: 'firm',
    entityId: firm._id,
    firm: firm._id,
    entityLabel: nameIn(firm, 'ko'),
    action: 'create',
    version: firm.__v,
    changes: visibleChanges({}, flatten({ ...record, status })),
    importId: opts.importId,
  });
  await refreshReportMonths(firm._id);
  return firm;
}

// Saves only while the firm is at the version the editor loaded (`_version`; without one, as stored now), moving it to
// the next; otherwise an edit conflict (server/lib/edit-conflict.ts). A save that changes nothing writes nothing.
export async function updateFirm(
  id: string,
  input: UpdateFirmInput,
  actor: Actor | null,
  opts: { importId?: Types.ObjectId } = {},
) {
  const { _version, _csrf, _base, ...fields } = input;
  const before = await getFirm(id);
  const version = _version ?? versionOf(before);
  if (version !== versionOf(before)) throw await editConflictSince(id, version);
  const record = toFirmRecord(fields);
  if (!visibleChanges(flatten(pick(before, record)), flatten(record)).length)
    return { firm: before, before, changes: [] };
  const { $set, $unset } = splitSetUnset(record);
  let updated;
  try {
    updated = await FirmModel.findOneAndUpdate(
      { _id: id, ...atVersion(version) },
      nextVersion({ ...$set, lastActivityAt: new Date() }, $unset),
      { returnDocument: 'after' },
    ).lean();
  } catch (err) {
    if (isDuplicateKey(err)) throw brnTaken();
    throw err;
  }
  if (!updated) throw await editConflictSince(id, version);
  const changes = visibleChanges(flatten(pick(before, record)), flatten(pick(updated, record)));
  if (changes.length) {
    await recordAudit({
      actor,
      entity: 'firm',
      entityId: before._id,
      firm: before._id,
      entityLabel: nameIn(updated, 'ko'),
      action: 'update',
      changes,
      version: updated.__v,
      importId: opts.importId,
    });
  }
  await refreshReportMonths(before._id);
  if (changes.some((c) => c.field === 'sectorPrimary')) await refreshMatchCopies({ firms: [before._id] });
  return { firm: updated, before, changes };
}

// The stored values for just the keys the form edits (nested where the record is nested).
function pick(doc: Record<string, unknown>, shape: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(shape)) {
    const stored = doc[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && !('toHexString' in v)
        ? pick((stored ?? {}) as Record<string, unknown>, v as Record<string, unknown>)
        : stored;
  }
  return out;
}

export async function changeStatus(id: string, input: StatusChangeInput, actor: Actor) {
  const firm = await getFirm(id);
  if (!canMoveStatus(firm.status, input.status)) {
    throw Conflict('status move not allowed', { status: ['firms.errors.statusMove'] });
  }
  if (firm.status === input.status) return firm;
  const lastOn = firm.statusHistory.at(-1)?.on;
  if (lastOn && input.on < lastOn)
    throw Conflict('status date before previous', { on: ['firms.errors.statusDateOrder'] });
  // Reports count residency by these days: a change cannot take effect in the future.
  if (input.on > seoulToday()) throw Conflict('status date in the future', { on: ['firms.errors.statusFuture'] });
  const entry = {
    status: input.status,
    on: input.on,
    at: new Date(),
    by: new Types.ObjectId(actor.id),
    byEmail: actor.email,
    note: input.note,
  };
  const set: Record<string, unknown> = { status: input.status, lastActivityAt: new Date() };
  // Residency dates follow the pipeline unless staff already set them.
  if (input.status === 'resident' && !firm.residency?.start) set['residency.start'] = input.on;
  if (['graduated', 'exited', 'withdrawn'].includes(input.status) && firm.residency?.start && !firm.residency?.end)
    set['residency.end'] = input.on;
  // Guarded on the status the user saw (other edits to the firm don't make the move wrong).
  const updated = await FirmModel.findOneAndUpdate(
    { _id: id, status: firm.status },
    { $set: set, $push: { statusHistory: entry }, $inc: { __v: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw Conflict('status changed meanwhile', { status: ['firms.errors.statusRace'] });
  await recordAudit({
    actor,
    entity: 'firm',
    entityId: firm._id,
    firm: firm._id,
    entityLabel: nameIn(firm, 'ko'),
    action: 'status',
    version: updated.__v,
    changes: [
      { field: 'status', before: firm.status, after: input.status },
      ...(input.note ? [{ field: 'note', before: null, after: input.note }] : []),
    ],
  });
  await refreshReportMonths(firm._id);
  return updated;
}

export async function setArchived(id: string, archived: boolean, actor: Actor) {
  const firm = await getFirm(id);
  if (firm.archived === archived) return;
  const updated = await FirmModel.findOneAndUpdate(
    { _id: id },
    archived
      ? { $set: { archived: true, archivedAt: new Date() }, $inc: { __v: 1 } }
      : { $set: { archived: false }, $unset: { archivedAt: 1 }, $inc: { __v: 1 } },
    { returnDocument: 'after' },
  ).lean();
  await recordAudit({
    actor,
    entity: 'firm',
    entityId: firm._id,
    firm: firm._id,
    entityLabel: nameIn(firm, 'ko'),
    action: archived ? 'archive' : 'restore',
    version: updated?.__v,
    changes: [{ field: 'archived', before: firm.archived, after: archived }],
  });
}

export const HAS_ROUNDS = 'has_rounds';
export type HasRoundsDetails = { rounds: number };

// Permanent deletion (admins): refused while the firm has rounds; its notes and people links go with it.
export async function deleteFirm(id: string, actor: Actor) {
  const firm = await getFirm(id);
  const rounds = await FundingRoundModel.countDocuments({ firm: id });
  if (rounds > 0) throw new AppError(409, HAS_ROUNDS, 'firm has rounds', { rounds } satisfies HasRoundsDetails);
  await recordAudit({
    actor,
    entity: 'firm',
    entityId: firm._id,
    firm: firm._id,
    entityLabel: nameIn(firm, 'ko'),
    action: 'delete',
    changes: visibleChanges(flatten(firm), {}).filter(
      (c) => !c.field.startsWith('statusHistory') && !['_id', '__v', 'createdAt', 'updatedAt'].includes(c.field),
    ),
  });
  await NoteModel.deleteMany({ firm: id });
  await unlinkEveryoneFrom(id);
  await FirmModel.deleteOne({ _id: id });
  await refreshReportMonths(id);
}

// newId: the id the note form was given (lib/create-once.ts); undefined when that note was added already.
export async function addNote(firmId: string, body: string, actor: Actor, newId?: string) {
  const firm = await getFirm(firmId);
  const note = await createOnce(NoteModel, newId, (id) =>
    NoteModel.create({ ...id, firm: firm._id, body, by: actor.id, byEmail: actor.email }),
  );
  if (!note) return undefined;
  await FirmModel.updateOne({ _id: firm._id }, { $set: { lastActivityAt: new Date() } });
  await recordAudit({
    actor,
    entity: 'note',
    entityId: note._id,
    firm: firm._id,
    entityLabel: nameIn(firm, 'ko'),
    action: 'create',
    changes: [{ field: 'body', before: null, after: body }],
  });
  return note;
}

// Start-up upkeep for records written before a derived field existed, or with sort keys from before they mapped spaces
// and escaped characters to `#` (idempotent; touches only what needs it). Answers how many firms it rewrote.
export async function backfillDerivedFields(): Promise<number> {
  const touched = new Set<string>();
  for await (const f of FirmModel.find(
    {
      $or: [
        { sortNameKo: { $exists: false } },
        { sortName: UNWALKABLE_IN_SORT_KEY },
        { sortNameKo: UNWALKABLE_IN_SORT_KEY },
      ],
    },
    { nameKo: 1, nameEn: 1, pitch: 1, tags: 1, brn: 1, tips: 1 },
  )
    .lean()
    .cursor()) {
    await FirmModel.updateOne({ _id: f._id }, { $set: derivedFirmFields(f) });
    touched.add(String(f._id));
  }
  // Totals recomputed before they carried the list's sort key for the amount raised.
  for await (const f of FirmModel.find({ 'totals.raisedKey': { $exists: false } }, { 'totals.raisedKrw': 1 })
    .lean<{ _id: Types.ObjectId; totals?: { raisedKrw?: number } }[]>()
    .cursor()) {
    await FirmModel.updateOne({ _id: f._id }, { $set: { 'totals.raisedKey': wonSortKey(f.totals?.raisedKrw ?? 0) } });
    touched.add(String(f._id));
  }
  return touched.size;
}
