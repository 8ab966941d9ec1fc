import { Types } from 'mongoose';
import { computedKey, readComputed, readComputedIds } from '../lib/computed.service.js';
import { keysetPage } from '../lib/keyset.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
// Read-only joins for the profile page ("rounds it joined"): separate queries, since the database subset has no $lookup.
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { FirmModel } from '../../models/firm.model.js';
import type { InvestorType } from '../../models/enums.js';
import { Conflict, NotFound } from '../lib/app-error.js';
import { refreshMatchCopies } from '../matches/index.js';
import { isDuplicateKey } from '../db/db-errors.js';
import { createOnce } from '../lib/create-once.js';
import { nameIn, sortKeyIn, UNWALKABLE_IN_SORT_KEY, type Named } from '../lib/names.js';
import { appendAuditEntries, recordAudit, diffFields, editConflictSince, type Actor } from '../audit/index.js';
import { atVersion, nextVersion, splitSetUnset, versionOf } from '../lib/edit-conflict.js';
import type { InvestorInput, UpdateInvestorInput } from './investors.schemas.js';
import { toInvestorRecord } from './investor-mapping.js';

const INVESTOR_PAGE_SIZE = 25;

type AuditChanges = ReturnType<typeof diffFields>;

// The fields a person edits on the form (nameKey is derived from them); the thesis is compared field by field.
const EDITABLE_FIELDS = ['nameKo', 'nameEn', 'type', 'website', 'bifcBased', 'thesis'] as const;

export type InvestorOption = { _id: string; nameKo?: string; nameEn?: string };

export type InvestorFilters = {
  q?: string;
  type?: InvestorType;
  bifc?: boolean;
  archived?: boolean;
  after?: string;
  before?: string;
};

type InvestorRow = {
  _id: string;
  nameKo?: string;
  nameEn?: string;
  nameKey: string;
  type: InvestorType;
  bifcBased: boolean;
  archived: boolean;
  roundCount: number;
};

export type JoinedRound = {
  _id: string;
  firmId: string;
  firmNameKo?: string;
  firmNameEn?: string;
  stage: string;
  status: string;
  day?: string;
  amountKrw?: number;
  lead: boolean;
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Investors are known by their English name (Korean when there is none): the unique, case-insensitive name key.
export const nameKeyOf = (input: Named) => sortKeyIn(input, 'en');

const nameTakenIn = (field: 'nameEn' | 'nameKo') =>
  Conflict('investor name taken', { [field]: ['investors.errors.duplicate'] });
const duplicateName = (input: { nameEn?: string }) => nameTakenIn(input.nameEn ? 'nameEn' : 'nameKo');

// The stored shape of the form's fields (empty optional fields are unset, not stored as '').
const fieldsOf = (input: InvestorInput) => toInvestorRecord(input);

const pick = (o: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(fields.map((f) => [f, o[f]]));

// The audit log labels an investor by the name it is known by (see nameKeyOf).
const auditLabelOf = (o: Named) => nameIn(o, 'en');

// Every non-archived organisation for the select boxes (the round form's participants, a firm's TIPS operator, an
// investor user's organisation, the sharing form), sorted by name: a form that left one out could never name it (the
// cap of 1,000 hid 800 of the 1,800 at ten times the town's size). Kept by the computed pattern, so a form reads one
// document, not every organisation. The bound only guards memory; a town of that many investors needs a search picker.
const INVESTOR_OPTIONS_LIMIT = 10_000;

export function investorOptions(): Promise<InvestorOption[]> {
  return readComputed('investors', 'options', async () => {
    const rows = await InvestorOrgModel.find({ archived: false }, { nameKo: 1, nameEn: 1 })
      .sort({ nameKey: 1 })
      .limit(INVESTOR_OPTIONS_LIMIT)
      .lean();
    return rows.map((r) => ({ _id: String(r._id), nameKo: r.nameKo ?? undefined, nameEn: r.nameEn ?? undefined }));
  });
}

// Names of the given organisations (archived too), for showing participants elsewhere.
export async function investorNames(ids: string[]): Promise<InvestorOption[]> {
  const valid = [...new Set(ids)].filter((id) => Types.ObjectId.isValid(id)).slice(0, 1000);
  if (!valid.length) return [];
  const rows = await InvestorOrgModel.find({ _id: { $in: valid } }, { nameKo: 1, nameEn: 1 }).lean();
  return rows.map((r) => ({ _id: String(r._id), nameKo: r.nameKo ?? undefined, nameEn: r.nameEn ?? undefined }));
}

// One page of the list, keyset-paginated on (nameKey, _id) like every list (server/lib/keyset.ts).
// The list's filter (the page and the CSV export alike).
function investorFilter(f: InvestorFilters) {
  const and: Record<string, unknown>[] = [];
  if (!f.archived) and.push({ archived: false });
  // Any part of the Korean or the English name ("벤처" finds BNK벤처투자). Investor organisations number in the hundreds,
  // so an unanchored regex over the page's sort index is cheap; firms, which may be 100,000, use prefix tokens instead.
  if (f.q) {
    const part = escapeRegex(f.q.trim());
    and.push({ $or: [{ nameKo: { $regex: part, $options: 'i' } }, { nameEn: { $regex: part, $options: 'i' } }] });
  }
  if (f.type) and.push({ type: f.type });
  if (f.bifc !== undefined) and.push({ bifcBased: f.bifc ? true : { $ne: true } });
  return and.length ? { $and: and } : {};
}

// A page of the list (its rows with their rounds joined, and cursors) is kept by the computed pattern until an
// organisation or a round changes: coming back to the list or paging it again reads one document by _id instead of
// the organisations in name order and their round counts. The key carries the shape's number (bump it when InvestorRow
// changes) and the filters.
const KEPT_PAGE_SHAPE = 1;

export function listInvestors(f: InvestorFilters, pageSize = INVESTOR_PAGE_SIZE) {
  return readComputed(['investors', 'rounds'], computedKey(`list-page:${KEPT_PAGE_SHAPE}`, { f, pageSize }), () =>
    readListPage(f, pageSize),
  );
}

async function readListPage(f: InvestorFilters, pageSize: number) {
  const filter = investorFilter(f);
  type ListRow = {
    _id: Types.ObjectId;
    nameKo?: string | null;
    nameEn?: string | null;
    nameKey: string;
    type: string;
    bifcBased?: boolean | null;
    archived?: boolean | null;
  };
  const {
    rows: page,
    next,
    prev,
  } = await keysetPage<ListRow>({
    field: 'nameKey',
    kind: 'string',
    dir: 1,
    after: f.after,
    before: f.before,
    size: pageSize,
    valueOf: (r) => r.nameKey,
    find: (cursorFilter, sort, limit) =>
      InvestorOrgModel.find(cursorFilter ? { $and: [filter, cursorFilter] } : filter, {
        nameKo: 1,
        nameEn: 1,
        nameKey: 1,
        type: 1,
        bifcBased: 1,
        archived: 1,
      })
        .sort(sort)
        .limit(limit)
        .lean<ListRow[]>(),
  });
  const counts = await roundCounts(page.map((r) => r._id));
  const items: InvestorRow[] = page.map((r) => ({
    _id: String(r._id),
    nameKo: r.nameKo ?? undefined,
    nameEn: r.nameEn ?? undefined,
    nameKey: r.nameKey,
    type: r.type as InvestorType,
    bifcBased: Boolean(r.bifcBased),
    archived: Boolean(r.archived),
    roundCount: counts.get(String(r._id)) ?? 0,
  }));
  return { items, next, prev };
}

// Every organisation of the list's filters in its order (name key), streamed for the CSV export.
export function investorsCursor(f: InvestorFilters) {
  return InvestorOrgModel.find(investorFilter({ ...f, after: undefined, before: undefined }))
    .sort({ nameKey: 1, _id: 1 })
    .lean()
    .cursor({ batchSize: 500 });
}

// Rounds joined per organisation, for one page of ids: kept per page by the computed pattern until a round changes
// (models/computed.model.ts), counted by one aggregation over the {participants.investor} index.
async function roundCounts(ids: Types.ObjectId[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const key = computedKey('joined', ids.map(String).sort());
  const counts = await readComputed('rounds', key, async () => Object.fromEntries(await countRounds(ids)));
  return new Map(Object.entries(counts));
}

async function countRounds(ids: Types.ObjectId[]): Promise<Map<string, number>> {
  const rows = await FundingRoundModel.aggregate<{ _id: Types.ObjectId; rounds: number }>([
    { $match: { 'participants.investor': { $in: ids } } },
    { $unwind: '$participants' },
    { $match: { 'participants.investor': { $in: ids } } },
    // Once per (investor, round), so a round listing an organisation twice still counts once.
    { $group: { _id: { investor: '$participants.investor', round: '$_id' } } },
    { $group: { _id: '$_id.investor', rounds: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [String(r._id), r.rounds]));
}

export async function getInvestor(id: string) {
  const org = await InvestorOrgModel.findById(id).lean();
  if (!org) throw NotFound('investor');
  return org;
}

// The funding rounds an organisation took part in, newest first, with the firm names (a second query by _id). Which
// rounds those are is kept per organisation by the computed pattern until a round changes: {participants.investor} is
// an index of an array on MongoDB, but the embedded database reads every round to find them; the rounds are then read
// by _id.
export async function roundsJoined(investorId: string, limit = 200): Promise<JoinedRound[]> {
  const ids = await readComputedIds('rounds', `joined-by:${investorId}`, () =>
    FundingRoundModel.find({ 'participants.investor': investorId }, { _id: 1 }).limit(limit).lean(),
  );
  const rounds = ids.length
    ? await FundingRoundModel.find(
        { _id: { $in: ids } },
        { firm: 1, stage: 1, status: 1, closedOn: 1, announcedOn: 1, participants: 1 },
      )
        .batchSize(ids.length + 1)
        .lean()
    : [];
  const firmIds = [...new Set(rounds.map((r) => String(r.firm)))];
  const firms = firmIds.length ? await FirmModel.find({ _id: { $in: firmIds } }, { nameKo: 1, nameEn: 1 }).lean() : [];
  const firmById = new Map(firms.map((f) => [String(f._id), f]));
  const joined = rounds.map((r) => {
    const mine = r.participants.filter((p) => String(p.investor) === investorId);
    const amounts = mine.map((p) => p.amountKrw).filter((a): a is number => typeof a === 'number');
    const firm = firmById.get(String(r.firm));
    return {
      _id: String(r._id),
      firmId: String(r.firm),
      firmNameKo: firm?.nameKo ?? undefined,
      firmNameEn: firm?.nameEn ?? undefined,
      stage: r.stage,
      status: r.status,
      day: r.closedOn || r.announcedOn || undefined,
      amountKrw: amounts.length ? amounts.reduce((s, a) => s + a, 0) : undefined,
      lead: mine.some((p) => p.lead),
    };
  });
  // Sorted here (bounded by `limit`): dates are calendar strings, so string order is date order; undated last.
  return joined.sort((a, b) => (b.day ?? '').localeCompare(a.day ?? '') || b._id.localeCompare(a._id));
}

// newId: the id the new-organisation form was given (lib/create-once.ts): the same form sent twice creates one
// organisation; undefined for the second (which meets its own organisation before its name, taken by the first).
export async function createInvestor(input: InvestorInput, actor: Actor, opts: { importId?: Types.ObjectId } = {}) {
  const { newId } = input;
  if (newId && (await InvestorOrgModel.exists({ _id: newId }))) return undefined;
  const nameKey = nameKeyOf(input);
  if (await InvestorOrgModel.exists({ nameKey })) throw duplicateName(input);
  let org;
  try {
    org = await createOnce(InvestorOrgModel, newId, (id) =>
      InvestorOrgModel.create({ ...id, ...fieldsOf(input), nameKey, archived: false, importId: opts.importId }),
    );
  } catch (err) {
    if (isDuplicateKey(err)) throw duplicateName(input); // lost a race with another create
    throw err;
  }
  if (!org) return undefined;
  await recordAudit({
    actor,
    entity: 'investor',
    entityId: org._id,
    entityLabel: auditLabelOf(org),
    action: 'create',
    changes: diffFields({}, pick(org.toObject(), EDITABLE_FIELDS)),
    version: org.__v ?? 0,
    importId: opts.importId,
  });
  return org;
}

// Many organisations at once (a CSV import's chunk), with the ids the caller chose (its journal holds them first):
// the new ones by one insertMany, the updates by one bulkWrite addressed by _id alone (FerretDB reads the whole
// collection for any other filter) with each version checked after the write, and the audit entries by one bulk
// append. The rows were checked against the stored names; a name taken meanwhile fails the write (unique index), as
// does an organisation edited by someone else since `version` was read. A failure leaves the undo to the caller.
// A bulk write that meets a stored name (the unique index on nameKey) fails as a name taken, whichever row it was.
async function orNameTaken<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isDuplicateKey(err)) throw nameTakenIn('nameEn');
    throw err;
  }
}

export type InvestorWrite = { id: Types.ObjectId } & (
  { create: InvestorInput } | { update: UpdateInvestorInput; version: number; stored: Record<string, unknown> }
);
export async function writeInvestors(
  rows: readonly InvestorWrite[],
  actor: Actor,
  opts: { importId?: Types.ObjectId } = {},
): Promise<void> {
  const audit = (
    org: Record<string, unknown> & Named,
    action: 'create' | 'update',
    changes: AuditChanges,
    v: number,
  ) => ({
    actor,
    entity: 'investor' as const,
    entityId: org._id as Types.ObjectId,
    entityLabel: auditLabelOf(org),
    action,
    changes,
    version: v,
    importId: opts.importId,
  });
  const creates = rows.flatMap((r) => ('create' in r ? [r] : []));
  if (creates.length) {
    const docs = creates.map(({ id, create }) => ({
      _id: id,
      ...fieldsOf(create),
      nameKey: nameKeyOf(create),
      archived: false,
      importId: opts.importId,
    }));
    const inserted = await orNameTaken(InvestorOrgModel.insertMany(docs, { ordered: true }));
    await appendAuditEntries(
      inserted.map((org) => audit(org.toObject(), 'create', diffFields({}, pick(org.toObject(), EDITABLE_FIELDS)), 0)),
    );
  }
  const updates = rows.flatMap((r) => ('update' in r ? [r] : []));
  if (!updates.length) return;
  const now = new Date();
  const written = updates.map(({ id, update, version, stored }) => {
    const after = fieldsOf(update);
    const { $set, $unset } = splitSetUnset({ ...after, nameKey: nameKeyOf(update) });
    return {
      id,
      version,
      entry: audit({ ...after, _id: id }, 'update', diffFields(pick(stored, EDITABLE_FIELDS), after), version + 1),
      op: {
        updateOne: {
          filter: { _id: id },
          update: nextVersion({ ...$set, updatedAt: now }, $unset),
          timestamps: false,
        },
      },
    };
  });
  await orNameTaken(
    InvestorOrgModel.bulkWrite(
      written.map((w) => w.op),
      { ordered: true },
    ),
  );
  // Optimistic concurrency, checked after the write: each organisation at the version read + 1 and with this write's
  // time; the ones that are were written by this call.
  const after = new Map(
    (await InvestorOrgModel.find({ _id: { $in: written.map((w) => w.id) } }, { __v: 1, updatedAt: 1 }).lean()).map(
      (o) => [String(o._id), o],
    ),
  );
  const ours = written.filter((w) => {
    const o = after.get(String(w.id));
    return o?.__v === w.version + 1 && o.updatedAt?.getTime() === now.getTime();
  });
  await appendAuditEntries(ours.map((w) => w.entry));
  await refreshMatchCopies({ investors: ours.map((w) => w.id) });
  if (ours.length < written.length) throw Conflict('investor edited by someone else meanwhile');
}

// Saves only while the organisation is at the version the editor loaded (`_version`; without one, as stored now),
// moving it to the next; otherwise an edit conflict (server/lib/edit-conflict.ts). A save that changes nothing writes nothing.
// (`saved` is always true: a conflict is thrown. The CSV import reads it.)
export async function updateInvestor(
  id: string,
  input: UpdateInvestorInput,
  actor: Actor,
  opts: { importId?: Types.ObjectId } = {},
) {
  const before = await getInvestor(id);
  const version = input._version ?? versionOf(before);
  if (version !== versionOf(before)) throw await editConflictSince(id, version);
  const after = fieldsOf(input);
  const changes = diffFields(pick(before, EDITABLE_FIELDS), after);
  if (!changes.length) return { saved: true as const, version };
  const nameKey = nameKeyOf(input);
  if (nameKey !== before.nameKey && (await InvestorOrgModel.exists({ nameKey, _id: { $ne: before._id } })))
    throw duplicateName(input);
  const { $set, $unset } = splitSetUnset({ ...after, nameKey });
  let saved;
  try {
    saved = await InvestorOrgModel.findOneAndUpdate({ _id: id, ...atVersion(version) }, nextVersion($set, $unset), {
      returnDocument: 'after',
    }).lean();
  } catch (err) {
    if (isDuplicateKey(err)) throw duplicateName(input);
    throw err;
  }
  if (!saved) throw await editConflictSince(id, version);
  await recordAudit({
    actor,
    entity: 'investor',
    entityId: saved._id,
    entityLabel: auditLabelOf(saved),
    action: 'update',
    changes,
    version: versionOf(saved),
    importId: opts.importId,
  });
  if (changes.some((c) => c.field === 'type')) await refreshMatchCopies({ investors: [saved._id] });
  return { saved: true as const, version: versionOf(saved) };
}

export async function archiveInvestor(id: string, actor: Actor) {
  return setArchived(id, true, actor);
}

export async function restoreInvestor(id: string, actor: Actor) {
  return setArchived(id, false, actor);
}

// Archive or restore; a no-op (false) when it already is in that state.
async function setArchived(id: string, archived: boolean, actor: Actor): Promise<boolean> {
  const before = await getInvestor(id);
  const update = archived
    ? { $set: { archived: true, archivedAt: new Date() }, $inc: { __v: 1 } }
    : { $set: { archived: false }, $unset: { archivedAt: 1 }, $inc: { __v: 1 } };
  const saved = await InvestorOrgModel.findOneAndUpdate(
    { _id: id, archived: archived ? { $ne: true } : true },
    update,
    { returnDocument: 'after' },
  ).lean();
  if (!saved) return false;
  await recordAudit({
    actor,
    entity: 'investor',
    entityId: saved._id,
    entityLabel: auditLabelOf(saved),
    action: archived ? 'archive' : 'restore',
    changes: diffFields(
      { archived: before.archived, archivedAt: before.archivedAt },
      { archived: saved.archived, archivedAt: saved.archivedAt },
    ),
    version: saved.__v ?? 0,
  });
  return true;
}

// Start-up upkeep: name keys stored before they mapped spaces and escaped characters to `#` (sortKeyIn) are rewritten,
// so the list's order walks its index and a new name is compared with keys of the same form. A key that would clash
// with another organisation's (two names differing only in such characters) is left as it is and counted apart.
export async function backfillNameKeys(): Promise<{ updated: number; clashes: number }> {
  let updated = 0;
  let clashes = 0;
  for await (const o of InvestorOrgModel.find({ nameKey: UNWALKABLE_IN_SORT_KEY }, { nameKo: 1, nameEn: 1 })
    .lean()
    .cursor()) {
    try {
      await InvestorOrgModel.updateOne({ _id: o._id }, { $set: { nameKey: nameKeyOf(o) } });
      updated += 1;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      clashes += 1;
    }
  }
  return { updated, clashes };
}
