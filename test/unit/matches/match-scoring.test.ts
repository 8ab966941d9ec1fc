import { expect } from 'chai';
import type { i18n as I18n } from 'i18next';
import { createI18n } from '../../../server/lib/i18n.js';
import {
  scoreFit,
  rankInvestors,
  rankFirms,
  WEIGHTS,
  type FitFirm,
  type FitInvestor,
  type Thesis,
  type Track,
} from '../../../server/matches/match-scoring.js';
import { explainFit } from '../../../server/matches/match-explain.js';

const firm = (over: Partial<FitFirm> = {}): FitFirm => ({
  id: 'f1',
  name: 'Paycoin',
  archived: false,
  sectorPrimary: 'payments',
  sectorsSecondary: ['digital-assets'],
  targetKrw: 500_000_000,
  stage: 'seed',
  instrument: 'rcps',
  ...over,
});
const thesis = (over: Partial<Thesis> = {}): Thesis => ({
  sectors: ['payments'],
  stages: ['seed'],
  instruments: ['rcps'],
  ticketMinKrw: 300_000_000,
  ticketMaxKrw: 1_000_000_000,
  regions: [],
  ...over,
});
const investor = (over: Partial<FitInvestor> = {}): FitInvestor => ({
  id: 'i1',
  name: 'BNK VC',
  archived: false,
  bifcBased: false,
  thesis: thesis(),
  ...over,
});
const track = (over: Partial<Track> = {}): Track => ({ sectorRounds: 0, sectorLeads: 0, firmRounds: 0, ...over });

describe('match scoring', () => {
  const cases: Array<{
    name: string;
    firm: FitFirm;
    investor: FitInvestor;
    track?: Track;
    score: number;
    kinds: string[];
    notes?: string[];
  }> = [
    {
      name: 'perfect fit: thesis, ticket, instrument, track record in the sector and this firm, BIFC',
      firm: firm(),
      investor: investor({ bifcBased: true }),
      track: track({ sectorRounds: 2, sectorLeads: 2, firmRounds: 1 }),
      score: 100,
      kinds: ['sectorPrimary', 'stage', 'ticket', 'instrument', 'pastSector', 'firmRounds', 'bifc'],
    },
    {
      name: 'zero fit: another sector, stage, instrument, ticket too small, no history',
      firm: firm(),
      investor: investor({
        thesis: thesis({
          sectors: ['insurtech'],
          stages: ['series-b'],
          instruments: ['loan'],
          ticketMinKrw: 5_000_000_000,
          ticketMaxKrw: null,
        }),
      }),
      score: 0,
      kinds: [],
    },
    {
      name: 'no thesis: only history counts, and the note says why',
      firm: firm(),
      investor: investor({ thesis: null }),
      track: track({ sectorRounds: 1 }),
      score: 5,
      kinds: ['pastSector'],
      notes: ['noThesis'],
    },
    {
      name: 'open-ended ticket range (minimum only) covers a larger target',
      firm: firm({ targetKrw: 90_000_000_000 }),
      investor: investor({ thesis: thesis({ ticketMaxKrw: null }) }),
      score: 73,
      kinds: ['sectorPrimary', 'stage', 'ticket', 'instrument'],
    },
    {
      name: 'open-ended ticket range (maximum only) covers a small target',
      firm: firm({ targetKrw: 1 }),
      investor: investor({ thesis: thesis({ ticketMinKrw: null }) }),
      score: 73,
      kinds: ['sectorPrimary', 'stage', 'ticket', 'instrument'],
    },
    {
      name: 'firm with no target: no ticket points, noted',
      firm: firm({ targetKrw: null }),
      investor: investor(),
      score: 55,
      kinds: ['sectorPrimary', 'stage', 'instrument'],
      notes: ['noTarget'],
    },
    {
      name: 'secondary sector counts less than the primary',
      firm: firm({ sectorPrimary: 'regtech' }),
      investor: investor({ thesis: thesis({ sectors: ['digital-assets'] }) }),
      score: 55,
      kinds: ['sectorSecondary', 'stage', 'ticket', 'instrument'],
    },
    {
      name: 'Busan focus counts like a BIFC base',
      firm: firm(),
      investor: investor({ thesis: thesis({ regions: ['busan'] }) }),
      score: 77,
      kinds: ['sectorPrimary', 'stage', 'ticket', 'instrument', 'busanFocus'],
    },
    {
      name: 'sector rounds add up to a cap',
      firm: firm({ targetKrw: null, stage: null, instrument: null }),
      investor: investor({ thesis: null }),
      track: track({ sectorRounds: 9 }),
      score: 9,
      kinds: ['pastSector'],
      notes: ['noThesis', 'noTarget'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const fit = scoreFit(c.firm, c.investor, c.track);
      expect(fit.score).to.equal(c.score);
      expect(fit.reasons.map((r) => r.kind)).to.deep.equal(c.kinds);
      expect(fit.notes).to.deep.equal(c.notes ?? []);
    });
  }

  it('weights are named and the primary sector counts more than a secondary one', () => {
    expect(WEIGHTS.sectorPrimary).to.be.greaterThan(WEIGHTS.sectorSecondary);
  });

  it('ranks best first, leaves archived investors out, marks open matches, and breaks ties by name then id', () => {
    const investors = [
      investor({ id: 'c', name: 'Zeta', thesis: thesis({ sectors: [] }) }),
      investor({ id: 'b', name: 'Alpha', thesis: thesis({ sectors: [] }) }),
      investor({ id: 'a', name: 'Alpha', thesis: thesis({ sectors: [] }) }),
      investor({ id: 'best', name: 'Omega' }),
      investor({ id: 'gone', name: 'Archived', archived: true }),
    ];
    const ranked = rankInvestors(firm(), investors, new Map([['best', track({ firmRounds: 1 })]]), new Set(['b']));
    expect(ranked.map((r) => r.item.id)).to.deep.equal(['best', 'a', 'b', 'c']);
    expect(ranked.map((r) => r.openMatch)).to.deep.equal([false, false, true, false]);
    // The same input in another order gives the same ranking.
    expect(
      rankInvestors(
        firm(),
        [...investors].reverse(),
        new Map([['best', track({ firmRounds: 1 })]]),
        new Set(['b']),
      ).map((r) => r.item.id),
    ).to.deep.equal(['best', 'a', 'b', 'c']);
  });

  it('ranks firms for an investor the same way, leaving archived firms out', () => {
    const firms = [
      firm({ id: 'x', name: 'Other', sectorPrimary: 'lending', sectorsSecondary: [] }),
      firm({ id: 'y' }),
      firm({ id: 'z', archived: true }),
    ];
    expect(rankFirms(investor(), firms, new Map(), new Set()).map((r) => r.item.id)).to.deep.equal(['y', 'x']);
  });
});

describe('match explanations', () => {
  let i18n: I18n;
  before(async () => {
    i18n = await createI18n();
  });

  const perfect = () => scoreFit(firm(), investor({ bifcBased: true }), track({ sectorRounds: 2, sectorLeads: 2 }));

  it('explain a fit in Korean', () => {
    const t = i18n.getFixedT('ko');
    expect(explainFit(perfect(), t, 'ko').join(', ')).to.equal(
      '지급결제·시드 투자, 티켓 3억원–10억원이 목표 5억원을 포함, 상환전환우선주(RCPS) 방식 투자, 지급결제 라운드 2건 참여, 2건 리드, BIFC 입주',
    );
  });

  it('explain a fit in English', () => {
    const t = i18n.getFixedT('en');
    const text = explainFit(perfect(), t, 'en').join('; ');
    expect(text).to.match(
      /^invests in Payments at Seed; ticket ₩300M–₩1B covers the ₩500M target; uses .*RCPS.*; joined 2 Payments rounds, led 2; based at BIFC$/,
    );
  });

  it('explains open ranges and missing data', () => {
    const t = i18n.getFixedT('ko');
    const open = scoreFit(firm(), investor({ thesis: thesis({ ticketMaxKrw: null }) }));
    expect(explainFit(open, t, 'ko')).to.include('티켓 3억원 이상이 목표 5억원을 포함');
    expect(explainFit(scoreFit(firm({ targetKrw: null }), investor({ thesis: null })), t, 'ko')).to.deep.equal([
      '투자 방향 미등록',
      '기업의 투자 유치 목표 미등록',
    ]);
  });
});
