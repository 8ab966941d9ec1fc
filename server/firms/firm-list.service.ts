import { z } from 'zod';
import { FirmModel } from '../../models/firm.model.js';
import { computedKey, readComputed } from '../lib/computed.service.js';
import { keysetPage, keysetSlice, type CursorKind, type Direction } from '../lib/keyset.js';
import { byCodeUnits } from '../lib/names.js';
import { valueAt } from '../lib/dotted-path.js';
import { PIPELINE_STATUSES, type FirmListQuery, type ListSort } from './firms.schemas.js';

export const PAGE_SIZE = 25;

const SORT_FIELD: Record<ListSort, string> = {
  name: 'sortName', // sortNameKo for a Korean page
  founded: 'founded',
  activity: 'lastActivityAt',
  raised: 'totals.raisedKey',
};
// What a page cursor of each sort must carry (sortName and sortNameKo alike are strings).
const SORT_KIND: Record<ListSort, CursorKind> = {
  name: 'string',
  founded: 'string',
  activity: 'date',
  raised: 'string',
};
const DEFAULT_DIR: Record<ListSort, 'asc' | 'desc'> = { name: 'asc', founded: 'asc', activity: 'desc', raised: 'desc' };

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The list filter: equality on indexed fields, and search words as anchored prefixes on searchTokens (an index serves each).
export function firmListFilter(q: Omit<FirmListQuery, 'sort' | 'dir' | 'after' | 'before'>): Record<string, unknown> {
  const archived = { archived: q.archived === '1' };
  const and: Record<string, unknown>[] = [archived];
  if (q.status === 'pipeline') and.push({ status: { $in: [...PIPELINE_STATUSES] } });
  else if (q.status) and.push({ status: q.status });
  if (q.sector) and.push({ $or: [{ sectorPrimary: q.sector }, { sectorsSecondary: q.sector }] });
  if (q.stage) and.push({ stage: q.stage });
  if (q.tips) and.push({ 'tips.status': q.tips });
  if (q.raising) and.push({ 'fundraising.raising': q.raising === 'yes' });
  if (q.tag) and.push({ tags: q.tag });
  // "220-81-62517" is one registration number, searched as its digits.
  const words = (q.q ?? '')
    .toLowerCase()
    .replace(/(\d)[-\s](?=\d)/g, '$1')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, 5);
  for (const w of words) and.push({ searchTokens: { $regex: `^${escapeRegex(w)}` } });
  return and.length === 1 ? archived : { $and: and };
}

export type ListLang = 'ko' | 'en';

export function sortOf(
  q: Pick<FirmListQuery, 'sort' | 'dir'>,
  lang: ListLang = 'en',
): { field: string; dir: Direction } {
  const dir = (q.dir ?? DEFAULT_DIR[q.sort]) === 'asc' ? 1 : -1;
  return { field: q.sort === 'name' && lang === 'ko' ? 'sortNameKo' : SORT_FIELD[q.sort], dir };
}

const LIST_PROJECTION = {
  nameKo: 1,
  nameEn: 1,
  sortName: 1,
  sortNameKo: 1,
  status: 1,
  sectorPrimary: 1,
  stage: 1,
  founded: 1,
  'tips.status': 1,
  'fundraising.raising': 1,
  'totals.raisedKrw': 1,
  'totals.raisedKey': 1,
  lastActivityAt: 1,
  tags: 1,
  archived: 1,
  pitch: 1,
} as const;

// A page of the list (its rows, cursors and count) is kept by the computed pattern until a firm changes, its last activity
// included: paging, coming back to the list or to a search reads one document by _id, where reading the page sorted and
// filtered made the embedded database read every firm (two thirds of the list's time at 60 firms). The key carries the
// shape's number (bump it when the page's shape changes) and the whole query with the language (which orders names).
const KEPT_PAGE_SHAPE = 1;
type ListPage = Awaited<ReturnType<typeof readListPage>>;

export function listFirms(q: FirmListQuery, lang: ListLang = 'en'): Promise<ListPage> {
  return readComputed('firmActivity', computedKey(`list-page:${KEPT_PAGE_SHAPE}`, { q, lang }), () =>
    readListPage(q, lang),
  );
}

async function readListPage(q: FirmListQuery, lang: ListLang) {
  const filter = firmListFilter(q);
  const { field, dir } = sortOf(q, lang);
  const matches = NARROWING.some((key) => q[key]) ? await keptMatchesOf(filter) : null;
  if (matches && q.sort === 'name' && dir === 1) {
    const page = await pageByName(matches, field === 'sortNameKo' ? 'sortNameKo' : 'sortName', q);
    return { ...page, total: matches.length, archivedMatches: await archivedMatches(q, matches.length) };
  }
  // A narrowed list's pages in other orders are read among its matches by _id; the whole list's by its filter.
  const within = matches ? { _id: { $in: matches.map((m) => m.id) } } : filter;
  const scope = (cursorFilter: Record<string, unknown> | undefined) =>
    cursorFilter ? { $and: [within, cursorFilter] } : within;
  const [page, total] = await Promise.all([
    keysetPage({
      field,
      kind: SORT_KIND[q.sort],
      dir,
      after: q.after,
      before: q.before,
      size: PAGE_SIZE,
      valueOf: (row) => valueAt(row, field),
      find: (cursorFilter, sort, limit) =>
        FirmModel.find(scope(cursorFilter), LIST_PROJECTION).sort(sort).limit(limit).lean(),
    }),
    matches ? matches.length : countFirms(filter),
  ]);
  return { ...page, total, archivedMatches: await archivedMatches(q, total) };
}

// A firm a search or a filter matches: its id and its two name sort keys (a change of name is a write, which makes the
// kept ones stale). An object, not a tuple: the embedded database stores no array inside an array.
const match = z.object({ id: z.string(), sortName: z.string(), sortNameKo: z.string() });
type Match = z.infer<typeof match>;

// A search or any filter narrows the list: its matches are kept. Beyond this many (a word of a letter or two, a status
// most firms hold) the list is read by its filter: its matches would make a large document and an $in of thousands,
// where MongoDB's indexes read just the page.
const NARROWING = ['q', 'status', 'sector', 'stage', 'tips', 'raising', 'tag'] as const;
const MATCHES_KEPT = 1000;
const keptMatches = z.array(match).nullable();

// The firms a narrowed list matches, kept by the computed pattern until a firm changes (null: too many to keep).
// MongoDB answers a word's prefix or a filter from its indexes, but the embedded database cannot index inside an array
// and reads by a filter in SQLite: it read firms in name order until a page was full, and for a word or filter few
// firms hold ("pay": 9 % of them) that reading grew with the town (search at 600 firms: 2.5× its figure at 60). A
// narrowed list now finds its matches once per change of the firms; its count, and its pages in name order, come from
// them.
function keptMatchesOf(filter: Record<string, unknown>): Promise<Match[] | null> {
  return readComputed(
    'firms',
    computedKey('matches', filter),
    async () => {
      const found = await FirmModel.find(filter, { sortName: 1, sortNameKo: 1 })
        .limit(MATCHES_KEPT + 1)
        .lean();
      if (found.length > MATCHES_KEPT) return null;
      return found.map((f) => ({ id: String(f._id), sortName: f.sortName ?? '', sortNameKo: f.sortNameKo ?? '' }));
    },
    keptMatches,
  );
}

// A page of a narrowed list in name order (the default): cut from its matches in memory, with the cursors a list page
// has, and only that page's firms read, by _id.
async function pageByName(matches: Match[], key: 'sortName' | 'sortNameKo', q: FirmListQuery) {
  const ordered = matches
    .map((m) => ({ _id: m.id, name: m[key] }))
    .sort((a, b) => byCodeUnits(a.name, b.name) || byCodeUnits(a._id, b._id));
  const slice = keysetSlice(ordered, { after: q.after, before: q.before, size: PAGE_SIZE, valueOf: (m) => m.name });
  const ids = slice.rows.map((m) => m._id);
  const firms = ids.length ? await FirmModel.find({ _id: { $in: ids } }, LIST_PROJECTION).lean() : [];
  const byId = new Map(firms.map((f) => [String(f._id), f]));
  // (a firm deleted since the matches were kept is simply not shown: its deletion made them stale for the next page)
  return { ...slice, rows: ids.flatMap((id) => byId.get(id) ?? []) };
}

// A search that finds no firm in the list shown may still match archived ones: how many, to offer showing them.
async function archivedMatches(q: FirmListQuery, total: number): Promise<number> {
  if (total > 0 || !q.q || q.archived === '1') return 0;
  return countFirms(firmListFilter({ ...q, archived: '1' }));
}

// How many firms a list filter matches: kept by the computed pattern per filter until a firm changes, so paging through
// a list or coming back to it reads one document instead of counting every matching firm again.
function countFirms(filter: Record<string, unknown>): Promise<number> {
  return readComputed('firms', computedKey('count', filter), () => FirmModel.countDocuments(filter));
}

// The cursor over every matching firm, in list order, for the streamed CSV export.
export function firmsCursor(q: FirmListQuery, lang: ListLang = 'en') {
  const { field, dir } = sortOf(q, lang);
  return FirmModel.find(firmListFilter(q))
    .sort({ [field]: dir, _id: dir })
    .lean()
    .cursor({ batchSize: 500 });
}
