import { FirmModel } from '../../models/firm.model.js';
import { NotFound, ValidationFailed } from '../lib/app-error.js';
import { atVersion, nextVersion, versionOf, type Versioned } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import { recordAudit, diffFields, editConflictSince, type Actor } from '../audit/index.js';
import { investorNames, investorOptions, type InvestorOption } from '../investors/index.js';
import type { SharingInput } from './sharing.schemas.js';

const SHARING_FIELDS = { nameKo: 1, nameEn: 1, __v: 1, 'fundraising.openToInvestors': 1, sharing: 1 } as const;

type Stored = {
  fundraising?: { openToInvestors?: boolean | null } | null;
  sharing?: { orgs?: unknown[] | null; summaryKo?: string | null; summaryEn?: string | null } | null;
};

export type SharingValues = { openToInvestors: string; orgs: string[]; summaryKo: string; summaryEn: string };
export type OrgChoice = InvestorOption & { archived: boolean };
export type SharingForm = {
  firm: { _id: string; nameKo?: string | null; nameEn?: string | null };
  versioned: Versioned;
  orgs: OrgChoice[];
};

const storedOrgs = (f: Stored) => (f.sharing?.orgs ?? []).map(String);

// The stored sharing as the form's values (and as the base an edit is merged against).
const sharingValues = (f: Stored): SharingValues => ({
  openToInvestors: f.fundraising?.openToInvestors ? 'true' : '',
  orgs: storedOrgs(f),
  summaryKo: f.sharing?.summaryKo ?? '',
  summaryEn: f.sharing?.summaryEn ?? '',
});

// What the user sent, in the same shape.
export const sharingInputValues = (i: SharingInput): SharingValues => ({
  openToInvestors: i.openToInvestors ? 'true' : '',
  orgs: i.orgs,
  summaryKo: i.summaryKo ?? '',
  summaryEn: i.summaryEn ?? '',
});

async function getSharing(firmId: string) {
  const firm = await FirmModel.findById(firmId, SHARING_FIELDS).lean();
  if (!firm) throw NotFound('firm');
  return firm;
}

// The organisations the form offers: every one not archived, and an archived one the firm is still shared with (so a
// save that does not touch it keeps it).
async function orgChoices(shared: string[]): Promise<OrgChoice[]> {
  const active = await investorOptions();
  const activeIds = new Set(active.map((o) => o._id));
  const archived = await investorNames(shared.filter((id) => !activeIds.has(id)));
  return [...active.map((o) => ({ ...o, archived: false })), ...archived.map((o) => ({ ...o, archived: true }))];
}

// What the firm page shows of the sharing: the organisations by name (archived ones too) and the summary. The form, with
// every organisation to choose from (1,000 or more), is on its own page.
export type SharingSummary = {
  firmId: string;
  sharedWithAll: boolean;
  orgs: InvestorOption[];
  summaryKo: string;
  summaryEn: string;
};

// Of a firm read already (the firm page holds it), or read here.
// `known`: organisations whose names the caller has read already (the firm page's records): only the others are read.
export async function sharingSummary(
  firmOrId: string | ({ _id: unknown } & Stored),
  known: readonly InvestorOption[] = [],
): Promise<SharingSummary> {
  const firm = typeof firmOrId === 'string' ? await getSharing(firmOrId) : firmOrId;
  const values = sharingValues(firm);
  const missing = values.orgs.filter((id) => !known.some((o) => o._id === id));
  const names = missing.length ? [...known, ...(await investorNames(missing))] : known;
  const byId = new Map(names.map((o) => [o._id, o]));
  return {
    firmId: String(firm._id),
    sharedWithAll: values.openToInvestors === 'true',
    orgs: values.orgs.flatMap((id) => byId.get(id) ?? []),
    summaryKo: values.summaryKo,
    summaryEn: values.summaryEn,
  };
}

export async function sharingForm(firmId: string): Promise<SharingForm> {
  const firm = await getSharing(firmId);
  return {
    firm: { _id: String(firm._id), nameKo: firm.nameKo, nameEn: firm.nameEn },
    versioned: { version: versionOf(firm), values: sharingValues(firm) },
    orgs: await orgChoices(storedOrgs(firm)),
  };
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

// Shares the firm with every investor and/or chosen organisations, with the summary they read. Saved only while the firm
// is at the version the form was loaded at (like every edit; the firm's own edit form holds the "open to investors" flag
// too), audited with the field changes; organisations are named in the audit entry, not identified by id.
export async function updateSharing(firmId: string, input: SharingInput, actor: Actor): Promise<{ changed: boolean }> {
  const { _csrf, _version, _base, ...fields } = input;
  const before = await getSharing(firmId);
  const version = _version ?? versionOf(before);
  if (version !== versionOf(before)) throw await editConflictSince(firmId, version);
  const stored = storedOrgs(before);
  const choices = await orgChoices(stored);
  const nameOf = new Map(choices.map((o) => [o._id, nameIn(o, 'ko')]));
  if (fields.orgs.some((id) => !nameOf.has(id))) throw ValidationFailed({ orgs: ['portal.sharing.errors.unknownOrg'] });

  const changes = diffFields(
    {
      fundraising: { openToInvestors: Boolean(before.fundraising?.openToInvestors) },
      sharing: { summaryKo: before.sharing?.summaryKo, summaryEn: before.sharing?.summaryEn },
    },
    {
      fundraising: { openToInvestors: fields.openToInvestors },
      sharing: { summaryKo: fields.summaryKo, summaryEn: fields.summaryEn },
    },
  );
  if (!sameSet(stored, fields.orgs)) {
    const names = (ids: string[]) => (ids.length ? ids.map((id) => nameOf.get(id) ?? '—') : null);
    changes.push({ field: 'sharing.orgs', before: names(stored), after: names(fields.orgs) });
  }
  if (!changes.length) return { changed: false };

  const $set: Record<string, unknown> = {
    'fundraising.openToInvestors': fields.openToInvestors,
    'sharing.orgs': fields.orgs,
    lastActivityAt: new Date(),
  };
  const $unset: Record<string, 1> = {};
  for (const key of ['summaryKo', 'summaryEn'] as const) {
    if (fields[key]) $set[`sharing.${key}`] = fields[key];
    else $unset[`sharing.${key}`] = 1;
  }
  // updateOne, not findOneAndUpdate with a projection (FerretDB v1 refuses findAndModify's "fields"): the version written is known.
  const res = await FirmModel.updateOne({ _id: firmId, ...atVersion(version) }, nextVersion($set, $unset));
  if (!res.modifiedCount) throw await editConflictSince(firmId, version);
  await recordAudit({
    actor,
    entity: 'firm',
    entityId: before._id,
    firm: before._id,
    entityLabel: nameIn(before, 'ko'),
    action: 'update',
    changes,
    version: version + 1,
  });
  return { changed: true };
}
