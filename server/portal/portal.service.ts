import { Types } from 'mongoose';
import { FirmModel } from '../../models/firm.model.js';
import { PersonModel } from '../../models/person.model.js';
import { MatchModel } from '../../models/match.model.js';
import type { MatchStage } from '../../models/enums.js';
import { NotFound } from '../lib/app-error.js';
import type { Lang } from '../lib/money.js';
import { respondAsInvestor, type InvestorResponse, type MatchActor } from '../matches/index.js';
import { isSharedWith, mergeShared } from './visibility-rules.js';
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

// Enough for any incubator's shared deal flow on one page; the home page is not paginated.
const MAX_SHARED = 300;

const toMatch = (m: { stage: string; stageSince: Date }): PortalMatch => ({
  stage: m.stage as MatchStage,
  since: m.stageSince,
});

// The firms shared with an organisation. Two queries merged in TypeScript rather than one $or: on MongoDB each is served
// by its own declared index ({archived, fundraising.openToInvestors, sortName, _id} and {sharing.orgs}), which an $or of
// an indexed and a differently indexed clause may not be planned as; FerretDB scans either way.
async function sharedFirmRecords(orgId: string, lang: Lang) {
  if (!Types.ObjectId.isValid(orgId)) return [];
  const [withAll, withOrg] = await Promise.all([
    FirmModel.find({ archived: false, 'fundraising.openToInvestors': true }, CARD_FIELDS)
      .sort({ sortName: 1, _id: 1 })
      .limit(MAX_SHARED)
      .lean(),
    FirmModel.find({ 'sharing.orgs': orgId }, CARD_FIELDS).limit(MAX_SHARED).lean(),
  ]);
  return mergeShared([withAll, withOrg], orgId, lang);
}

export type PortalHome = { firms: PortalCard[]; matches: (PortalMatch & { firm: PortalCard })[] };

// GET /portal: the shared firms as cards, each with the organisation's own match stage, and its matches (those on firms
// it can see: a match staff keep on a firm not shared with it stays on the staff side).
export async function portalHome(orgId: string | undefined, lang: Lang): Promise<PortalHome> {
  if (!orgId) return { firms: [], matches: [] };
  const [records, matches] = await Promise.all([
    sharedFirmRecords(orgId, lang),
    MatchModel.find({ investor: orgId }, { firm: 1, stage: 1, stageSince: 1 })
      .sort({ stageSince: -1 })
      .limit(MAX_SHARED)
      .lean(),
  ]);
  const matchOf = new Map(matches.map((m) => [String(m.firm), toMatch(m)]));
  const firms = records.map((f) => toCard(f, lang, matchOf.get(String(f._id))));
  const byId = new Map(firms.map((f) => [f.id, f]));
  return {
    firms,
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
