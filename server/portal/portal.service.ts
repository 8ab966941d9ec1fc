import { Types } from 'mongoose';
import { FirmModel } from '../../models/firm.model.js';
import { PersonModel } from '../../models/person.model.js';
import { MatchModel } from '../../models/match.model.js';
import type { MatchStage } from '../../models/enums.js';
import { NotFound } from '../lib/app-error.js';
import type { Lang } from '../lib/money.js';
import { respondAsInvestor, type InvestorResponse, type MatchActor } from '../matches/index.js';
import { isSharedWith, mergeShared } from './visibility-rules.js';
import { keysetPage } from '../lib/keyset.js';
import { valueAt } from '../lib/dotted-path.js';
import { readComputed } from '../lib/computed.service.js';
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

// Firms shared with one organisation by name are few (staff choose each); their list is not paginated.
const MAX_SHARED = 300;
// Firms open to every investor may be hundreds: a page of cards at a time, by name (keyset pages, server/lib/keyset.ts).
export const PORTAL_PAGE_SIZE = 24;
// The organisation's conversations shown, latest move first.
const MAX_MATCHES = 50;

const toMatch = (m: { stage: string; stageSince: Date }): PortalMatch => ({
  stage: m.stage as MatchStage,
  since: m.stageSince,
});

type CardRecord = Awaited<ReturnType<typeof sharedWithOrg>>[number];

// The firms shared with the organisation by name, archived ones dropped by the visibility rule, by name in the page's
// language. Which firms those are is
// kept by the computed pattern per organisation: {sharing.orgs} is an index of an array on MongoDB, but the embedded
// database finds them by reading every firm; the firms themselves are then read by _id.
async function sharedWithOrg(orgId: string, lang: Lang) {
  const ids = await readComputed('firms', `shared-with:${orgId}`, async () =>
    (
      await FirmModel.find({ 'sharing.orgs': orgId }, { _id: 1 })
        .limit(MAX_SHARED)
        .batchSize(MAX_SHARED + 1)
        .lean()
    ).map((f) => String(f._id)),
  );
  const rows = await FirmModel.find({ _id: { $in: ids } }, CARD_FIELDS)
    .batchSize(ids.length + 1)
    .lean();
  return mergeShared([rows], orgId, lang);
}

// One page of the firms open to every investor, by name in the page's language ({archived, fundraising.openToInvestors,
// sortName|sortNameKo, _id}), and how many there are (a computed figure: counting them reads every one).
async function openToAll(lang: Lang, cursors: { after?: string; before?: string }) {
  const open = { archived: false, 'fundraising.openToInvestors': true };
  const field = lang === 'ko' ? 'sortNameKo' : 'sortName';
  const [page, total] = await Promise.all([
    keysetPage<CardRecord>({
      field,
      kind: 'string',
      dir: 1,
      ...cursors,
      size: PORTAL_PAGE_SIZE,
      valueOf: (row) => valueAt(row, field),
      find: (cursor, sort, limit) =>
        FirmModel.find(cursor ? { $and: [open, cursor] } : open, CARD_FIELDS)
          .sort(sort)
          .limit(limit)
          .lean(),
    }),
    readComputed('firms', 'portal-open', () => FirmModel.countDocuments(open)),
  ]);
  return { ...page, total };
}

export type PortalHome = {
  direct: PortalCard[];
  open: PortalCard[];
  page: { next?: string; prev?: string; total: number };
  matches: (PortalMatch & { firm: PortalCard })[];
};

// GET /portal: the firms shared with the organisation by name, a page of those open to every investor (each card with
// the organisation's own match stage), and its latest conversations (on firms it can see: a match staff keep on a firm
// not shared with it stays on the staff side).
export async function portalHome(
  orgId: string | undefined,
  lang: Lang,
  cursors: { after?: string; before?: string } = {},
): Promise<PortalHome> {
  if (!orgId || !Types.ObjectId.isValid(orgId)) return { direct: [], open: [], page: { total: 0 }, matches: [] };
  const [direct, open, matches] = await Promise.all([
    sharedWithOrg(orgId, lang),
    openToAll(lang, cursors),
    MatchModel.find({ investor: orgId }, { firm: 1, stage: 1, stageSince: 1 })
      .sort({ stageSince: -1 })
      .limit(MAX_MATCHES)
      .lean(),
  ]);
  const matchOf = new Map(matches.map((m) => [String(m.firm), toMatch(m)]));
  const card = (f: CardRecord) => toCard(f, lang, matchOf.get(String(f._id)));
  const directIds = new Set(direct.map((f) => String(f._id)));
  // The firms of the conversations that are on neither list of this page, read by id (one query, whatever the page).
  const shown = new Set([...directIds, ...open.rows.map((f) => String(f._id))]);
  const missing = [...matchOf.keys()].filter((id) => !shown.has(id));
  const others = (await FirmModel.find({ _id: { $in: missing } }, CARD_FIELDS).lean()).filter((f) =>
    isSharedWith(f, orgId),
  );
  const byId = new Map([...direct, ...open.rows, ...others].map((f) => [String(f._id), card(f)]));
  return {
    direct: direct.map(card),
    open: open.rows.filter((f) => !directIds.has(String(f._id))).map(card),
    page: { next: open.next, prev: open.prev, total: open.total },
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

// GET /portal/firms/:id: the one-page profile, with the organisation's own match stage.
export async function portalProfile(firmId: string, orgId: string | undefined, lang: Lang): Promise<PortalProfile> {
  const firm = await sharedFirm(firmId, orgId);
  const [people, match] = await Promise.all([
    // Names, roles and links only; the contact's title and email are copied out for the chosen contact alone.
    PersonModel.find({ 'firms.firm': firm._id }, { name: 1, title: 1, email: 1, firms: 1 }).limit(200).lean(),
    MatchModel.findOne({ firm: firm._id, investor: orgId }, { stage: 1, stageSince: 1 }).lean(),
  ]);
  return toProfile(firm, people, lang, match ? toMatch(match) : undefined);
}

// Checks the firm is shared with the organisation (404 otherwise), then passes the answer to the matches service.
export async function respond(
  firmId: string,
  orgId: string | undefined,
  response: InvestorResponse,
  actor: MatchActor,
): Promise<void> {
  await sharedFirm(firmId, orgId);
  await respondAsInvestor(firmId, orgId!, response, actor);
}

// For the reload of a rejected pass form: the firm must be visible (404 otherwise).
export async function assertShared(firmId: string, orgId: string | undefined): Promise<void> {
  await sharedFirm(firmId, orgId);
}
