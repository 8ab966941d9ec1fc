import type { Types } from 'mongoose';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { investorNames } from '../investors/index.js';
import { NotFound, Conflict } from '../lib/app-error.js';
import { createOnce } from '../lib/create-once.js';
import { nameIn } from '../lib/names.js';
import { groupBy } from '../lib/group-by.js';
import { appendAuditEntries, recordAudit, diffFields, flatten, editConflictSince, type Actor } from '../audit/index.js';
import { refreshReportMonths } from '../reports/index.js';
import { atVersion, nextVersion, splitSetUnset, versionOf } from '../lib/edit-conflict.js';
import { computeFirmTotals, checkParticipants } from './round-rules.js';
import type { RoundInput } from './rounds.schemas.js';
import { toRoundRecord } from './round-mapping.js';

// Newest first by the round's own date (closing, else announcement); undated planned rounds on top.
export async function roundsOfFirm(firmId: string) {
  const rounds = await FundingRoundModel.find({ firm: firmId }).limit(500).lean();
  const day = (r: (typeof rounds)[number]) => r.closedOn || r.announcedOn || '9999';
  return rounds.sort((a, b) => day(b).localeCompare(day(a)) || String(b._id).localeCompare(String(a._id)));
}

// A round is reached through its firm: /firms/<A>/rounds/<id> of a round of firm B is a 404.
export async function getRound(firmId: string, roundId: string) {
  const round = await FundingRoundModel.findOne({ _id: roundId, firm: firmId }).lean();
  if (!round) throw NotFound('round');
  return round;
}

// Totals are recomputed from all of the firm's rounds after every change: idempotent, right whatever order edits arrive in.
export async function recomputeFirmTotals(firmId: string | Types.ObjectId): Promise<void> {
  await recomputeTotalsOf([String(firmId)]);
  // Every round write ends here: the reports' monthly summaries follow (capital raised by quarter and stage).
  await refreshReportMonths(firmId);
}

// The totals of many firms at once (an import's firms, at its end): one read of their rounds and one bulk write per
// TOTALS_BATCH firms, instead of a read and a write per firm. The caller refreshes their monthly report summaries.
const TOTALS_BATCH = 500;
export async function recomputeTotalsOf(firmIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(firmIds)];
  for (let i = 0; i < ids.length; i += TOTALS_BATCH) {
    const batch = ids.slice(i, i + TOTALS_BATCH);
    const rounds = await FundingRoundModel.find(
      { firm: { $in: batch } },
      { firm: 1, status: 1, stage: 1, amountKrw: 1, preMoneyKrw: 1, closedOn: 1, announcedOn: 1 },
    ).lean();
    const byFirm = groupBy(rounds, (r) => String(r.firm));
    const now = new Date();
    await FirmModel.bulkWrite(
      batch.map((id) => ({
        updateOne: {
          filter: { _id: id },
          update: { $set: { totals: computeFirmTotals(byFirm.get(id) ?? []), lastActivityAt: now } },
        },
      })),
      { ordered: false },
    );
  }
}

async function assertInvestorsExist(ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = await investorNames(ids);
  if (found.length !== new Set(ids).size)
    throw Conflict('unknown investor', { participants: ['rounds.errors.unknownInvestor'] });
}

type Participants = { investor: unknown; amountKrw?: number | null; lead?: boolean | null }[];

// Participants are kept in the audit log as { investor, amountKrw, lead }: the log's page names each investor in the
// page's language and formats the amount (server/audit/audit-display.ts).
const auditedParticipants = (l: Participants) =>
  l.map((p) => ({ investor: String(p.investor), amountKrw: p.amountKrw ?? null, lead: Boolean(p.lead) }));

const AUDIT_OMIT = new Set(['_id', '__v', 'firm', 'createdAt', 'updatedAt', 'importId']);
function roundChanges(before: { participants?: Participants | null }, after: { participants?: Participants | null }) {
  const shape = ({ participants, ...rest }: { participants?: Participants | null }) => ({
    ...flatten(rest),
    participants: auditedParticipants(participants ?? []),
  });
  return diffFields(shape(before), shape(after)).filter((c) => !AUDIT_OMIT.has(c.field));
}

export async function createRound(firmId: string, input: RoundInput, actor: Actor | null) {
  // Without a form's id there is nothing to meet twice: always created.
  return (await createRoundOnce(firmId, input, actor, undefined))!;
}

// newId: the id the form was given for this round (lib/create-once.ts): the same form sent twice records one round,
// its totals once; undefined for the second.
export async function createRoundOnce(
  firmId: string,
  input: RoundInput,
  actor: Actor | null,
  newId: string | undefined,
) {
  const firm = await FirmModel.findById(firmId, { nameKo: 1, nameEn: 1 }).lean();
  if (!firm) throw NotFound('firm');
  const record = toRoundRecord(input);
  await assertInvestorsExist(record.participants.map((p) => p.investor));
  const round = await createOnce(FundingRoundModel, newId, (id) =>
    FundingRoundModel.create({ ...record, firm: firm._id, ...id }),
  );
  if (!round) return undefined;
  await recomputeFirmTotals(firm._id);
  await recordAudit({
    actor,
    entity: 'round',
    entityId: round._id,
    firm: firm._id,
    entityLabel: `${nameIn(firm, 'ko')} · ${input.stage}`,
    action: 'create',
    changes: roundChanges({}, record),
    version: versionOf(round),
  });
  return { round, warning: checkParticipants(record).warning };
}

// Many new rounds at once (a chunk of an import): their firms and investors checked with one query each, one insertMany
// with the ids the caller chose (journalled before the write), one bulk append of their audit entries. Totals are left
// to the caller (recomputeFirmTotals once per firm).
export async function createRounds(
  rows: readonly { id: Types.ObjectId; firmId: string; input: RoundInput }[],
  actor: Actor | null,
  opts: { importId?: Types.ObjectId } = {},
): Promise<void> {
  if (!rows.length) return;
  const firmIds = [...new Set(rows.map((r) => r.firmId))];
  const firms = new Map(
    (await FirmModel.find({ _id: { $in: firmIds } }, { nameKo: 1, nameEn: 1 }).lean()).map((f) => [String(f._id), f]),
  );
  if (firms.size !== firmIds.length) throw NotFound('firm');
  const records = rows.map((r) => ({ ...r, record: toRoundRecord(r.input) }));
  const investorIds = [...new Set(records.flatMap((r) => r.record.participants.map((p) => String(p.investor))))];
  for (let i = 0; i < investorIds.length; i += 1000) await assertInvestorsExist(investorIds.slice(i, i + 1000));
  await FundingRoundModel.insertMany(
    records.map((r) => ({ _id: r.id, ...r.record, firm: r.firmId, importId: opts.importId })),
    { ordered: true },
  );
  await appendAuditEntries(
    records.map((r) => ({
      actor,
      entity: 'round' as const,
      entityId: r.id,
      firm: firms.get(r.firmId)?._id,
      entityLabel: `${nameIn(firms.get(r.firmId), 'ko')} · ${r.input.stage}`,
      action: 'create' as const,
      changes: roundChanges({}, r.record),
      version: 0,
      importId: opts.importId,
    })),
  );
}

// Saves only while the round is at the version the editor loaded (`_version`; without one, as stored now), moving it to
// the next; otherwise an edit conflict (server/lib/edit-conflict.ts). A save that changes nothing writes nothing.
export async function updateRound(
  firmId: string,
  roundId: string,
  input: RoundInput & { _version?: number; _base?: string },
  actor: Actor | null,
  // An import leaves the firm's totals (and its monthly report summaries) to the end, once per firm: each recompute
  // reads the firm's rounds and its history.
  opts: { importId?: Types.ObjectId; totalsLater?: boolean } = {},
) {
  const { _version, _base, ...fields } = input;
  const before = await getRound(firmId, roundId);
  const version = _version ?? versionOf(before);
  if (version !== versionOf(before)) throw await editConflictSince(roundId, version);
  const record = toRoundRecord(fields);
  await assertInvestorsExist(record.participants.map((p) => p.investor));
  const changes = roundChanges(before, record);
  const warning = checkParticipants(record).warning;
  if (!changes.length) return { warning, changes };
  const { $set, $unset } = splitSetUnset(record);
  const saved = await FundingRoundModel.findOneAndUpdate(
    { _id: roundId, firm: before.firm, ...atVersion(version) },
    nextVersion($set, $unset),
    { returnDocument: 'after' },
  ).lean();
  if (!saved) throw await editConflictSince(roundId, version);
  if (!opts.totalsLater) await recomputeFirmTotals(before.firm);
  await recordAudit({
    actor,
    entity: 'round',
    entityId: before._id,
    firm: before.firm,
    entityLabel: input.stage,
    action: 'update',
    changes,
    version: versionOf(saved),
    importId: opts.importId,
  });
  return { warning, changes };
}

export async function deleteRound(firmId: string, roundId: string, actor: Actor) {
  const before = await getRound(firmId, roundId);
  await FundingRoundModel.deleteOne({ _id: roundId, firm: before.firm });
  await recomputeFirmTotals(before.firm);
  await recordAudit({
    actor,
    entity: 'round',
    entityId: before._id,
    firm: before.firm,
    entityLabel: before.stage,
    action: 'delete',
    changes: roundChanges(before, {}),
  });
}

// Every round (or one firm's) in insertion order, for the streamed CSV export.
export function roundsCursor(filter: { firm?: string } = {}) {
  return FundingRoundModel.find(filter.firm ? { firm: filter.firm } : {})
    .sort({ _id: 1 })
    .lean()
    .cursor({ batchSize: 500 });
}
