import { expect } from 'chai';
import { z } from 'zod';
import { parseQuery } from '../../../server/lib/validate.js';

const schema = z
  .strictObject({
    stage: z.enum(['seed', 'series-a']).optional(),
    sort: z.enum(['name', 'raised']).default('name'),
    from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    to: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'] });

describe('parseQuery: a list query read leniently', () => {
  it('when the query has keys the schema does not know, then they are dropped without a word', () => {
    const r = parseQuery(schema, { stage: 'seed', fbclid: 'x', utm_source: 'kakao' }, false);
    expect(r).to.deep.equal({ ok: true, data: { stage: 'seed', sort: 'name' }, ignored: [] });
  });

  it('when values do not fit, then those keys are dropped (defaults apply) and named, the others kept', () => {
    const r = parseQuery(schema, { stage: 'nonsense', sort: 'bad', from: '2026-01-01' }, false);
    expect(r).to.deep.equal({ ok: true, data: { sort: 'name', from: '2026-01-01' }, ignored: ['stage', 'sort'] });
  });

  it('when a rule across keys fails, then the key it names is dropped', () => {
    const r = parseQuery(schema, { from: '2026-03-05', to: '2026-03-01' }, false);
    expect(r).to.deep.equal({ ok: true, data: { sort: 'name', from: '2026-03-05' }, ignored: ['to'] });
  });

  it('when values must fit (strict), then a bad value is a failure, while unknown keys are still dropped', () => {
    expect(parseQuery(schema, { stage: 'nonsense' }, true).ok).to.equal(false);
    expect(parseQuery(schema, { fbclid: 'x' }, true).ok).to.equal(true);
  });
});
