import { expect } from 'chai';
import mongoose, { Schema } from 'mongoose';
import { Long } from 'mongodb';

// The database subset the project relies on (README, "Database compatibility"), exercised against the test server.
// A change of server (MongoDB ↔ FerretDB, or a new version) shows here first what breaks.
const Thing = mongoose.model(
  'CompatThing',
  new Schema(
    { g: String, v: Number, tags: [String], code: String, at: Date, year: Number, n: Schema.Types.Mixed },
    { optimisticConcurrency: true },
  ),
);
Thing.schema.index({ code: 1 }, { unique: true, sparse: true });
Thing.schema.index({ g: 1, v: -1 });

describe('database compatibility (the subset both MongoDB and FerretDB v1 support)', () => {
  before(async () => {
    await Thing.init();
  });

  const seed = () =>
    Thing.insertMany([
      { g: 'a', v: 2, tags: ['x', 'y'], code: 'A1', year: 2025 },
      { g: 'a', v: 3, tags: ['y'], year: 2026 },
      { g: 'b', v: 5, tags: [], code: 'B1', year: 2026 },
    ]);

  it('$group with two accumulators computes both (FerretDB needs the project fix)', async () => {
    await seed();
    const rows = await Thing.aggregate([
      { $group: { _id: '$g', n: { $sum: 1 }, s: { $sum: '$v' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).to.deep.equal([
      { _id: 'a', n: 2, s: 5 },
      { _id: 'b', n: 1, s: 5 },
    ]);
  });

  it('aggregation stages $match $project $addFields $unset $unwind $sort $skip $limit $count', async () => {
    await seed();
    const unwound = await Thing.aggregate<{ tags: string }>([
      { $match: { year: 2026 } },
      { $unwind: '$tags' },
      { $project: { g: 1, tags: 1 } },
      { $addFields: { k: 1 } },
      { $unset: 'k' },
      { $sort: { g: 1 } },
      { $skip: 0 },
      { $limit: 10 },
    ]);
    expect(unwound.map((r) => r.tags)).to.deep.equal(['y']);
    const [counted] = await Thing.aggregate<{ c: number }>([{ $match: { g: 'a' } }, { $count: 'c' }]);
    expect(counted?.c).to.equal(2);
    const [cnt] = await Thing.aggregate<{ c: number }>([{ $group: { _id: null, c: { $count: {} } } }]);
    expect(cnt?.c).to.equal(3);
  });

  it('query operators', async () => {
    await seed();
    const count = (f: Record<string, unknown>) => Thing.countDocuments(f);
    expect(await count({ v: { $in: [2, 5] } })).to.equal(2);
    expect(await count({ v: { $nin: [2] } })).to.equal(2);
    expect(await count({ v: { $gt: 2, $lte: 5 } })).to.equal(2);
    expect(await count({ v: { $gte: 3, $lt: 5 } })).to.equal(1);
    expect(await count({ g: { $ne: 'a' } })).to.equal(1);
    expect(await count({ g: { $regex: '^A', $options: 'i' } })).to.equal(2);
    expect(await count({ code: { $exists: false } })).to.equal(1);
    expect(await count({ $and: [{ g: 'a' }, { v: 3 }] })).to.equal(1);
    expect(await count({ $or: [{ g: 'b' }, { v: 2 }] })).to.equal(2);
    expect(await count({ $nor: [{ g: 'b' }] })).to.equal(2);
    expect(await count({ v: { $not: { $gt: 2 } } })).to.equal(1);
    expect(await count({ tags: { $elemMatch: { $eq: 'x' } } })).to.equal(1);
    expect(await count({ tags: { $size: 0 } })).to.equal(1);
    expect(await count({ tags: { $all: ['x', 'y'] } })).to.equal(1);
    expect(await count({ v: { $type: 'number' } })).to.equal(3);
    expect(await count({ v: { $mod: [2, 1] } })).to.equal(2);
    expect(await Thing.estimatedDocumentCount()).to.equal(3);
    expect((await Thing.distinct('g')).sort()).to.deep.equal(['a', 'b']);
  });

  it('update operators, findOneAndUpdate with upsert and $setOnInsert, bulkWrite', async () => {
    await seed();
    await Thing.updateOne({ code: 'A1' }, { $set: { v: 10 }, $inc: { year: 1 }, $push: { tags: 'z' } });
    await Thing.updateOne({ code: 'A1' }, { $addToSet: { tags: 'x' } });
    await Thing.updateOne({ code: 'A1' }, { $pull: { tags: 'y' }, $min: { v: 7 }, $unset: { n: 1 } });
    await Thing.updateOne({ code: 'B1' }, { $max: { v: 9 } });
    const a1 = await Thing.findOne({ code: 'A1' }).lean();
    expect(a1!.v).to.equal(7);
    expect(a1!.year).to.equal(2026);
    expect(a1!.tags).to.deep.equal(['x', 'z']);
    expect((await Thing.findOne({ code: 'B1' }).lean())!.v).to.equal(9);
    const up = await Thing.findOneAndUpdate(
      { code: 'C1' },
      { $setOnInsert: { g: 'c', v: 1 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(up.g).to.equal('c');
    const res = await Thing.bulkWrite([
      { updateOne: { filter: { code: 'C1' }, update: { $set: { v: 2 } } } },
      { insertOne: { document: { g: 'd', v: 4 } } },
      { deleteOne: { filter: { code: 'B1' } } },
    ]);
    expect(res.modifiedCount + res.insertedCount + res.deletedCount).to.equal(3);
  });

  it('unique sparse index refuses a duplicate with code 11000 and allows many missing values', async () => {
    await seed();
    await Thing.create({ g: 'e' });
    try {
      await Thing.create({ g: 'f', code: 'A1' });
      expect.fail('duplicate accepted');
    } catch (err) {
      expect((err as { code?: number }).code).to.equal(11000);
    }
  });

  it('optimistic concurrency refuses a save from a stale copy', async () => {
    await seed();
    const one = await Thing.findOne({ code: 'A1' });
    const two = await Thing.findOne({ code: 'A1' });
    one!.v = 100;
    await one!.save();
    two!.v = 200;
    try {
      await two!.save();
      expect.fail('stale save accepted');
    } catch (err) {
      expect((err as Error).name).to.equal('VersionError');
    }
  });

  it('cursors stream documents in order, and Long and Date round-trip', async () => {
    await seed();
    await Thing.create({ g: 'z', n: Long.fromString('9007199254740993'), at: new Date('2026-01-01T00:00:00Z') });
    const seen: number[] = [];
    for await (const doc of Thing.find({ g: 'a' }).sort({ v: 1 }).cursor()) seen.push(doc.v!);
    expect(seen).to.deep.equal([2, 3]);
    const raw = await mongoose.connection.collection('compatthings').findOne({ g: 'z' }, { promoteLongs: false });
    expect(String(raw!.n)).to.equal('9007199254740993');
    expect((raw!.at as Date).toISOString()).to.equal('2026-01-01T00:00:00.000Z');
  });

  it('an integer won amount up to ₩2,400억 and beyond stays exact', async () => {
    await Thing.create({ g: 'money', v: 240_000_000_000 + 1 });
    const [sum] = await Thing.aggregate<{ t: number }>([
      { $match: { g: 'money' } },
      { $group: { _id: null, t: { $sum: '$v' } } },
    ]);
    expect(sum?.t).to.equal(240_000_000_001);
  });
});

describe('conditional writes of one document at once (the FerretDB build serialises them)', () => {
  it('when four clients update the same version at once, then exactly one succeeds and nothing is lost', async () => {
    const col = mongoose.connection.collection<{ v: number; history: number[] }>('race_check');
    for (let round = 0; round < 10; round++) {
      const { insertedId } = await col.insertOne({ v: 0, history: [] });
      const updates = await Promise.all(
        [1, 2, 3, 4].map((k) => col.updateOne({ _id: insertedId, v: 0 }, { $push: { history: k }, $inc: { v: 1 } })),
      );
      expect(updates.filter((u) => u.modifiedCount === 1)).to.have.length(1);
      const found = await Promise.all(
        [1, 2].map((k) => col.findOneAndUpdate({ _id: insertedId, v: 1 }, { $push: { history: k }, $inc: { v: 1 } })),
      );
      expect(found.filter((f) => f !== null)).to.have.length(1);
      const doc = await col.findOne({ _id: insertedId });
      expect(doc!.v).to.equal(2);
      expect(doc!.history).to.have.length(2);
    }
  });
});

describe('many updates in one command (the audit views and imports write bulkWrites of updates)', () => {
  it('when one bulkWrite updates 250 existing documents, then it answers and all are updated (FerretDB needs the project fix)', async () => {
    const col = mongoose.connection.collection<{ _id: string; v: number }>('bulk_update_check');
    await col.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: `k${i}`, v: 0 })));
    const ops = Array.from({ length: 250 }, (_, i) => ({
      updateOne: { filter: { _id: `k${i}` }, update: { $inc: { v: 1 } } },
    }));
    // Unfixed, the 100th statement waits forever for an SQLite connection (the earlier ones keep theirs).
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      col.bulkWrite(ops).then((r) => r.modifiedCount),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer in 10 s'), 10_000))),
    ]);
    clearTimeout(timer);
    expect(outcome).to.equal(250);
    expect(await col.countDocuments({ v: 1 })).to.equal(250);
  });
});

describe('reads by _id (every page reads sessions, users and audit views this way)', () => {
  it('when a document is found by _id, then the server uses the _id index (FerretDB needs the project fix)', async () => {
    await Thing.insertMany(Array.from({ length: 20 }, (_, i) => ({ g: `id-${i}`, v: i })));
    const one = await Thing.findOne({ g: 'id-7' }).lean();
    const plan: unknown = await mongoose.connection.db!.command({
      explain: { find: Thing.collection.collectionName, filter: { _id: one!._id } },
    });
    const text = JSON.stringify(plan);
    // FerretDB reports SQLite's plan ("SEARCH … USING INDEX …" rather than "SCAN …"); MongoDB an _id stage.
    if ('ferretdbVersion' in ((plan as { serverInfo?: object }).serverInfo ?? {}))
      expect(text).to.match(/SEARCH \S+ USING INDEX/);
    else expect(text).to.match(/IDHACK|EXPRESS_IXSCAN|IXSCAN/);
  });
});

describe('filters on indexed fields (every page reads a firm’s rounds, people, notes and matches this way)', () => {
  const explainText = async (filter: object) =>
    JSON.stringify(
      await mongoose.connection.db!.command({ explain: { find: Thing.collection.collectionName, filter } }),
    );
  const isFerret = async () =>
    'ferretdbVersion' in
    (((await mongoose.connection.db!.command({ buildInfo: 1 })) as { ferretdbVersion?: string }) ?? {});

  it('when a find filters an indexed field by equality or $in, then the server uses that index (FerretDB needs the project fix)', async () => {
    await Thing.insertMany(Array.from({ length: 30 }, (_, i) => ({ g: `grp-${i % 3}`, v: i })));
    for (const filter of [{ g: 'grp-1' }, { g: { $in: ['grp-1', 'grp-2'] } }, { g: 'grp-1', v: { $gte: 3 } }]) {
      const text = await explainText(filter);
      if (await isFerret()) expect(text, JSON.stringify(filter)).to.match(/SEARCH \S+ USING INDEX/);
      else expect(text, JSON.stringify(filter)).to.match(/IXSCAN/);
    }
    expect(await Thing.countDocuments({ g: 'grp-1', v: { $gte: 3 } })).to.equal(9);
    expect(await Thing.countDocuments({ g: { $in: ['grp-1', 'grp-2'] } })).to.equal(20);
  });

  it('when a filtered field holds an array, or a value with quotes, then the documents are still found as MongoDB finds them', async () => {
    // the raw collection, since the schema would refuse an array where it declares a string
    await Thing.collection.insertMany([
      { g: 'plain', tags: ['red', 'blue'] },
      { g: ['arr-1', 'arr-2'], v: 1 },
      { g: 'say "hi" & <b>', v: 2 },
      { g: '회사 "따옴표"', v: 3 },
    ]);
    expect(await Thing.countDocuments({ g: 'arr-2' })).to.equal(1);
    expect(await Thing.countDocuments({ g: { $in: ['arr-1', 'nothing'] } })).to.equal(1);
    expect(await Thing.countDocuments({ tags: 'blue' })).to.equal(1);
    expect(await Thing.countDocuments({ g: 'say "hi" & <b>' })).to.equal(1);
    expect(await Thing.countDocuments({ g: '회사 "따옴표"', v: 3 })).to.equal(1);
    expect(await Thing.countDocuments({ $and: [{ g: 'plain' }, { tags: 'red' }] })).to.equal(1);
    const one = await Thing.findOne({ g: 'plain' }).lean();
    expect(await Thing.countDocuments({ _id: one!._id, g: 'plain' })).to.equal(1);
    expect(await Thing.countDocuments({ _id: { $in: [one!._id] }, g: 'other' })).to.equal(0);
    expect(await Thing.countDocuments({ g: 'plain', code: { $ne: 'zzz' } })).to.equal(1);
    // an array in the second field of a compound index, among scalars, arriving after the scalars were queried
    const pairs = mongoose.connection.db!.collection('compat_pairs');
    await pairs.createIndex({ a: 1, b: 1 });
    await pairs.insertMany([
      { a: 'x', b: 'q' },
      { a: 'x', b: 'r' },
    ]);
    expect(await pairs.countDocuments({ a: 'x', b: 'q' })).to.equal(1);
    await pairs.insertOne({ a: 'x', b: ['p', 'q'] });
    expect(await pairs.countDocuments({ a: 'x', b: 'q' })).to.equal(2);
    expect(await pairs.countDocuments({ a: 'x', b: { $in: ['p', 'r'] } })).to.equal(2);
    await pairs.drop();
    // anchored prefixes (the firm search), on strings and array elements
    expect(await Thing.countDocuments({ tags: { $regex: '^bl' } })).to.equal(1);
    // the prefix in another field of the document only
    expect(await Thing.countDocuments({ g: { $regex: '^blue' } })).to.equal(0);
    expect(await Thing.countDocuments({ g: { $regex: '^회사' } })).to.equal(1);
    expect(await Thing.countDocuments({ g: { $regex: '^PL', $options: 'i' } })).to.equal(1);
    expect(await Thing.countDocuments({ $and: [{ g: { $regex: '^arr' } }, { v: 1 }] })).to.equal(1);
    // $or over a scalar field and an array field (the firm list's sector filter), alone, within $and, and with a branch
    // that has nothing to push down
    await Thing.collection.insertMany([
      { g: 'or-a', tags: ['bluegrass'] },
      { g: 'or-b', tags: [] },
      { g: 'or-c', tags: ['green', 'blue'], v: 5 },
    ]);
    const gs = async (filter: Record<string, unknown>) =>
      (await Thing.collection.find(filter).toArray()).map((d) => String(d.g)).sort();
    expect(await gs({ $or: [{ g: 'or-a' }, { tags: 'blue' }] })).to.deep.equal(['or-a', 'or-c', 'plain']);
    expect(await gs({ $or: [{ g: 'nothing' }, { tags: { $in: ['green', 'red'] } }] })).to.deep.equal(['or-c', 'plain']);
    expect(
      await gs({ $and: [{ g: { $in: ['or-a', 'or-b', 'or-c'] } }, { $or: [{ g: 'or-b' }, { tags: 'blue' }] }] }),
    ).to.deep.equal(['or-b', 'or-c']);
    expect(await gs({ $or: [{ g: 'or-a' }, { v: { $gt: 4 } }] })).to.deep.equal(['or-a', 'or-c']);
    expect(await gs({ $or: [{ g: ['arr-1', 'arr-2'] }, { tags: 'bluegrass' }] })).to.deep.equal([
      'arr-1,arr-2',
      'or-a',
    ]);
    expect(await gs({ $or: [{ g: 'arr-1' }, { g: 'say "hi" & <b>' }] })).to.have.length(2);
    // nested paths: arrays of subdocuments, ids and strings
    const [who, other] = [new mongoose.Types.ObjectId(), new mongoose.Types.ObjectId()];
    await Thing.collection.insertMany([
      { g: 'nest', n: { list: [{ who: other }, { who, role: 'lead "x"' }] } },
      { g: 'nest', n: { list: [{ who: other, role: 'lead' }] } },
    ]);
    expect(await Thing.collection.countDocuments({ 'n.list.who': who })).to.equal(1);
    expect(await Thing.collection.countDocuments({ 'n.list.who': { $in: [who, other] } })).to.equal(2);
    expect(await Thing.collection.find({ 'n.list.role': 'lead' }).toArray()).to.have.length(1);
    expect(await Thing.collection.find({ 'n.list.role': 'lead "x"', g: 'nest' }).toArray()).to.have.length(1);
  });
});

describe('reads that need a few fields (FerretDB decodes only those, with the project fix)', () => {
  it('when a find projects, a count filters and a $group sums, then the answers equal those computed from whole documents', async () => {
    await Thing.collection.insertMany([
      { g: 'p', v: 1, n: { deep: { x: 1 }, list: [1, 'a', null] }, code: 'P1', at: new Date('2026-01-02T03:04:05Z') },
      { g: 'p', v: 2, n: null, tags: ['a "q"', '한글'] },
      { g: 'q', n: true },
      { v: 4, year: 2026 },
    ]);
    const whole = await Thing.collection.find({}).sort({ v: 1 }).toArray();
    const projected = await Thing.collection
      .find({ g: { $in: ['p', 'q'] } }, { projection: { n: 1, code: 1, at: 1, tags: 1 } })
      .sort({ v: 1 })
      .toArray();
    const pick = (d: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(d).filter(([k]) => ['_id', 'n', 'code', 'at', 'tags'].includes(k)));
    expect(projected).to.deep.equal(whole.filter((d) => d.g === 'p' || d.g === 'q').map(pick));
    expect(await Thing.countDocuments({ year: 2026 })).to.equal(1);
    expect(await Thing.countDocuments({ $or: [{ g: 'q' }, { v: 4 }] })).to.equal(2);
    const sums = await Thing.aggregate<{ _id: string | null; total: number; n: number }>([
      { $match: { v: { $gte: 1 } } },
      { $group: { _id: '$g', total: { $sum: '$v' }, n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(sums).to.deep.equal([
      { _id: null, total: 4, n: 1 },
      { _id: 'p', total: 3, n: 2 },
    ]);
  });
  it('when array elements are removed by their exact value ($pullAll), then exactly those go (a condition in $pull is ignored by FerretDB v1)', async () => {
    const links = [
      { firm: 'a', role: 'founder' },
      { firm: 'b', role: 'advisor' },
      { firm: 'a', role: 'contact' },
    ];
    const { insertedId } = await Thing.collection.insertOne({ g: 'links', n: links });
    await Thing.collection.updateOne({ _id: insertedId }, {
      $pullAll: { n: links.filter((l) => l.firm === 'a') },
    } as never);
    expect((await Thing.collection.findOne({ _id: insertedId }))!.n).to.deep.equal([{ firm: 'b', role: 'advisor' }]);
  });

  it('when documents are deleted by filters on some of their fields, then exactly the matching ones go and the rest stay whole', async () => {
    await Thing.collection.insertMany([
      { g: 'd', v: 1, n: { deep: { x: 1 } }, tags: ['keep'] },
      { g: 'd', v: 2, n: { deep: { x: 2 } } },
      { g: 'e', v: 3, n: { deep: { x: 1 } }, code: 'E1' },
      { g: 'e', v: 4, tags: ['a "q"', '한글'] },
      { g: 'f', v: 5, n: [1, 'a', null] },
    ]);
    const before = await Thing.collection.find({}).sort({ v: 1 }).toArray();
    expect((await Thing.collection.deleteMany({ 'n.deep.x': 2 })).deletedCount).to.equal(1);
    expect((await Thing.collection.deleteMany({ $or: [{ code: 'E1' }, { tags: '한글' }] })).deletedCount).to.equal(2);
    expect((await Thing.collection.deleteOne({ g: 'd' })).deletedCount).to.equal(1);
    expect(await Thing.collection.find({}).sort({ v: 1 }).toArray()).to.deep.equal(before.filter((d) => d.v === 5));
    expect((await Thing.collection.deleteMany({})).deletedCount).to.equal(1);
    expect(await Thing.collection.countDocuments({})).to.equal(0);
  });
});

describe('sorted reads (FerretDB orders them in SQLite when it can, with the project fix)', () => {
  it('when strings, numbers, dates and missing values are sorted both ways, then the order is MongoDB’s', async () => {
    const codes = ['ab', 'ab c', 'ab!', 'abc', 'a&b', 'a"b', 'a\\b', '한글', '가나', 'Zed', ''];
    const nums = [3, 2.5, -1, 10, 1e12, 0];
    await Thing.collection.insertMany([
      ...codes.map((code, i) => ({ code, v: nums[i % nums.length], at: new Date(Date.UTC(2026, 0, 1 + i)) })),
      { g: 'no code' },
      { code: null, v: null },
    ]);
    const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    const byCode = [...codes].sort(utf8);
    const sorted = async (sort: Record<string, 1 | -1>, limit = 0) =>
      (await Thing.collection.find({}).sort(sort).limit(limit).toArray()).map((d) => d as Record<string, unknown>);
    expect((await sorted({ code: 1, _id: 1 })).map((d) => d.code ?? null)).to.deep.equal([null, null, ...byCode]);
    expect((await sorted({ code: -1, _id: -1 }, 4)).map((d) => d.code)).to.deep.equal(byCode.slice(-4).reverse());
    const projected = await Thing.collection
      .find({ code: { $ne: null } }, { projection: { code: 1, _id: 0 } })
      .sort({ code: 1 })
      .limit(5)
      .toArray();
    expect(projected).to.deep.equal(byCode.slice(0, 5).map((code) => ({ code })));
    const numbers = (await sorted({ v: 1, _id: 1 })).map((d) => d.v ?? null).filter((v) => v !== null);
    expect(numbers).to.deep.equal([...numbers].sort((a, b) => Number(a) - Number(b)));
    const dates = (await sorted({ at: -1, _id: 1 }, 3)).map((d) => (d.at as Date).toISOString().slice(0, 10));
    expect(dates).to.deep.equal(['2026-01-11', '2026-01-10', '2026-01-09']);
  });

  it('when a sort key holds an array in some document, then the order is still MongoDB’s (smallest element first)', async () => {
    await Thing.collection.insertMany([
      { code: 'm', tags: ['z', 'b'] },
      { code: 'n', tags: ['c'] },
      { code: 'o', tags: ['a', 'y'] },
    ]);
    const order = (await Thing.collection.find({}).sort({ tags: 1, _id: 1 }).toArray()).map((d) => d.code as string);
    expect(order).to.deep.equal(['o', 'm', 'n']);
  });

  it('when an index holds the filter’s equality and the sort keys, then pages in either direction are MongoDB’s order, whatever the values', async () => {
    // {grp, key, _id} as the firm list's {archived, sortName, _id}: FerretDB walks the index when every value under
    // the sort keys is a string whose JSON text orders as it does (or missing), and sorts otherwise.
    const Sorted = mongoose.model(
      'CompatSorted',
      new Schema({ grp: String, key: Schema.Types.Mixed, nested: Schema.Types.Mixed }).index({
        grp: 1,
        key: 1,
        _id: 1,
      }),
    );
    Sorted.schema.index({ grp: 1, 'nested.k': 1, _id: 1 });
    await Sorted.init();
    const safe = ['b', 'a', 'ab', 'abc', 'a#b', 'a-b', '가나', '한글', 'Z', '0', 'a.b', 'ab#c'];
    const unsafe = ['ab c', 'ab', 'ab!', 'a"b', 'a\\b', 'a<b', 'a&b', 'x y'];
    const docs = [
      ...safe.map((key) => ({ grp: 'safe', key })),
      { grp: 'safe' },
      { grp: 'safe' },
      ...unsafe.map((key) => ({ grp: 'unsafe', key })),
      { grp: 'unsafe', key: 10 },
      { grp: 'unsafe', key: 9 },
      { grp: 'unsafe', key: null },
      ...['b', 'a', 'c'].map((k) => ({ grp: 'nested', nested: { k } })),
      { grp: 'nested' },
      { grp: 'nested-odd', nested: { k: 'b' } },
      { grp: 'nested-odd', nested: 'a scalar' },
      { grp: 'nested-odd', nested: { k: 'a' } },
    ];
    // Shuffled insertion, so neither rowid nor _id order gives the answer by chance.
    const shuffled = docs.map((d, i) => ({ d, r: (i * 7919) % 101 })).sort((a, b) => a.r - b.r);
    await Sorted.collection.insertMany(shuffled.map((x) => x.d));

    const rank = (v: unknown) => (v === undefined || v === null ? 0 : typeof v === 'number' ? 1 : 2);
    const mongoOrder = (a: unknown, b: unknown) =>
      rank(a) - rank(b) ||
      (typeof a === 'number' && typeof b === 'number' ? a - b : 0) ||
      (typeof a === 'string' && typeof b === 'string' ? Buffer.compare(Buffer.from(a), Buffer.from(b)) : 0);
    const stored = await Sorted.collection.find({}).toArray();
    const valueAt = (d: Record<string, unknown>, path: string) =>
      path === 'nested.k'
        ? typeof d.nested === 'object' && d.nested
          ? (d.nested as { k?: unknown }).k
          : undefined
        : d[path];
    const expected = (grp: string, path: string, dir: 1 | -1, limit: number) =>
      stored
        .filter((d) => d.grp === grp)
        .sort(
          (a, b) =>
            dir * (mongoOrder(valueAt(a, path), valueAt(b, path)) || String(a._id).localeCompare(String(b._id))),
        )
        .slice(0, limit)
        .map((d) => String(d._id));
    const found = async (grp: string, path: string, dir: 1 | -1, limit: number) =>
      (
        await Sorted.collection
          .find({ grp })
          .sort({ [path]: dir, _id: dir })
          .limit(limit)
          .batchSize(3)
          .toArray()
      ).map((d) => String(d._id));

    for (const grp of ['safe', 'unsafe']) {
      for (const dir of [1, -1] as const) {
        for (const limit of [1, 5, 100]) {
          expect(await found(grp, 'key', dir, limit), `${grp} ${dir} ${limit}`).to.deep.equal(
            expected(grp, 'key', dir, limit),
          );
        }
      }
    }
    for (const grp of ['nested', 'nested-odd']) {
      for (const dir of [1, -1] as const) {
        expect(await found(grp, 'nested.k', dir, 10), `${grp} ${dir}`).to.deep.equal(
          expected(grp, 'nested.k', dir, 10),
        );
      }
    }
    // FerretDB keeps the check's answer until the collection is written: a new unsafe value is seen at once.
    await Sorted.collection.insertOne({ grp: 'safe', key: 'ab c' });
    await Sorted.collection.updateOne({ grp: 'safe', key: 'Z' }, { $set: { key: 7 } });
    stored.splice(0, stored.length, ...(await Sorted.collection.find({}).toArray()));
    for (const dir of [1, -1] as const) {
      expect(await found('safe', 'key', dir, 100), `after writes ${dir}`).to.deep.equal(
        expected('safe', 'key', dir, 100),
      );
    }
    await Sorted.collection.deleteMany({ grp: 'safe', key: { $in: ['ab c', 7] } });
    stored.splice(0, stored.length, ...(await Sorted.collection.find({}).toArray()));
    expect(await found('safe', 'key', -1, 100), 'after deletes').to.deep.equal(expected('safe', 'key', -1, 100));
    // Keys in different directions cannot walk one index: sorted the other way, still MongoDB's order.
    const mixed = (await Sorted.collection.find({ grp: 'safe' }).sort({ key: 1, _id: -1 }).limit(4).toArray()).map(
      (d) => String(d._id),
    );
    const missing = stored
      .filter((d) => d.grp === 'safe' && d.key === undefined)
      .map((d) => String(d._id))
      .sort()
      .reverse();
    expect(mixed.slice(0, 2)).to.deep.equal(missing);
  });
});
