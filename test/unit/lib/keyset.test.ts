import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { decodeCursor, encodeCursor, keysetPage, keysetSlice, type CursorKind } from '../../../server/lib/keyset.js';
import { AppError } from '../../../server/lib/app-error.js';

const token = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');
const ID = '0123456789abcdef01234567';

const values: Record<CursorKind, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 200 }),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  date: fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
};
const KINDS = Object.keys(values) as CursorKind[];

describe('keyset cursors', () => {
  it("when a row value of the sort field's kind is encoded, then it decodes to the same value and id", () => {
    for (const kind of KINDS) {
      fc.assert(
        fc.property(fc.option(values[kind], { nil: null }), (v) => {
          const id = new Types.ObjectId();
          const decoded = decodeCursor(encodeCursor(v, id), kind);
          expect(decoded?.id).to.equal(String(id));
          expect(v instanceof Date ? (decoded?.v as Date).getTime() : decoded?.v).to.deep.equal(
            v instanceof Date ? v.getTime() : Object.is(v, -0) ? 0 : v,
          );
        }),
      );
    }
  });

  it('when a cursor carries a value of another kind, then it does not decode for that sort', () => {
    expect(decodeCursor(token(['zzz', ID]), 'date')).to.equal(undefined);
    expect(decodeCursor(token([{ d: 'x' }, ID]), 'number')).to.equal(undefined);
    expect(decodeCursor(token([{ d: 'x' }, ID]), 'date')).to.equal(undefined);
    expect(decodeCursor(token([{ d: '2026-01-01T00:00:00.000Z', $gt: 1 }, ID]), 'date')).to.equal(undefined);
    expect(decodeCursor(token([12, ID]), 'string')).to.equal(undefined);
    expect(decodeCursor(token(['12', ID]), 'number')).to.equal(undefined);
    expect(decodeCursor(token([{ $ne: null }, ID]), 'string')).to.equal(undefined);
    expect(decodeCursor(token(['a', 'nope']), 'string')).to.equal(undefined);
    expect(decodeCursor(token(['a', ID, 'extra']), 'string')).to.equal(undefined);
    expect(decodeCursor('not-a-cursor', 'string')).to.equal(undefined);
    expect(decodeCursor(token([new Date('2026-01-01T00:00:00Z').toISOString(), ID]), 'date')).to.equal(undefined);
  });

  it('when any JSON is sent as a cursor, then it either decodes to a value of the asked kind or not at all', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.jsonValue(), (kind, json) => {
        const decoded = decodeCursor(token(json), kind);
        if (!decoded || decoded.v === null) return;
        if (kind === 'date') expect(decoded.v).to.be.instanceOf(Date);
        else expect(typeof decoded.v).to.equal(kind);
      }),
    );
  });

  it('when a page is asked for after a cursor of the wrong kind, then it is a 400 and no query runs', async () => {
    let queried = false;
    const page = (after: string) =>
      keysetPage({
        field: 'lastActivityAt',
        kind: 'date',
        dir: -1,
        after,
        size: 10,
        valueOf: (r: { _id: unknown }) => r._id,
        find: () => ((queried = true), Promise.resolve([])),
      });
    const err = await page(token(['zzz', ID])).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(AppError);
    expect((err as AppError).status).to.equal(400);
    expect(queried).to.equal(false);
    await page(encodeCursor(new Date(), ID));
    expect(queried).to.equal(true);
  });
});

describe('pages over rows in memory (keysetSlice)', () => {
  const rowsOf = (values: string[]) =>
    values
      .map((v, i) => ({ _id: i.toString(16).padStart(24, '0'), v }))
      .sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : a._id < b._id ? -1 : 1));

  it('when the pages are followed forward and then back, then each row comes once, in order, and back gives the same pages', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 3 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (values, size) => {
          const rows = rowsOf(values);
          const opts = { size, valueOf: (r: { v: string }) => r.v };
          const pages: string[][] = [];
          let page = keysetSlice(rows, opts);
          pages.push(page.rows.map((r) => r._id));
          expect(page.prev).to.equal(undefined);
          while (page.next) {
            page = keysetSlice(rows, { ...opts, after: page.next });
            pages.push(page.rows.map((r) => r._id));
          }
          expect(pages.flat()).to.deep.equal(rows.map((r) => r._id));
          expect(pages.every((p, i) => p.length === size || (i === pages.length - 1 && p.length <= size))).to.equal(
            true,
          );
          for (let i = pages.length - 1; i > 0; i--) {
            expect(page.prev, `page ${i} has a way back`).to.be.a('string');
            page = keysetSlice(rows, { ...opts, before: page.prev });
            expect(page.rows.map((r) => r._id)).to.deep.equal(pages[i - 1]);
          }
          expect(page.prev).to.equal(undefined);
        },
      ),
    );
  });
});
