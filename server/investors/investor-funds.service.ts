import { Types } from 'mongoose';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { NotFound } from '../lib/app-error.js';
import { nameIn } from '../lib/names.js';
import { atVersion, versionOf } from '../lib/edit-conflict.js';
import { recordAudit, diffFields, editConflictSince, type Actor } from '../audit/index.js';
import type { EditFundInput, FundInput } from './investors.schemas.js';

// The funds an organisation manages, kept on its document. Every fund write moves the organisation to its next version,
// so an edit form of the organisation or of a fund loaded before it is merged like any edit (server/lib/edit-conflict.ts).
// Adding ($push) is a single atomic update; an edit or a removal rewrites the list while the version still matches (the
// database subset has no positional "$" update, and FerretDB's $pull does not take a condition on an element's fields).

export type StoredFund = {
  _id: Types.ObjectId;
  name: string;
  sizeKrw: number;
  vintage?: string | null;
  dryPowderKrw?: number | null;
  bifcStartupFund?: boolean | null;
};
type OrgFunds = {
  _id: Types.ObjectId;
  nameKo?: string | null;
  nameEn?: string | null;
  funds: StoredFund[];
  __v?: number;
};

const fundOf = (input: FundInput) => ({
  name: input.name,
  sizeKrw: input.sizeKrw,
  vintage: input.vintage,
  dryPowderKrw: input.dryPowderKrw,
  bifcStartupFund: input.bifcStartupFund,
});
// A fund as the audit log lists it: its fields under "fund." (labelled in fieldLabels.fund).
const audited = (f: Partial<StoredFund>) => ({
  fund: {
    name: f.name,
    sizeKrw: f.sizeKrw,
    vintage: f.vintage,
    dryPowderKrw: f.dryPowderKrw,
    bifcStartupFund: f.bifcStartupFund,
  },
});
const labelOf = (org: OrgFunds, fund: { name: string }) => `${nameIn(org, 'en')} · ${fund.name}`;

const REMOVE_ATTEMPTS = 3;

async function orgFunds(investorId: string): Promise<OrgFunds> {
  const org = await InvestorOrgModel.findById(investorId, { nameKo: 1, nameEn: 1, funds: 1, __v: 1 }).lean<OrgFunds>();
  if (!org) throw NotFound('investor');
  return org;
}

// A fund is reached through its organisation: the id of another organisation's fund is a 404.
export async function getFund(investorId: string, fundId: string): Promise<{ fund: StoredFund; version: number }> {
  const org = await orgFunds(investorId);
  const fund = org.funds.find((f) => String(f._id) === fundId);
  if (!fund) throw NotFound('fund');
  return { fund, version: versionOf(org) };
}

export async function addFund(investorId: string, input: FundInput, actor: Actor): Promise<{ id: string }> {
  const fund = { _id: new Types.ObjectId(), ...fundOf(input) };
  const saved = await InvestorOrgModel.findOneAndUpdate(
    { _id: investorId },
    { $push: { funds: fund }, $inc: { __v: 1 } },
    { returnDocument: 'after' },
  ).lean<OrgFunds>();
  if (!saved) throw NotFound('investor');
  await recordAudit({
    actor,
    entity: 'investor',
    entityId: saved._id,
    entityLabel: labelOf(saved, fund),
    action: 'update',
    changes: diffFields({}, audited(fund)),
    version: versionOf(saved),
  });
  return { id: String(fund._id) };
}

// Saves only while the organisation is at the version the form was loaded at (`_version`; without one, as stored now).
export async function updateFund(
  investorId: string,
  fundId: string,
  input: EditFundInput,
  actor: Actor,
): Promise<void> {
  const org = await orgFunds(investorId);
  const before = org.funds.find((f) => String(f._id) === fundId);
  if (!before) throw NotFound('fund');
  const version = input._version ?? versionOf(org);
  if (version !== versionOf(org)) throw await editConflictSince(investorId, version);
  const after = { _id: before._id, ...fundOf(input) };
  const changes = diffFields(audited(before), audited(after));
  if (!changes.length) return;
  const funds = org.funds.map((f) => (String(f._id) === fundId ? after : f));
  const saved = await InvestorOrgModel.findOneAndUpdate(
    { _id: investorId, ...atVersion(version) },
    { $set: { funds }, $inc: { __v: 1 } },
    { returnDocument: 'after' },
  ).lean<OrgFunds>();
  if (!saved) throw await editConflictSince(investorId, version);
  await recordAudit({
    actor,
    entity: 'investor',
    entityId: saved._id,
    entityLabel: labelOf(saved, after),
    action: 'update',
    changes,
    version: versionOf(saved),
  });
}

export async function removeFund(investorId: string, fundId: string, actor: Actor): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const org = await orgFunds(investorId);
    const fund = org.funds.find((f) => String(f._id) === fundId);
    // Unknown here, or removed by someone else meanwhile: nothing to remove.
    if (!fund) throw NotFound('fund');
    const funds = org.funds.filter((f) => f !== fund);
    const saved = await InvestorOrgModel.findOneAndUpdate(
      { _id: investorId, ...atVersion(versionOf(org)) },
      { $set: { funds }, $inc: { __v: 1 } },
      { returnDocument: 'after' },
    ).lean<OrgFunds>();
    if (!saved) {
      // Written by someone else since it was read: read again (a removal needs no one's consent).
      if (attempt < REMOVE_ATTEMPTS) continue;
      throw await editConflictSince(investorId, versionOf(org));
    }
    await recordAudit({
      actor,
      entity: 'investor',
      entityId: saved._id,
      entityLabel: labelOf(saved, fund),
      action: 'update',
      changes: diffFields(audited(fund), {}),
      version: versionOf(saved),
    });
    return;
  }
}
