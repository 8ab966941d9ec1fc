import { expect } from 'chai';
import {
  isValidBrn,
  brnWithCheckDigit,
  searchTokensOf,
  canMoveStatus,
  tipsStatusOf,
} from '../../../server/firms/firm-rules.js';
import { createFirmBody } from '../../../server/firms/firms.schemas.js';
import { buildTimeline } from '../../../server/firms/firm-timeline.js';

describe('firm rules', () => {
  it('accepts a registration number only with the right check digit', () => {
    const good = brnWithCheckDigit('123456789');
    expect(isValidBrn(good)).to.equal(true);
    expect(isValidBrn(good.replace(/-/g, ''))).to.equal(true);
    const last = Number(good.at(-1));
    expect(isValidBrn(good.slice(0, -1) + String((last + 1) % 10))).to.equal(false);
    expect(isValidBrn('123-45-678')).to.equal(false);
  });

  it('finds a firm by any part of a Korean or English word', () => {
    const tokens = searchTokensOf({
      nameKo: '해운페이',
      nameEn: 'HaeunPay Labs',
      pitch: 'QR payments',
      tags: ['bifc'],
    });
    const finds = (q: string) => tokens.some((t) => t.startsWith(q));
    expect(finds('페이')).to.equal(true);
    expect(finds('해운')).to.equal(true);
    expect(finds('pay')).to.equal(true);
    expect(finds('labs')).to.equal(true);
    expect(finds('qr')).to.equal(true);
    expect(finds('bank')).to.equal(false);
  });

  it('walks the pipeline only forward along allowed moves', () => {
    expect(canMoveStatus('applicant', 'screening')).to.equal(true);
    expect(canMoveStatus('screening', 'admitted')).to.equal(true);
    expect(canMoveStatus('admitted', 'resident')).to.equal(true);
    expect(canMoveStatus('resident', 'graduated')).to.equal(true);
    expect(canMoveStatus('applicant', 'resident')).to.equal(false);
    expect(canMoveStatus('exited', 'resident')).to.equal(false);
  });

  it('derives the TIPS status from the latest date reached', () => {
    expect(tipsStatusOf({})).to.equal('none');
    expect(tipsStatusOf({ recommendedOn: '2025-01-01' })).to.equal('recommended');
    expect(tipsStatusOf({ recommendedOn: '2025-01-01', selectedOn: '2025-05-01' })).to.equal('selected');
  });

  it('reports every invalid field of a firm form at once, beside its field', () => {
    const r = createFirmBody.safeParse({
      brn: '111-11-11111',
      sectorPrimary: 'banana',
      founded: '2025-02-30',
      residencyPlannedEnd: '2024-01-01',
      residencyStart: '2025-01-01',
      website: 'not a url',
      fundraisingRaising: 'true',
    });
    expect(r.success).to.equal(false);
    const fields = new Set(r.error!.issues.map((i) => i.path[0]));
    for (const f of [
      'brn',
      'sectorPrimary',
      'founded',
      'website',
      'nameKo',
      'residencyPlannedEnd',
      'fundraisingTargetKrw',
    ])
      expect(fields, f).to.include(f);
  });

  it('orders the timeline newest first across days and instants', () => {
    const items = buildTimeline(
      {
        firmId: 'f',
        statusHistory: [
          { status: 'applicant', on: '2025-01-01', at: new Date() },
          { status: 'resident', on: '2025-06-01', at: new Date() },
        ],
        rounds: [{ _id: 'r', stage: 'seed', status: 'closed', amountKrw: 1, closedOn: '2025-03-01' }],
        notes: [{ body: 'hello', createdAt: new Date('2025-04-01T02:00:00Z') }],
        audit: [],
      },
      { status: (s) => s, round: (s) => s, action: (e, a) => `${e} ${a}` },
    );
    expect(items.map((i) => i.text)).to.deep.equal(['resident', 'hello', 'seed', 'applicant']);
  });
});
