import { expect } from 'chai';
import { isSharedWith } from '../../../server/portal/visibility-rules.js';
import {
  summaryIn,
  toProfile,
  type PortalFirmRecord,
  type PortalPersonRecord,
} from '../../../server/portal/profile-rules.js';

const ORG_A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const ORG_B = 'bbbbbbbbbbbbbbbbbbbbbbbb';

describe('which firms an investor organisation may see (isSharedWith)', () => {
  const cases: Array<[string, Parameters<typeof isSharedWith>[0], string | undefined, boolean]> = [
    ['is shared with all investors', { fundraising: { openToInvestors: true } }, ORG_A, true],
    ['is shared with the organisation', { sharing: { orgs: [ORG_A] } }, ORG_A, true],
    [
      'is shared with the organisation (stored as an ObjectId-like value)',
      { sharing: { orgs: [{ toString: () => ORG_A }] } },
      ORG_A,
      true,
    ],
    ['is shared with another organisation only', { sharing: { orgs: [ORG_B] } }, ORG_A, false],
    ['is shared with nobody', { fundraising: { openToInvestors: false }, sharing: { orgs: [] } }, ORG_A, false],
    ['has no sharing fields at all', {}, ORG_A, false],
    ['is archived, though shared with all', { archived: true, fundraising: { openToInvestors: true } }, ORG_A, false],
    ['is archived, though shared with the organisation', { archived: true, sharing: { orgs: [ORG_A] } }, ORG_A, false],
    [
      'is shared with all, for an investor account without an organisation',
      { fundraising: { openToInvestors: true } },
      undefined,
      false,
    ],
    ['is missing', null, ORG_A, false],
  ];
  for (const [what, firm, org, expected] of cases) {
    it(`when the firm ${what}, then it is ${expected ? '' : 'not '}visible`, () =>
      expect(isSharedWith(firm, org)).to.equal(expected));
  }
});

describe('what an investor sees of a firm (profile-rules)', () => {
  const FIRM = 'ffffffffffffffffffffffff';
  const OTHER_FIRM = 'eeeeeeeeeeeeeeeeeeeeeeee';
  const record: PortalFirmRecord = {
    _id: FIRM,
    nameKo: '해운대페이',
    nameEn: 'Haeundae Pay',
    pitch: 'QR payments',
    sectorPrimary: 'payments',
    stage: 'seed',
    headcount: 12,
    contactPerson: 'p3',
    fundraising: { raising: true, targetKrw: 1_500_000_000, stage: 'series-a', instrument: 'rcps' },
    sharing: { summaryKo: '한국어 요약', summaryEn: '' },
    totals: { raisedKrw: 300_000_000 },
  };
  const people: PortalPersonRecord[] = [
    { _id: 'p1', name: 'Kim CTO', email: 'cto@x.example', title: 'CTO', firms: [{ firm: FIRM, role: 'cto' }] },
    {
      _id: 'p2',
      name: 'Lee Founder',
      email: 'lee@x.example',
      firms: [
        { firm: OTHER_FIRM, role: 'employee' },
        { firm: FIRM, role: 'founder' },
      ],
    },
    {
      _id: 'p3',
      name: 'Park Contact',
      email: 'park@x.example',
      title: 'IR manager',
      firms: [{ firm: FIRM, role: 'contact' }],
    },
    {
      _id: 'p4',
      name: 'Choi Staff',
      email: 'choi@x.example',
      firms: [
        { firm: FIRM, role: 'employee' },
        { firm: OTHER_FIRM, role: 'founder' },
      ],
    },
  ];

  it("shows the founding team by name and role only, founders first; employees and other firms' roles are left out", () => {
    const profile = toProfile(record, people, 'en');
    expect(profile.founders).to.deep.equal([
      { name: 'Lee Founder', role: 'founder' },
      { name: 'Kim CTO', role: 'cto' },
    ]);
  });

  it("shows the chosen contact person's name, title and email, and no one else's email", () => {
    const profile = toProfile(record, people, 'ko');
    expect(profile.contact).to.deep.equal({ name: 'Park Contact', title: 'IR manager', email: 'park@x.example' });
    const text = JSON.stringify(profile);
    for (const email of ['cto@x.example', 'lee@x.example', 'choi@x.example']) expect(text).to.not.contain(email);
  });

  it('when the chosen contact is no longer linked to the firm, then no contact is shown', () => {
    const profile = toProfile({ ...record, contactPerson: 'p9' }, people, 'ko');
    expect(profile.contact).to.equal(undefined);
  });

  it("reads the summary in the page's language, else the other one", () => {
    expect(summaryIn({ summaryKo: '요약', summaryEn: 'Summary' }, 'en')).to.equal('Summary');
    expect(summaryIn({ summaryKo: '요약', summaryEn: 'Summary' }, 'ko')).to.equal('요약');
    expect(summaryIn({ summaryKo: '요약', summaryEn: '' }, 'en')).to.equal('요약');
    expect(summaryIn({ summaryEn: 'Summary' }, 'ko')).to.equal('Summary');
    expect(summaryIn(undefined, 'ko')).to.equal(undefined);
  });

  it("carries the fundraising figures and the organisation's own match, nothing of the sharing list", () => {
    const since = new Date('2026-03-01T00:00:00Z');
    const profile = toProfile(
      { ...record, sharing: { ...record.sharing, orgs: [ORG_A, ORG_B] } } as PortalFirmRecord,
      people,
      'en',
      { stage: 'meeting', since, interested: false },
    );
    expect(profile).to.include({
      targetKrw: 1_500_000_000,
      roundStage: 'series-a',
      instrument: 'rcps',
      raisedKrw: 300_000_000,
      headcount: 12,
      raising: true,
    });
    expect(profile.match).to.deep.equal({ stage: 'meeting', since, interested: false });
    expect(JSON.stringify(profile)).to.not.contain(ORG_B);
  });
});
