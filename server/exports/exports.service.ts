import type { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import type { ImportKind } from '../../models/enums.js';
import { firmsCursor, type FirmListQuery, type ListLang } from '../firms/index.js';
import { roundsCursor } from '../rounds/index.js';
import { investorsCursor } from '../investors/index.js';
import { APP_VERSION } from '../lib/app-version.js';
import { computedKey, readComputedParts, type ComputedSource, type PartsSource } from '../lib/computed.service.js';
import { csvRuns } from '../lib/csv.js';
import { nameIn } from '../lib/names.js';
import type { Lang } from '../lib/money.js';
import {
  firmCellsOf,
  investorCellsOf,
  participantColumnCells,
  participantHeaderList,
  roundCellsOf,
  FIRM_COLUMNS,
  FIRM_READONLY_COLUMNS,
  INVESTOR_COLUMNS,
  ROUND_COLUMNS,
  type ParticipantHeaderMode,
} from '../imports/index.js';
import { exportColumns, labelledCells, type CsvColumn, type ExportMode } from './export-cells.js';

// Streamed CSV exports: a database cursor → rows → CSV → the response, with backpressure all the way, so memory stays
// flat however many rows there are; each file is kept written (below) until a record it shows is written. The columns
// are the import's (an export can be imported again) plus, for firms, read-only figures; headers and choices in the
// page's language, or as codes for re-import (export-cells.ts).

export const FIRM_EXPORT_COLUMNS = [...FIRM_COLUMNS, ...FIRM_READONLY_COLUMNS];
// Rounds: participants follow in column groups (participant1, participant1AmountKrw, participant1Lead, …), not in one
// "participants" cell.
export const ROUND_EXPORT_COLUMNS = ROUND_COLUMNS.filter((c) => c !== 'participants');
// Investors: the import's columns only (profile and thesis); funds are not in the flat file.
export const INVESTOR_EXPORT_COLUMNS = [...INVESTOR_COLUMNS];

type Row = Record<string, string>;
const s = (v: string | number | boolean | null | undefined) => (v === null || v === undefined ? '' : String(v));

const firmExportColumns = (mode: ExportMode) => exportColumns('firms', FIRM_EXPORT_COLUMNS, mode);
const investorExportColumns = (mode: ExportMode) => exportColumns('investors', INVESTOR_EXPORT_COLUMNS, mode);

const participantMode = (mode: ExportMode): ParticipantHeaderMode => (mode.format === 'codes' ? 'codes' : mode.lang);

// The round columns, then `width` participant groups (headers of the mode serve as the row keys too).
function roundExportColumns(mode: ExportMode, width: number): CsvColumn[] {
  return [
    ...exportColumns('rounds', ROUND_EXPORT_COLUMNS, mode),
    ...participantHeaderList(width, participantMode(mode)).map((h) => ({ key: h, header: h })),
  ];
}

type ExportedFirm = Parameters<typeof firmCellsOf>[0] & {
  status?: string | null;
  archived?: boolean | null;
  tips?: { status?: string | null; operator?: unknown } | null;
  contactPerson?: unknown;
  totals?: {
    raisedKrw?: number | null;
    roundCount?: number | null;
    lastRoundOn?: string | null;
    lastRoundStage?: string | null;
    lastRoundKrw?: number | null;
    lastValuationKrw?: number | null;
  } | null;
};

function firmExportRow(f: ExportedFirm): Row {
  return {
    ...firmCellsOf(f),
    status: s(f.status),
    tipsStatus: s(f.tips?.status),
    raisedKrw: s(f.totals?.raisedKrw ?? 0),
    roundCount: s(f.totals?.roundCount ?? 0),
    lastRoundOn: s(f.totals?.lastRoundOn),
    lastRoundStage: s(f.totals?.lastRoundStage),
    lastRoundKrw: s(f.totals?.lastRoundKrw),
    lastValuationKrw: s(f.totals?.lastValuationKrw),
    archived: f.archived ? 'true' : '',
  };
}

const BATCH = 500;
// Names looked up per batch of rows and remembered for the rest of the stream, up to a bound (then forgotten, so
// memory stays flat even with very many firms).
const CACHE_LIMIT = 20_000;

type NameCache<V> = Map<string, V>;

async function fillCache<V>(
  cache: NameCache<V>,
  ids: string[],
  load: (missing: Types.ObjectId[]) => Promise<[string, V][]>,
): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id) && Types.ObjectId.isValid(id));
  if (!missing.length) return;
  if (cache.size + missing.length > CACHE_LIMIT) cache.clear();
  for (const [id, v] of await load(missing.map((id) => new Types.ObjectId(id)))) cache.set(id, v);
}

// A cursor's documents in batches of at most BATCH (what the name look-ups work on).
async function* batches<T>(cursor: AsyncIterable<unknown>): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const doc of cursor) {
    batch.push(doc as T);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

const investorNames = (lang: Lang) => async (ids: Types.ObjectId[]) =>
  (await InvestorOrgModel.find({ _id: { $in: ids } }, { nameKo: 1, nameEn: 1 }).lean()).map(
    (i) => [String(i._id), nameIn(i, lang)] as [string, string],
  );

// A contact person as a person reads them and the import finds them again: "name <email>", or the name alone.
const personNames = async (ids: Types.ObjectId[]) =>
  (await PersonModel.find({ _id: { $in: ids } }, { name: 1, email: 1 }).lean()).map(
    (p) => [String(p._id), p.email ? `${p.name} <${p.email}>` : p.name] as [string, string],
  );

// The firms of the list page's filters, in its order (the page's keyset cursor does not apply to an export).
// In the list's order for the page language (Korean pages sort by the Korean name). With labels, the TIPS operator and
// the contact person are named instead of given by id.
async function* firmExportRows(
  query: FirmListQuery,
  lang: ListLang = 'en',
  mode: ExportMode = { format: 'codes', lang },
): AsyncGenerator<Row> {
  const cursor = firmsCursor({ ...query, after: undefined, before: undefined }, lang);
  if (mode.format === 'codes') {
    for await (const firm of cursor as AsyncIterable<ExportedFirm>) yield firmExportRow(firm);
    return;
  }
  const operators: NameCache<string> = new Map();
  const people: NameCache<string> = new Map();
  for await (const batch of batches<ExportedFirm>(cursor)) {
    await fillCache(
      operators,
      batch.flatMap((f) => (f.tips?.operator ? [String(f.tips.operator)] : [])),
      investorNames(mode.lang),
    );
    await fillCache(
      people,
      batch.flatMap((f) => (f.contactPerson ? [String(f.contactPerson)] : [])),
      personNames,
    );
    for (const firm of batch) {
      const row = firmExportRow(firm);
      if (row.tipsOperator) row.tipsOperator = operators.get(row.tipsOperator) ?? row.tipsOperator;
      if (row.contactPerson) row.contactPerson = people.get(row.contactPerson) ?? row.contactPerson;
      yield labelledCells('firms', row, mode.lang);
    }
  }
}

// The most participants any round has, so the file has that many column groups before its first row is written.
// Asked as "does any round have an (n+1)th participant?" ({ 'participants.n': { $exists } }, one small find with limit 1
// each): doubling, then halving, so about 2·log2(widest) queries. Bounded: nothing is grouped or held per round, on the
// server or here (an $unwind + $group would hold a count per round in the database; $size in $project is not in
// FerretDB v1).
async function widestRound(filter: Record<string, unknown> = {}): Promise<number> {
  const hasMore = async (n: number) =>
    Boolean(await FundingRoundModel.exists({ ...filter, [`participants.${n}`]: { $exists: true } }));
  if (!(await hasMore(0))) return 0;
  let low = 1; // a round has at least `low` participants
  let high = 2; // …and none has `high` (once found)
  while (await hasMore(high - 1)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await hasMore(mid - 1)) low = mid;
    else high = mid;
  }
  return low;
}

type ExportedRound = Parameters<typeof roundCellsOf>[0] & { _id: unknown; firm: unknown };

// Every round with its firm's registration number and name, and its participants in `width` column groups (a round
// added while the file streams with more participants than the widest counted is cut to `width`).
async function* roundExportRows(
  cursor: Readable & AsyncIterable<unknown> = roundsCursor(),
  mode: ExportMode = { format: 'codes', lang: 'en' },
  width = 0,
): AsyncGenerator<Row> {
  const labels = mode.format === 'labels';
  // Codes keep the names the import has always read (Korean firm names, English investor names).
  const firmLang: Lang = labels ? mode.lang : 'ko';
  const investorLang: Lang = labels ? mode.lang : 'en';
  const firms: NameCache<{ brn: string; name: string }> = new Map();
  const investors: NameCache<string> = new Map();
  for await (const batch of batches<ExportedRound>(cursor)) {
    await fillCache(
      firms,
      batch.map((r) => String(r.firm)),
      async (ids) =>
        (await FirmModel.find({ _id: { $in: ids } }, { brn: 1, nameKo: 1, nameEn: 1 }).lean()).map((f) => [
          String(f._id),
          { brn: f.brn ?? '', name: nameIn(f, firmLang) },
        ]),
    );
    await fillCache(
      investors,
      batch.flatMap((r) => (r.participants ?? []).map((p) => String(p.investor))),
      investorNames(investorLang),
    );
    for (const r of batch) {
      const firm = firms.get(String(r.firm));
      const cells = roundCellsOf(r, (id) => investors.get(id) ?? id);
      delete cells.participants;
      const row: Row = {
        roundId: String(r._id),
        firmBrn: firm?.brn ?? '',
        firmName: firm?.name ?? '',
        ...cells,
        ...participantColumnCells(
          (r.participants ?? []).slice(0, width).map((p) => ({
            name: investors.get(String(p.investor)) ?? String(p.investor),
            amountKrw: p.amountKrw,
            lead: p.lead,
          })),
          participantMode(mode),
          width,
        ),
      };
      yield labels ? labelledCells('rounds', row, mode.lang) : row;
    }
  }
}

// The investors of the list page's filters, in its order (by name key), as the import reads them.
async function* investorExportRows(
  query: Parameters<typeof investorsCursor>[0],
  mode: ExportMode = { format: 'codes', lang: 'en' },
): AsyncGenerator<Row> {
  for await (const org of investorsCursor(query)) {
    const row = investorCellsOf(org);
    yield mode.format === 'labels' ? labelledCells('investors', row, mode.lang) : row;
  }
}

// An export is kept written (the computed pattern, in parts: readComputedParts) per kind, query, format and language
// until a record it shows is written: at 600 firms, reading every firm took the embedded database 0.8 s a request, and
// 3.5 s with four at once; kept, it is a read or two by `_id`. Written afresh, its rows come from the database cursor
// and are streamed as they are written.
const KEPT_SOURCES: Record<ImportKind, readonly ComputedSource[]> = {
  // (firmActivity: the list's order by last activity; people and investors: the contact's and the operator's names)
  firms: ['firmActivity', 'people', 'investors'],
  rounds: ['rounds', 'firms', 'investors'],
  investors: ['investors'],
};

type ExportFile = AsyncGenerator<Buffer>;

const keptFile = (
  kind: ImportKind,
  asked: unknown,
  open: () => Promise<PartsSource<Row>> | PartsSource<Row>,
): ExportFile => readComputedParts(KEPT_SOURCES[kind], computedKey(`export:${kind}:${APP_VERSION}`, asked), open);

// The firm list's export as the bytes of its file.
export const firmExportFile = (query: FirmListQuery, lang: ListLang, mode: ExportMode): ExportFile =>
  keptFile('firms', { query, lang, mode }, () => ({
    items: firmExportRows(query, lang, mode),
    encode: csvRuns(firmExportColumns(mode)),
  }));

// Every round as the bytes of its file, in as many participant column groups as the widest round has.
export const roundExportFile = (mode: ExportMode): ExportFile =>
  keptFile('rounds', { mode }, async () => {
    const width = await widestRound();
    return { items: roundExportRows(roundsCursor(), mode, width), encode: csvRuns(roundExportColumns(mode, width)) };
  });

// The investor list's export as the bytes of its file.
export const investorExportFile = (query: Parameters<typeof investorsCursor>[0], mode: ExportMode): ExportFile =>
  keptFile('investors', { query, mode }, () => ({
    items: investorExportRows(query, mode),
    encode: csvRuns(investorExportColumns(mode)),
  }));
