import type { Types } from 'mongoose';
import { computedKey, readComputed } from '../lib/computed.service.js';
import { MatchModel } from '../../models/match.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { UserModel } from '../../models/user.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import type { MatchStage } from '../../models/enums.js';
import { NotFound } from '../lib/app-error.js';
import { keysetPage } from '../lib/keyset.js';
import { compareNames, type Named } from '../lib/names.js';
import { versionOf } from '../lib/edit-conflict.js';
import { seoulToday } from '../lib/dates.js';
import { OPEN_STAGES, daysInStage, interestShown, nextStages, type StageChange } from './match-stages.js';
import { followUpOrder, matchFilter, type MatchFilters } from './match-board.js';

// The read side of the deal flow. Matches are read by their own indexed fields; the names of their firms, investors and
// owners with one $in query per relation, whatever the number of cards or rows.

// A column shows its 12 most urgent cards (soonest due first) and how many it holds; the rest are a link away, in the
// list of that stage, which pages through all. Twelve fill a screen; fifty a column made the board 350 cards at 600
// firms, each read, named and rendered with its move form (475 ms p95 at four connections).
export const BOARD_COLUMN_LIMIT = 12;
const LIST_PAGE_SIZE = 25;
export const FOLLOW_UP_LIMIT = 50;
const STAFF_LIMIT = 200;

const CARD_PROJECTION = {
  firm: 1,
  investor: 1,
  owner: 1,
  stage: 1,
  open: 1,
  stageSince: 1,
  nextStep: 1,
  dueOn: 1,
  round: 1,
  firmSector: 1,
  investorType: 1,
  interestAt: 1,
  __v: 1,
} as const;

type Id = Types.ObjectId;
type StoredCard = {
  _id: Id;
  firm: Id;
  investor: Id;
  owner?: Id | null;
  stage: MatchStage;
  open: boolean;
  stageSince: Date;
  nextStep?: string | null;
  dueOn?: string | null;
  round?: Id | null;
  firmSector?: string | null;
  investorType?: string | null;
  interestAt?: Date | null;
  __v?: number;
};

// What a card shows (the board, someone's follow-ups: views/matches/cards.ejs).
type CardView = {
  id: string;
  firm?: Named;
  investor?: Named;
  ownerName?: string;
  stage: MatchStage;
  nextStep?: string;
  dueOn?: string;
  days: number;
  // The day (Asia/Seoul) the investor said in the portal that it is interested, while the match is still a suggestion.
  interestedOn?: string;
  // The stages it may move to, and what a move form sends to be checked against (server/lib/edit-conflict.ts).
  next: MatchStage[];
  version: number;
  base: string;
};

// A card of the list and the export: what it shows and the match's references and filter fields.
export type MatchCard = CardView & {
  firmId: string;
  investorId: string;
  ownerId?: string;
  firmSector?: string;
  investorType?: string;
};

// What a move form was loaded with: the stage it showed (the field a move changes) and empty pass fields.
export const moveBase = (stage: string) => JSON.stringify({ stage, reason: '', reasonText: '' });

const ids = (values: unknown[]) => [...new Set(values.filter(Boolean).map(String))];

// Names of firms, investors and users by id: one query per relation, none for an empty list. Each answers in one batch
// (the driver's first batch is 101 documents, and a batch of exactly the documents found leaves the cursor open: a board
// of 350 cards took three round trips per relation).
export async function namesOf(refs: { firms?: unknown[]; investors?: unknown[]; users?: unknown[] }) {
  const [firmIds, investorIds, userIds] = [ids(refs.firms ?? []), ids(refs.investors ?? []), ids(refs.users ?? [])];
  const [firms, investors, users] = await Promise.all([
    firmIds.length
      ? FirmModel.find({ _id: { $in: firmIds } }, { nameKo: 1, nameEn: 1 })
          .batchSize(firmIds.length + 1)
          .lean()
      : [],
    investorIds.length
      ? InvestorOrgModel.find({ _id: { $in: investorIds } }, { nameKo: 1, nameEn: 1 })
          .batchSize(investorIds.length + 1)
          .lean()
      : [],
    userIds.length
      ? UserModel.find({ _id: { $in: userIds } }, { name: 1 })
          .batchSize(userIds.length + 1)
          .lean()
      : [],
  ]);
  return {
    firms: new Map<string, Named>(firms.map((f) => [String(f._id), f])),
    investors: new Map<string, Named>(investors.map((i) => [String(i._id), i])),
    users: new Map<string, string>(users.map((u) => [String(u._id), u.name])),
  };
}

// The moves a card offers depend on its stage alone, except on hold (back to the stage it was held from): cards are read
// without their stage history (most of a match's size), and the history of the cards on hold with one more query.
async function heldHistories(rows: StoredCard[]): Promise<Map<string, StageChange[]>> {
  const held = rows.filter((r) => r.open && r.stage === 'on-hold').map((r) => r._id);
  if (!held.length) return new Map();
  const docs = await MatchModel.find({ _id: { $in: held } }, { history: 1 }).lean<
    { _id: Id; history: StageChange[] }[]
  >();
  return new Map(docs.map((d) => [String(d._id), d.history]));
}

type CardNames = Awaited<ReturnType<typeof namesOf>>;

// The names of a page of matches' firms, investors (and owners), and the histories of those on hold.
function cardSources(rows: StoredCard[], users: boolean) {
  return Promise.all([
    namesOf({
      firms: rows.map((r) => r.firm),
      investors: rows.map((r) => r.investor),
      users: users ? rows.map((r) => r.owner) : [],
    }),
    heldHistories(rows),
  ]);
}

// What a card shows but the days in its stage and its owner's name (added as it is shown: withTimeAndOwner).
function storedView(r: StoredCard, names: CardNames, histories: Map<string, StageChange[]>) {
  const interestAt = interestShown(r);
  return {
    id: String(r._id),
    firm: names.firms.get(String(r.firm)),
    investor: names.investors.get(String(r.investor)),
    stage: r.stage,
    nextStep: r.nextStep ?? undefined,
    dueOn: r.dueOn ?? undefined,
    interestedOn: interestAt ? seoulToday(interestAt) : undefined,
    next: r.open ? nextStages(histories.get(String(r._id)) ?? [{ stage: r.stage, at: r.stageSince, cycle: 0 }]) : [],
    version: versionOf(r),
  };
}

async function toCards(rows: StoredCard[], now: Date): Promise<MatchCard[]> {
  const [names, histories] = await cardSources(rows, true);
  return rows.map((r) => ({
    ...storedView(r, names, histories),
    firmId: String(r.firm),
    investorId: String(r.investor),
    ownerId: r.owner ? String(r.owner) : undefined,
    ownerName: r.owner ? names.users.get(String(r.owner)) : undefined,
    firmSector: r.firmSector ?? undefined,
    investorType: r.investorType ?? undefined,
    days: daysInStage([{ stage: r.stage, at: r.stageSince, cycle: 0 }], now),
    base: moveBase(r.stage),
  }));
}

// A card as the board keeps it (below): what it shows but the days and the owner's name, with its owner's id and the
// time it entered its stage. Stored, a value left undefined comes back as null.
type KeptCard = Omit<ReturnType<typeof storedView>, 'firm' | 'investor' | 'nextStep' | 'dueOn' | 'interestedOn'> & {
  firm?: Named | null;
  investor?: Named | null;
  nextStep?: string | null;
  dueOn?: string | null;
  interestedOn?: string | null;
  ownerId?: string | null;
  stageSince: Date;
};

async function keptCards(rows: StoredCard[]): Promise<KeptCard[]> {
  const [names, histories] = await cardSources(rows, false);
  return rows.map((r) => ({
    ...storedView(r, names, histories),
    ownerId: r.owner ? String(r.owner) : undefined,
    stageSince: r.stageSince,
  }));
}

// The owners' names: from the staff already read (the board's owner filter lists them), the others (a deactivated
// owner) with one query.
async function ownerNames(cards: readonly KeptCard[], known: readonly { id: string; name: string }[]) {
  const names = new Map(known.map((u) => [u.id, u.name]));
  const missing = cards.flatMap((c) => (c.ownerId && !names.has(c.ownerId) ? [c.ownerId] : []));
  if (missing.length) for (const [id, name] of (await namesOf({ users: missing })).users) names.set(id, name);
  return names;
}

// Built field by field: object rest and spread over 72 cards were a tenth of the board's own time.
function withTimeAndOwner(c: KeptCard, now: Date, owners: ReadonlyMap<string, string>): CardView {
  return {
    id: c.id,
    firm: c.firm ?? undefined,
    investor: c.investor ?? undefined,
    ownerName: c.ownerId ? owners.get(c.ownerId) : undefined,
    stage: c.stage,
    nextStep: c.nextStep ?? undefined,
    dueOn: c.dueOn ?? undefined,
    days: daysInStage([{ stage: c.stage, at: c.stageSince, cycle: 0 }], now),
    interestedOn: c.interestedOn ?? undefined,
    next: c.next,
    version: c.version,
    base: moveBase(c.stage),
  };
}

export type BoardColumn = { stage: MatchStage; cards: CardView[]; total: number };

// What the board of some filters shows, kept by the computed pattern until a match, a firm or an investor is next
// written (a board is read far more often than a card moves): how many open matches each stage holds (one $group over
// them) and each column's soonest due cards (one query per column: a range of the {open, stage, dueOn, _id} index),
// with their firms' and investors' names. A board is then one read by _id, where reading its cards, their names and the
// histories of those on hold took six queries (three quarters of the page's own time at 72 cards).
// The figure's key carries its shape's number (bump it when KeptBoard changes): the shape is not parsed on each read, as
// parsing 72 cards with zod took a tenth of the board's own time. (A value left undefined is stored as null, so the
// optional fields are read as "null or missing".)
type KeptBoard = { counts: Record<string, number>; cards: KeptCard[] };
const KEPT_BOARD_SHAPE = 2;

function keptBoardOf(f: Omit<MatchFilters, 'stage'>, today: string): Promise<KeptBoard> {
  const filter = matchFilter(f, today);
  return readComputed(
    ['matches', 'firms', 'investors'],
    computedKey(`board-cards:${KEPT_BOARD_SHAPE}`, filter),
    async () => {
      // An aggregation's $match is not cast by Mongoose (the owner filter is an id string): a query casts it first.
      const cast = MatchModel.find(filter).cast() as Record<string, unknown>;
      const [rows, ...columns] = await Promise.all([
        MatchModel.aggregate<{ _id: MatchStage; n: number }>([
          { $match: cast },
          { $group: { _id: '$stage', n: { $sum: 1 } } },
        ]),
        ...OPEN_STAGES.map((stage) =>
          MatchModel.find(matchFilter({ ...f, stage }, today), CARD_PROJECTION)
            .sort({ dueOn: 1, _id: 1 })
            .limit(BOARD_COLUMN_LIMIT)
            .lean<StoredCard[]>(),
        ),
      ]);
      return {
        counts: Object.fromEntries(rows.map((r) => [r._id, r.n])),
        cards: await keptCards(columns.flat()),
      };
    },
  );
}

// The board: a column per open stage, soonest due first, each bounded (the list pages through the rest), and the staff
// its owner filter offers. A kept board may lag a write by the moment until the write marks it stale. A page that reads
// the staff too passes its own read, so a request works them out once (read twice at once, both computed them when
// they were not kept).
export async function boardOf(
  f: Omit<MatchFilters, 'stage'>,
  today: string,
  now = new Date(),
  staffRead: Promise<{ id: string; name: string }[]> = staffOptions(),
): Promise<{ columns: BoardColumn[]; staff: { id: string; name: string }[] }> {
  const [kept, staff] = await Promise.all([keptBoardOf(f, today), staffRead]);
  const owners = await ownerNames(kept.cards, staff);
  const cards = kept.cards.map((c) => withTimeAndOwner(c, now, owners));
  const columns = OPEN_STAGES.map((stage) => {
    const shown = cards.filter((c) => c.stage === stage);
    const full = shown.length === BOARD_COLUMN_LIMIT;
    return { stage, cards: shown, total: full ? Math.max(kept.counts[stage] ?? 0, shown.length) : shown.length };
  });
  return { columns, staff };
}

export type MatchListPage = { rows: MatchCard[]; next?: string; prev?: string; total: number };

// The list: the same filters, by due day then id, keyset-paged both ways (server/lib/keyset.ts).
export async function listMatches(
  q: MatchFilters & { after?: string; before?: string },
  today: string,
  now = new Date(),
): Promise<MatchListPage> {
  const filter = matchFilter(q, today);
  const [page, total] = await Promise.all([
    keysetPage<StoredCard>({
      field: 'dueOn',
      kind: 'string',
      dir: 1,
      after: q.after,
      before: q.before,
      size: LIST_PAGE_SIZE,
      valueOf: (row) => row.dueOn ?? null,
      find: (cursorFilter, sort, limit) =>
        MatchModel.find(cursorFilter ? { $and: [filter, cursorFilter] } : filter, CARD_PROJECTION)
          .sort(sort)
          .limit(limit)
          .lean<StoredCard[]>(),
    }),
    MatchModel.countDocuments(filter),
  ]);
  return { rows: await toCards(page.rows, now), next: page.next, prev: page.prev, total };
}

const EXPORT_BATCH = 500;

// Every match of the list's filters in the list's order, in batches (names looked up per batch), for the CSV export.
export async function* matchesForExport(f: MatchFilters, today: string, now = new Date()): AsyncGenerator<MatchCard> {
  const cursor = MatchModel.find(matchFilter(f, today), CARD_PROJECTION)
    .sort({ dueOn: 1, _id: 1 })
    .lean<StoredCard[]>()
    .cursor({ batchSize: EXPORT_BATCH });
  let batch: StoredCard[] = [];
  for await (const row of cursor) {
    batch.push(row);
    if (batch.length >= EXPORT_BATCH) {
      yield* await toCards(batch, now);
      batch = [];
    }
  }
  if (batch.length) yield* await toCards(batch, now);
}

// Someone's first open matches, overdue first, then by due date, then undated (served by the {open, owner, dueOn, _id}
// index). MongoDB sorts a missing date first, so the dated ones are read apart from the undated, which fill the page.
async function followUpRows(userId: string, today: string): Promise<StoredCard[]> {
  const mine = { open: true, owner: userId };
  const dated = await MatchModel.find({ ...mine, dueOn: { $type: 'string' } }, CARD_PROJECTION)
    .sort({ dueOn: 1, _id: 1 })
    .limit(FOLLOW_UP_LIMIT)
    .lean<StoredCard[]>();
  const undated =
    dated.length < FOLLOW_UP_LIMIT
      ? await MatchModel.find({ ...mine, dueOn: null }, CARD_PROJECTION)
          .sort({ dueOn: 1, _id: 1 })
          .limit(FOLLOW_UP_LIMIT - dated.length)
          .lean<StoredCard[]>()
      : [];
  return followUpOrder([...dated, ...undated], today);
}

// Someone's follow-ups page (their first cards and their counts) is kept like the board, per person and day, until a
// match, a firm or an investor changes: the page is then one read by _id, where its cards, their names and the counts
// took six queries. The key carries the shape's number (bump it when KeptFollowUps changes).
type KeptFollowUps = { cards: KeptCard[]; counts: { open: number; overdue: number } };
const KEPT_FOLLOW_UPS_SHAPE = 1;

export async function followUpsOf(
  user: { id: string; name: string },
  today: string,
  now = new Date(),
): Promise<{ cards: CardView[]; counts: KeptFollowUps['counts'] }> {
  const kept = await readComputed<KeptFollowUps>(
    ['matches', 'firms', 'investors'],
    computedKey(`follow-ups:${KEPT_FOLLOW_UPS_SHAPE}`, { user: user.id, today }),
    async () => {
      const [rows, counts] = await Promise.all([followUpRows(user.id, today), countFollowUps(user.id, today)]);
      return { cards: await keptCards(rows), counts };
    },
  );
  const owners = await ownerNames(kept.cards, [user]);
  return { cards: kept.cards.map((c) => withTimeAndOwner(c, now, owners)), counts: kept.counts };
}

async function countFollowUps(userId: string, today: string): Promise<{ open: number; overdue: number }> {
  const [open, overdue] = await Promise.all([
    MatchModel.countDocuments({ open: true, owner: userId }),
    MatchModel.countDocuments({ open: true, owner: userId, dueOn: { $lt: today } }),
  ]);
  return { open, overdue };
}

// The dashboard's counts: open matches someone owns, and how many of them are overdue. Kept per person and day by the
// computed pattern until a match changes: counting read every open match of theirs (180 at ten times the town's size).
export function followUpCounts(userId: string, today: string): Promise<{ open: number; overdue: number }> {
  return readComputed('matches', `followups:${userId}:${today}`, () => countFollowUps(userId, today));
}

// Active staff and admins, who may own a match (the owner select on the board and the match forms). Kept by the computed
// pattern until an account changes: the embedded database read every account, investors' included, to find them (22 ms
// of the board's read under load).
export function staffOptions(): Promise<{ id: string; name: string }[]> {
  return readComputed('users', 'staff-options', async () => {
    const users = await UserModel.find({ role: { $in: ['admin', 'staff'] }, active: true }, { name: 1 })
      .sort({ role: 1, email: 1 })
      .limit(STAFF_LIMIT)
      .lean();
    return users.map((u) => ({ id: String(u._id), name: u.name })).sort((a, b) => compareNames(a.name, b.name, 'ko'));
  });
}

// One match with everything its page shows: names, the owner, the linked round, the history and the moves it allows.
export async function matchDetail(id: string, now = new Date()) {
  const match = await MatchModel.findById(id).lean();
  if (!match) throw NotFound('match');
  const [names, round] = await Promise.all([
    namesOf({ firms: [match.firm], investors: [match.investor], users: [match.owner] }),
    match.round
      ? FundingRoundModel.findById(match.round, {
          stage: 1,
          amountKrw: 1,
          status: 1,
          closedOn: 1,
          announcedOn: 1,
        }).lean()
      : null,
  ]);
  return {
    match,
    firm: names.firms.get(String(match.firm)),
    investor: names.investors.get(String(match.investor)),
    ownerName: match.owner ? names.users.get(String(match.owner)) : undefined,
    round,
    days: daysInStage(match.history, now),
    next: match.open ? nextStages(match.history) : [],
    // Newest first; each cycle (a reopened match) reads as its own run.
    history: [...match.history].reverse(),
    notes: [...match.notes].reverse(),
  };
}

// The edit form's values of a match's details, as strings.
export function detailValues(match: {
  owner?: Id | null;
  nextStep?: string | null;
  dueOn?: string | null;
}): Record<string, string> {
  return { owner: match.owner ? String(match.owner) : '', nextStep: match.nextStep ?? '', dueOn: match.dueOn ?? '' };
}

// The round form opened from a match that reached "invested": the investor to put among its participants, when the match
// belongs to this firm.
export async function matchForRound(matchId: string, firmId: string): Promise<{ investorId: string } | undefined> {
  const match = await MatchModel.findOne({ _id: matchId, firm: firmId }, { investor: 1, stage: 1 }).lean();
  return match && match.stage === 'invested' ? { investorId: String(match.investor) } : undefined;
}

const INVESTOR_MATCH_LIMIT = 200;

// A match as an investor organisation's page lists it: the firm, where it stands, and how it ended when it is closed
// (invested, or passed with the reason given).
export type InvestorMatch = {
  id: string;
  firmId: string;
  firm?: Named;
  stage: MatchStage;
  open: boolean;
  stageSince: Date;
  cycle: number;
  passReason?: string;
};

// An organisation's matches, latest move first: one query on the {investor, open} index (bounded), then the firms' names.
export async function matchesOfInvestor(investorId: string): Promise<InvestorMatch[]> {
  type Row = {
    _id: Id;
    firm: Id;
    stage: MatchStage;
    open: boolean;
    stageSince: Date;
    cycle: number;
    history: (StageChange & { reason?: string | null })[];
  };
  const rows = await MatchModel.find(
    { investor: investorId },
    { firm: 1, stage: 1, open: 1, stageSince: 1, cycle: 1, history: 1 },
  )
    .limit(INVESTOR_MATCH_LIMIT)
    .lean<Row[]>();
  const names = await namesOf({ firms: rows.map((r) => r.firm) });
  return rows
    .map((r) => ({
      id: String(r._id),
      firmId: String(r.firm),
      firm: names.firms.get(String(r.firm)),
      stage: r.stage,
      open: r.open,
      stageSince: r.stageSince,
      cycle: r.cycle,
      passReason: r.stage === 'passed' ? (r.history.at(-1)?.reason ?? undefined) : undefined,
    }))
    .sort((a, b) => b.stageSince.getTime() - a.stageSince.getTime() || b.id.localeCompare(a.id));
}
