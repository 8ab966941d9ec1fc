import mongoose from 'mongoose';
import { BSON } from 'mongodb';
import { makeFirm, makeInvestorOrg, makeUser } from './factories.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import { ImportBatchModel } from '../../models/import-batch.model.js';

export type RouteFixtures = { userId: string; firmId: string; roundId: string; personId: string; investorId: string; batchId: string };

// One of each record a route can name in its URL, fresh for every route under test.
export async function makeRouteFixtures(): Promise<RouteFixtures> {
  const target = await makeUser({ role: 'viewer' });
  const firm = await makeFirm();
  const investor = await makeInvestorOrg();
  const round = await FundingRoundModel.create({ firm: firm._id, stage: 'seed', instrument: 'rcps', amountKrw: 1, status: 'planned' });
  const person = await PersonModel.create({ name: 'Park', firms: [{ firm: firm._id, role: 'founder' }] });
  const batch = await ImportBatchModel.create({ kind: 'firms', filename: 'empty.csv', by: target._id, status: 'previewed' });
  return {
    userId: String(target._id), firmId: String(firm._id), roundId: String(round._id), personId: String(person._id),
    investorId: String(investor._id), batchId: String(batch._id),
  };
}

// A route's path with its parameters filled from the fixtures (":id" names the record of the path's first segment).
export function fillPath(path: string, f: RouteFixtures): string {
  const idOf: Record<string, string> = { admin: f.userId, firms: f.firmId, investors: f.investorId };
  const first = path.split('/')[1] ?? '';
  return path
    .replace(':id', idOf[first] ?? ':id')
    .replace(':roundId', f.roundId)
    .replace(':personId', f.personId)
    .replace(':batchId', f.batchId)
    .replace(':kind', 'firms');
}

// Every document of every collection but the sessions and login counters, as canonical text: equal snapshots mean
// nothing the user could see was changed.
export async function snapshotDatabase(): Promise<string> {
  const db = mongoose.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n !== 'sessions' && n !== 'login_limits').sort();
  const parts: string[] = [];
  for (const name of names) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    if (docs.length) parts.push(`${name}:${BSON.EJSON.stringify(docs)}`);
  }
  return parts.join('\n');
}
