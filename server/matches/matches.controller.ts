import type { Request } from 'express';
import { pipeline } from 'node:stream/promises';
import { seoulToday } from '../lib/dates.js';
import { keptHtml, sendPage } from '../lib/kept-html.js';
import { csvHeaders, csvStream } from '../lib/csv.js';
import { labelOf } from '../lib/labels.js';
import { nameIn } from '../lib/names.js';
import type { Lang } from '../lib/money.js';
import {
  boardOf,
  followUpsOf,
  listMatches,
  matchesForExport,
  staffOptions,
  type MatchCard,
} from './match-read.service.js';
import type { AppResponse, Validated } from '../lib/validate.js';
import type { boardQuery, matchListQuery } from './matches.schemas.js';
import type { MatchFilters } from './match-board.js';

// The filters alone (no page cursor, no board column): what links between the board, the list and the export keep.
const filtersOf = (q: MatchFilters): Omit<MatchFilters, 'stage'> => ({
  owner: q.owner,
  sector: q.sector,
  type: q.type,
  overdue: q.overdue,
});

// GET /matches — the board: a column per open stage; on a phone one column at a time (?stage=)
// Its columns are kept drawn (server/lib/kept-html.ts) per filters, column, address and day until a match, a firm, an
// investor or an account (an owner's name) is written: the cards' figures are by the day, the due day's and the days in
// stage alike.
const BOARD_SOURCES = ['matches', 'firms', 'investors', 'users'] as const;

export async function board(req: Request, res: Validated<{ query: typeof boardQuery }>) {
  const { query } = res.locals.input;
  const filters = filtersOf({ ...query, stage: undefined });
  const today = seoulToday();
  const drawn = { filters, stage: query.stage ?? null, url: req.originalUrl, today };
  const staffRead = staffOptions();
  const [staff, columnsHtml] = await Promise.all([
    staffRead,
    keptHtml(res, BOARD_SOURCES, drawn, 'matches/board-columns', async () => {
      const { columns } = await boardOf(filters, today, new Date(), staffRead);
      const current = query.stage ?? columns.find((c) => c.cards.length)?.stage ?? 'suggested';
      return { columns, current, filters, today };
    }),
  ]);
  await sendPage(res, 'matches/board', { title: req.t('matches.board.title'), query, filters, staff, columnsHtml });
}

// GET /matches/list — the same filters as a table, keyset-paged
export async function list(req: Request, res: Validated<{ query: typeof matchListQuery }>) {
  const { query } = res.locals.input;
  const [page, staff] = await Promise.all([listMatches(query, seoulToday()), staffOptions()]);
  res.render('matches/list', {
    title: req.t('matches.list.title'),
    query,
    filters: filtersOf(query),
    page,
    staff,
    today: seoulToday(),
  });
}

// GET /matches/mine — the signed-in user's open matches, overdue first
// Kept drawn per person and day, like the board.
export async function mine(req: Request, res: AppResponse) {
  const today = seoulToday();
  const listHtml = await keptHtml(res, BOARD_SOURCES, { user: req.user!.id, today }, 'matches/mine-list', async () => {
    const { cards, counts } = await followUpsOf(req.user!, today);
    return { cards, counts, today };
  });
  await sendPage(res, 'matches/mine', { title: req.t('matches.mine.title'), listHtml });
}

const CSV_COLUMNS = [
  'firm',
  'investor',
  'stage',
  'owner',
  'nextStep',
  'dueOn',
  'daysInStage',
  'sector',
  'investorType',
] as const;

// One export row: the list's cells as text, in the page's language (csvStream guards formula-looking text).
function csvRow(c: MatchCard, req: Request, lang: Lang): Record<(typeof CSV_COLUMNS)[number], string> {
  return {
    firm: nameIn(c.firm, lang),
    investor: nameIn(c.investor, lang),
    stage: labelOf('matchStages', c.stage, req.t),
    owner: c.ownerName ?? '',
    nextStep: c.nextStep ?? '',
    dueOn: c.dueOn ?? '',
    daysInStage: String(c.days),
    sector: labelOf('sectors', c.firmSector, req.t),
    investorType: labelOf('investorTypes', c.investorType, req.t),
  };
}

// GET /matches/export.csv — every match of the list's filters, in its order, streamed
export async function exportCsv(req: Request, res: Validated<{ query: typeof matchListQuery }>) {
  const { query } = res.locals.input;
  const { lang } = res.locals;
  csvHeaders(res, 'matches');
  const rows = async function* () {
    for await (const card of matchesForExport({ ...filtersOf(query), stage: query.stage }, seoulToday()))
      yield csvRow(card, req, lang);
  };
  await pipeline(rows(), csvStream(CSV_COLUMNS.map((key) => ({ key, header: req.t(`matches.csv.${key}`) }))), res);
}
