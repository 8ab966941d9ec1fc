import { COMPUTED_COLLECTION } from '../../models/computed.model.js';
import mongoose from 'mongoose';
import { BSON } from 'mongodb';
import { makeFirm, makeInvestorOrg, makeUser } from './factories.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { ImportBatchModel } from '../../models/import-batch.model.js';
import { MatchModel } from '../../models/match.model.js';
import { TargetModel } from '../../models/target.model.js';
import { ApiTokenModel } from '../../models/api-token.model.js';

export type RouteFixtures = {
  userId: string;
  firmId: string;
  roundId: string;
  personId: string;
  investorId: string;
  batchId: string;
  matchId: string;
  targetId: string;
  tokenId: string;
  fundId: string;
  contactId: string;
};

// One of each record a route can name in its URL, fresh for every route under test.
export async function makeRouteFixtures(): Promise<RouteFixtures> {
  const target = await makeUser({ role: 'viewer' });
  const firm = await makeFirm();
  const investor = await makeInvestorOrg();
  // One fund and one contact of the investor (its nested routes name them).
  const fundId = new mongoose.Types.ObjectId();
  await InvestorOrgModel.updateOne(
    { _id: investor._id },
    { $push: { funds: { _id: fundId, name: 'Fixture Fund I', sizeKrw: 10_000_000_000, vintage: '2024-01-15' } } },
  );
  const contact = await PersonModel.create({
    name: 'Choi',
    email: `contact-${String(fundId)}@fixture.example`,
    investorOrg: investor._id,
    investorRole: 'partner',
  });
  const round = await FundingRoundModel.create({
    firm: firm._id,
    stage: 'seed',
    instrument: 'rcps',
    amountKrw: 1,
    status: 'planned',
  });
  const person = await PersonModel.create({ name: 'Park', firms: [{ firm: firm._id, role: 'founder' }] });
  const batch = await ImportBatchModel.create({
    kind: 'firms',
    filename: 'empty.csv',
    by: target._id,
    status: 'previewed',
  });
  // A match of the firm with another investor, so the firm and investor above can still be matched (POST /matches).
  const at = new Date();
  const match = await MatchModel.create({
    firm: firm._id,
    investor: (await makeInvestorOrg())._id,
    stage: 'suggested',
    open: true,
    cycle: 1,
    stageSince: at,
    history: [{ stage: 'suggested', at, cycle: 1 }],
    firmSector: 'payments',
    investorType: 'vc',
  });
  const reportTarget = await TargetModel.create({
    nameEn: 'Fixture target',
    metric: 'resident-firms',
    baseline: { value: 19, on: '2024-12-31' },
    target: { value: 60, on: '2026-12-31' },
  });
  const token = await ApiTokenModel.create({
    name: 'Fixture token',
    hash: `fixture-${String(reportTarget._id)}`,
    hint: 'tt_fixt',
  });
  return {
    userId: String(target._id),
    firmId: String(firm._id),
    roundId: String(round._id),
    personId: String(person._id),
    investorId: String(investor._id),
    batchId: String(batch._id),
    matchId: String(match._id),
    targetId: String(reportTarget._id),
    tokenId: String(token._id),
    fundId: String(fundId),
    contactId: String(contact._id),
  };
}

// A route's path with its parameters filled from the fixtures (":id" names the record of the path's first segment).
export function fillPath(path: string, f: RouteFixtures): string {
  const idOf: Record<string, string> = {
    admin: f.userId,
    firms: f.firmId,
    investors: f.investorId,
    portal: f.firmId,
    matches: f.matchId,
  };
  const first = path.split('/')[1] ?? '';
  return path
    .replace(':id', idOf[first] ?? ':id')
    .replace(':roundId', f.roundId)
    .replace(':personId', f.personId)
    .replace(':fundId', f.fundId)
    .replace(':contactId', f.contactId)
    .replace(':batchId', f.batchId)
    .replace(':kind', 'firms')
    .replace(':targetId', f.targetId)
    .replace(':tokenId', f.tokenId)
    .replace(':table', 'targets')
    .replace(':chart', 'residents');
}

// A rule's body with fixture ids where it names them (':firmId', ':investorId'), for forms that pick records.
export function fillBody(
  body: Record<string, string> | undefined,
  f: RouteFixtures,
): Record<string, string> | undefined {
  if (!body) return body;
  const ids: Record<string, string> = { ':firmId': f.firmId, ':investorId': f.investorId, ':userId': f.userId };
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, ids[v] ?? v]));
}

// Every document of every collection but the sessions and login counters, as canonical text: equal snapshots mean
// nothing the user could see was changed.
export async function snapshotDatabase(): Promise<string> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    // Sessions and login counters change on any request; computed figures (models/computed.model.ts) are derived from
    // the other collections and may be stored by any read.
    .filter((n) => n !== 'sessions' && n !== 'login_limits' && n !== COMPUTED_COLLECTION)
    .sort();
  const parts: string[] = [];
  for (const name of names) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    if (docs.length) parts.push(`${name}:${BSON.EJSON.stringify(docs)}`);
  }
  return parts.join('\n');
}
