import type { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { firmsCursor, type FirmListQuery, type ListLang } from '../firms/index.js';
import { roundsCursor } from '../rounds/index.js';
import { investorsCursor } from '../investors/index.js';
import { nameIn } from '../lib/names.js';
import {
  firmCellsOf,
  investorCellsOf,
  roundCellsOf,
  FIRM_COLUMNS,
  FIRM_READONLY_COLUMNS,
  INVESTOR_COLUMNS,
  ROUND_COLUMNS,
} from '../imports/index.js';

// Streamed CSV exports: a database cursor → rows → csv-stringify → the response, with backpressure all the way, so memory
// stays flat however many rows there are. The columns are the import's (an export can be imported again) plus, for
// firms, read-only figures.

export const FIRM_EXPORT_COLUMNS = [...FIRM_COLUMNS, ...FIRM_READONLY_COLUMNS];
export const ROUND_EXPORT_COLUMNS = [...ROUND_COLUMNS];
// Investors: the import's columns only (profile and thesis); funds are not in the flat file.
export const INVESTOR_EXPORT_COLUMNS = [...INVESTOR_COLUMNS];

type Row = Record<string, string>;
const s = (v: string | number | boolean | null | undefined) => (v === null || v === undefined ? '' : String(v));

type ExportedFirm = Parameters<typeof firmCellsOf>[0] & {
  status?: string | null;
  archived?: boolean | null;
  tips?: { status?: string | null } | null;
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

// The firms of the list page's filters, in its order (the page's keyset cursor does not apply to an export).
// In the list's order for the page language (Korean pages sort by the Korean name).
export async function* firmExportRows(query: FirmListQuery, lang: ListLang = 'en'): AsyncGenerator<Row> {
  for await (const firm of firmsCursor(
    { ...query, after: undefined, before: undefined },
    lang,
  ) as AsyncIterable<ExportedFirm>)
    yield firmExportRow(firm);
}

const BATCH = 500;
// Names looked up per batch of rounds and remembered for the rest of the stream, up to a bound (then forgotten, so
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

type ExportedRound = Parameters<typeof roundCellsOf>[0] & { _id: unknown; firm: unknown };

// Every round with its firm's registration number and name, and the participants cell in the import's format.
export async function* roundExportRows(
  cursor: Readable & AsyncIterable<unknown> = roundsCursor(),
): AsyncGenerator<Row> {
  const firms: NameCache<{ brn: string; name: string }> = new Map();
  const investors: NameCache<string> = new Map();
  let batch: ExportedRound[] = [];
  const flush = async function* () {
    await fillCache(
      firms,
      batch.map((r) => String(r.firm)),
      async (ids) =>
        (await FirmModel.find({ _id: { $in: ids } }, { brn: 1, nameKo: 1, nameEn: 1 }).lean()).map((f) => [
          String(f._id),
          { brn: f.brn ?? '', name: nameIn(f, 'ko') },
        ]),
    );
    await fillCache(
      investors,
      batch.flatMap((r) => (r.participants ?? []).map((p) => String(p.investor))),
      async (ids) =>
        (await InvestorOrgModel.find({ _id: { $in: ids } }, { nameKo: 1, nameEn: 1 }).lean()).map((i) => [
          String(i._id),
          nameIn(i, 'en'),
        ]),
    );
    for (const r of batch) {
      const firm = firms.get(String(r.firm));
      yield {
        roundId: String(r._id),
        firmBrn: firm?.brn ?? '',
        firmName: firm?.name ?? '',
        ...roundCellsOf(r, (id) => investors.get(id) ?? id),
      };
    }
    batch = [];
  };
  for await (const round of cursor) {
    batch.push(round as ExportedRound);
    if (batch.length >= BATCH) yield* flush();
  }
  if (batch.length) yield* flush();
}

// The investors of the list page's filters, in its order (by name key), as the import reads them.
export async function* investorExportRows(query: Parameters<typeof investorsCursor>[0]): AsyncGenerator<Row> {
  for await (const org of investorsCursor(query)) yield investorCellsOf(org);
}
