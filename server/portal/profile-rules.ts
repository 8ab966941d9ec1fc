import { compareNames } from '../lib/names.js';
import type { MatchStage, PERSON_ROLES } from '../../models/enums.js';
import type { Lang } from '../lib/money.js';

// What an investor sees of a shared firm, built field by field from the stored records (pure). Anything not copied here
// (staff notes, status history, registration number, other people's contact details, other investors' matches, audit
// entries) never reaches the portal's views.

type PersonRole = (typeof PERSON_ROLES)[number];
// The people shown as the firm's founding team: names and roles only.
const FOUNDER_ROLES = ['founder', 'co-founder', 'ceo', 'cto'] as const satisfies readonly PersonRole[];
type FounderRole = (typeof FOUNDER_ROLES)[number];

type Text = string | null | undefined;

export type PortalFirmRecord = {
  _id: unknown;
  nameKo?: Text;
  nameEn?: Text;
  pitch?: Text;
  sectorPrimary: string;
  sectorsSecondary?: string[] | null;
  stage?: Text;
  headcount?: number | null;
  contactPerson?: unknown;
  fundraising?: { raising?: boolean | null; targetKrw?: number | null; stage?: Text; instrument?: Text } | null;
  sharing?: { summaryKo?: Text; summaryEn?: Text } | null;
  totals?: { raisedKrw?: number | null } | null;
};

export type PortalPersonRecord = {
  _id: unknown;
  name: string;
  title?: Text;
  email?: Text;
  firms: { firm: unknown; role: string }[];
};

export type PortalMatch = { stage: MatchStage; since: Date; interested: boolean };

export type PortalCard = {
  id: string;
  nameKo?: string;
  nameEn?: string;
  pitch?: string;
  summary?: string;
  sector: string;
  stage?: string;
  raising: boolean;
  targetKrw?: number;
  roundStage?: string;
  instrument?: string;
  match?: PortalMatch;
};

export type PortalProfile = PortalCard & {
  sectorsSecondary: string[];
  raisedKrw: number;
  headcount?: number;
  founders: { name: string; role: FounderRole }[];
  contact?: { name: string; title?: string; email?: string };
};

const opt = <T>(v: T | null | undefined): T | undefined => (v === null || v === undefined || v === '' ? undefined : v);

// The investor summary in the page's language, else the other one.
export function summaryIn(sharing: PortalFirmRecord['sharing'], lang: Lang): string | undefined {
  const [first, second] =
    lang === 'en' ? [sharing?.summaryEn, sharing?.summaryKo] : [sharing?.summaryKo, sharing?.summaryEn];
  return opt(first) ?? opt(second);
}

export function toCard(firm: PortalFirmRecord, lang: Lang, match?: PortalMatch): PortalCard {
  const f = firm.fundraising ?? {};
  return {
    id: String(firm._id),
    nameKo: opt(firm.nameKo),
    nameEn: opt(firm.nameEn),
    pitch: opt(firm.pitch),
    summary: summaryIn(firm.sharing, lang),
    sector: firm.sectorPrimary,
    stage: opt(firm.stage),
    raising: f.raising === true,
    targetKrw: opt(f.targetKrw),
    roundStage: opt(f.stage),
    instrument: opt(f.instrument),
    match,
  };
}

const founderRoleOf = (p: PortalPersonRecord, firmId: string): FounderRole | undefined =>
  p.firms.find((l) => String(l.firm) === firmId && (FOUNDER_ROLES as readonly string[]).includes(l.role))?.role as
    FounderRole | undefined;

// The one-page profile: the card's fields, the founding team (names and roles), and the firm's chosen contact person
// (name, title, email) when that person is linked to the firm.
export function toProfile(
  firm: PortalFirmRecord,
  people: readonly PortalPersonRecord[],
  lang: Lang,
  match?: PortalMatch,
): PortalProfile {
  const firmId = String(firm._id);
  const founders = people
    .map((p) => ({ name: p.name, role: founderRoleOf(p, firmId) }))
    .filter((p): p is { name: string; role: FounderRole } => p.role !== undefined)
    .sort(
      (a, b) => FOUNDER_ROLES.indexOf(a.role) - FOUNDER_ROLES.indexOf(b.role) || compareNames(a.name, b.name, lang),
    );
  const chosen = firm.contactPerson
    ? people.find((p) => String(p._id) === String(firm.contactPerson) && p.firms.some((l) => String(l.firm) === firmId))
    : undefined;
  return {
    ...toCard(firm, lang, match),
    sectorsSecondary: firm.sectorsSecondary ?? [],
    raisedKrw: firm.totals?.raisedKrw ?? 0,
    headcount: opt(firm.headcount),
    founders,
    contact: chosen ? { name: chosen.name, title: opt(chosen.title), email: opt(chosen.email) } : undefined,
  };
}
