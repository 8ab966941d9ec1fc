import { Types } from 'mongoose';
import { z } from 'zod';
import { FirmModel } from '../../models/firm.model.js';
import { PersonModel } from '../../models/person.model.js';
import { MatchModel } from '../../models/match.model.js';
import type { MatchStage } from '../../models/enums.js';
import { NotFound } from '../lib/app-error.js';
import type { Lang } from '../lib/money.js';
import {
  interestShown,
  investorAnswers,
  respondAsInvestor,
  type InvestorAnswers,
  type InvestorResponse,
  type MatchActor,
} from '../matches/index.js';
import { isSharedWith } from './visibility-rules.js';
import { keysetPage, keysetSlice } from '../lib/keyset.js';
import { valueAt } from '../lib/dotted-path.js';
import { computedKey, readComputed } from '../lib/computed.service.js';
import { byCodeUnits } from '../lib/names.js';
import { toCard, toProfile, type PortalCard, type PortalMatch, type PortalProfile } from './profile-rules.js';

// The investor portal reads only the fields it shows plus the two the visibility rule needs, so nothing else of a firm
// (notes live elsewhere; status history, registration number, TIPS record, residency) is ever loaded for an investor.
const RULE_FIELDS = { archived: 1, 'fundraising.openToInvestors': 1, 'sharing.orgs': 1 } as const;
const CARD_FIELDS = {
  ...RULE_FIELDS,
  nameKo: 1,
  nameEn: 1,
  sortName: 1,
  sortNameKo: 1,
  pitch: 1,
  sectorPrimary: 1,
  stage: 1,
  'fundraising.raising': 1,
  'fundraising.targetKrw': 1,
  'fundraising.stage': 1,
  'fundraising.instrument': 1,
  'sharing.summaryKo': 1,
  'sharing.summaryEn': 1,
} as const;
const PROFILE_FIELDS = {
  ...CARD_FIELDS,
  sectorsSecondary: 1,
  headcount: 1,
  contactPerson: 1,
  'totals.raisedKrw': 1,
} as const;

// Firms shared with one organisation by name are chosen one by one by staff: at most this many are listed.
const MAX_SHARED = 300;
// Each list (shared with the organisation, open to every investor) comes a page of cards at a time, by name.
export const PORTAL_PAGE_SIZE = 24;
// The organisation's conversations shown, latest move first.
const MAX_MATCHES = 20;

export type PortalList = 'shared' | 'open';
type PageCursors = { after?: string; before?: string };
const OPEN_TO_ALL = { archived: false, 'fundraising.openToInvestors': true };

// The organisation's match as the portal shows it: its stage, and whether the organisation said it is interested (shown
// in the stage's place while the match is still a suggestion).
const toMatch = (m: { stage: MatchStage; stageSince: Date; open: boolean; interestAt?: Date | null }): PortalMatch => ({
  stage: m.stage,
  since: m.stageSince,
  interested: Boolean(interestShown(m)),
});

type CardRecord = Awaited<ReturnType<typeof readCards>>[number];
type SharedEntry = { _id: string; ko: string; en: string };

const readCards = (ids: readonly string[]) =>
  FirmModel.find({ _id: { $in: ids } }, CARD_FIELDS)
    .batchSize(ids.length + 1)
    .lean();

// The firms shared with the organisation by name (not archived), with their sort names: kept by the computed pattern
// per organisation ({sharing.orgs} is an index of an array on MongoDB, but the embedded database finds them by reading
// every firm), in name order per language, so a page of them reads only its own firms, by _id.
async function sharedEntries(orgId: string, lang: Lang): Promise<SharedEntry[]> {
  const entries = await readComputed(
    'firms',
    `shared-with:${orgId}`,
    async () =>
      (
        await FirmModel.find({ 'sharing.orgs': orgId }, { archived: 1, sortName: 1, sortNameKo: 1 })
          .limit(MAX_SHARED)
          .batchSize(MAX_SHARED + 1)
          .lean()
      )
        .filter((f) => !f.archived)
        .map((f): SharedEntry => ({ _id: String(f._id), ko: f.sortNameKo || f.sortName, en: f.sortName })),
    z.array(z.object({ _id: z.string(), ko: z.string(), en: z.string() })),
  );
  // In the order MongoDB sorts the open firms' sort names (server/lib/names.ts sortKeyIn).
  return [...entries].sort((a, b) => byCodeUnits(a[lang], b[lang]) || byCodeUnits(a._id, b._id));
}

// One page of the firms shared with the organisation by name, in the page's order, each still visible to it.
async function sharedPage(entries: SharedEntry[], orgId: string, lang: Lang, cursors: PageCursors) {
  const page = keysetSlice(entries, { ...cursors, size: PORTAL_PAGE_SIZE, valueOf: (e) => e[lang] });
  const byId = new Map((await readCards(page.rows.map((e) => e._id))).map((f) => [String(f._id), f]));
  const rows = page.rows.flatMap((e) => {
    const firm = byId.get(e._id);
    return firm && isSharedWith(firm, orgId) ? [firm] : [];
  });
  return { rows, next: page.next, prev: page.prev };
}

// One page of the firms open to every investor, by name in the page's language ({archived, fundraising.openToInvestors,
// sortName|sortNameKo, _id}).
async function openPage(lang: Lang, cursors: PageCursors) {
  const field = lang === 'ko' ? 'sortNameKo' : 'sortName';
  return keysetPage<CardRecord>({
    field,
    kind: 'string',
    dir: 1,
    ...cursors,
    size: PORTAL_PAGE_SIZE,
    valueOf: (row) => valueAt(row, field),
    find: (cursor, sort, limit) =>
      FirmModel.find(cursor ? { $and: [OPEN_TO_ALL, cursor] } : OPEN_TO_ALL, CARD_FIELDS)
        .sort(sort)
        .limit(limit)
        .lean(),
  });
}

export type PortalHome = {
  list: PortalList;
  counts: Record<PortalList, number>;
  firms: PortalCard[];
  page: { next?: string; prev?: string };
  matches: (PortalMatch & { firm: PortalCard })[];
};

// GET /portal: the organisation's latest conversations, and one of its two lists a page at a time: the firms staff
// shared with it by name (first, when there are any) or those open to every investor; each card with the organisation's
// own match stage. A conversation on a firm it can no longer see stays on the staff side.
// A page of it is kept by the computed pattern, per organisation, language and page, until a firm or a match changes:
// the portal is then one read by _id, where it took five queries. The key carries the shape's number (bump it when
// PortalHome changes).
const KEPT_HOME_SHAPE = 1;

export async function portalHome(
  orgId: string | undefined,
  lang: Lang,
  query: PageCursors & { list?: PortalList } = {},
): Promise<PortalHome> {
  if (!orgId || !Types.ObjectId.isValid(orgId))
    return { list: 'open', counts: { shared: 0, open: 0 }, firms: [], page: {}, matches: [] };
  return readComputed(['firms', 'matches'], computedKey(`portal-home:${KEPT_HOME_SHAPE}`, { orgId, lang, query }), () =>
    readPortalHome(orgId, lang, query),
  );
}

async function readPortalHome(
  orgId: string,
  lang: Lang,
  query: PageCursors & { list?: PortalList },
): Promise<PortalHome> {
  const [entries, openCount, matches] = await Promise.all([
    sharedEntries(orgId, lang),
    // Counting them reads every one: a computed figure.
    readComputed('firms', 'portal-open', () => FirmModel.countDocuments(OPEN_TO_ALL)),
    MatchModel.find({ investor: orgId }, { firm: 1, stage: 1, stageSince: 1, open: 1, interestAt: 1 })
      .sort({ stageSince: -1 })
      .limit(MAX_MATCHES)
      .lean(),
  ]);
  const list = query.list ?? (entries.length ? 'shared' : 'open');
  const cursors = { after: query.after, before: query.before };
  const page = list === 'shared' ? await sharedPage(entries, orgId, lang, cursors) : await openPage(lang, cursors);
  // The firms of the conversations that are not on this page, read by id (one query, whatever the page).
  const matchOf = new Map(matches.map((m) => [String(m.firm), toMatch(m)]));
  const shown = new Set(page.rows.map((f) => String(f._id)));
  const others = await readCards([...matchOf.keys()].filter((id) => !shown.has(id)));
  const card = (f: CardRecord) => toCard(f, lang, matchOf.get(String(f._id)));
  const byId = new Map(
    [...page.rows, ...others.filter((f) => isSharedWith(f, orgId))].map((f) => [String(f._id), card(f)]),
  );
  return {
    list,
    counts: { shared: entries.length, open: openCount },
    firms: page.rows.map(card),
    page: { next: page.next, prev: page.prev },
    matches: matches.flatMap((m) => {
      const firm = byId.get(String(m.firm));
      return firm ? [{ ...toMatch(m), firm }] : [];
    }),
  };
}

// One firm as the organisation may see it, or a 404 (never a 403: an unshared firm's existence is not revealed).
async function sharedFirm(firmId: string, orgId: string | undefined) {
  const firm = Types.ObjectId.isValid(firmId) ? await FirmModel.findById(firmId, PROFILE_FIELDS).lean() : null;
  if (!firm || !isSharedWith(firm, orgId)) throw NotFound('firm');
  return firm;
}

// GET /portal/firms/:id: the one-page profile, with the organisation's own match stage and the answers it may still give.
export async function portalProfile(
  firmId: string,
  orgId: string | undefined,
  lang: Lang,
): Promise<PortalProfile & { may: InvestorAnswers }> {
  const firm = await sharedFirm(firmId, orgId);
  const [people, match] = await Promise.all([
    // Names, roles and links only; the contact's title and email are copied out for the chosen contact alone.
    PersonModel.find({ 'firms.firm': firm._id }, { name: 1, title: 1, email: 1, firms: 1 }).limit(200).lean(),
    MatchModel.findOne(
      { firm: firm._id, investor: orgId },
      { stage: 1, stageSince: 1, open: 1, interestAt: 1, history: 1 },
    ).lean(),
  ]);
  return { ...toProfile(firm, people, lang, match ? toMatch(match) : undefined), may: investorAnswers(match) };
}

// Checks the firm is shared with the organisation (404 otherwise), then passes the answer to the matches service; false
// when the answer had been given already (nothing changed).
export async function respond(
  firmId: string,
  orgId: string | undefined,
  response: InvestorResponse,
  actor: MatchActor,
): Promise<boolean> {
  await sharedFirm(firmId, orgId);
  return (await respondAsInvestor(firmId, orgId!, response, actor)).changed;
}

// For the reload of a rejected pass form: the firm must be visible (404 otherwise).
export async function assertShared(firmId: string, orgId: string | undefined): Promise<void> {
  await sharedFirm(firmId, orgId);
}
