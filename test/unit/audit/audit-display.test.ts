import { expect } from 'chai';
import { createI18n } from '../../../server/lib/i18n.js';
import {
  changeRows,
  displayEntry,
  referencedIds,
  type AuditRefs,
  type DisplayCtx,
} from '../../../server/audit/audit-display.js';

const BNK = '6b0ecccb86571e8922ec2341';
const FIRM = '6b0ecccb86571e8922ec2342';
const ROUND = '6b0ecccb86571e8922ec2343';
const GONE = '6b0ecccb86571e8922ec2344';
const refs: AuditRefs = {
  [BNK]: { nameKo: '비엔케이벤처캐피탈', nameEn: 'BNK Venture Capital' },
  [FIRM]: { nameKo: '부산페이', nameEn: 'Busan Pay' },
  [ROUND]: { stage: 'series-a', firm: FIRM },
};

describe('audit entries in words (server/audit/audit-display.ts)', () => {
  let ko: DisplayCtx;
  let en: DisplayCtx;
  before(async () => {
    const i18n = await createI18n();
    ko = { t: i18n.getFixedT('ko'), lang: 'ko', refs };
    en = { t: i18n.getFixedT('en'), lang: 'en', refs };
  });
  const text = (rows: ReturnType<typeof changeRows>) =>
    rows.map((r) => ('sentence' in r ? r.sentence : `${r.field}: ${r.before} → ${r.after}`)).join('\n');

  it('when a round gains a participant, then the investor is named in the page language with the amount in won and "lead" as a word', () => {
    const changes = [
      { field: 'participants', before: null, after: [{ investor: BNK, amountKrw: 300_000_000, lead: true }] },
    ];
    expect(text(changeRows('round', changes, ko))).to.equal('참여 투자사: — → 비엔케이벤처캐피탈 3억원 (리드)');
    expect(text(changeRows('round', changes, en))).to.equal('Participants: — → BNK Venture Capital ₩300M (lead)');
  });

  it('when an entry was written before participants were kept by id, then its text still reads with won and the label', () => {
    const changes = [{ field: 'participants', before: null, after: 'BNK Venture Capital 300000000 (lead); Other' }];
    expect(text(changeRows('round', changes, ko))).to.equal('참여 투자사: — → BNK Venture Capital 3억원 (리드), Other');
  });

  it('when a field holds a coded value, then its label shows, never the code', () => {
    const rows = text(changeRows('firm', [{ field: 'stage', before: 'seed', after: 'pre-a' }], ko));
    expect(rows).to.equal('단계: 시드 → 프리 시리즈 A');
  });

  it('when a field holds the id of another record, then its name shows, or "removed record" when it is gone', () => {
    const rows = text(changeRows('person', [{ field: 'investorOrg', before: GONE, after: BNK }], ko));
    expect(rows).to.equal('투자 기관: 삭제된 기록 → 비엔케이벤처캐피탈');
    expect(rows).to.not.match(/[0-9a-f]{24}/);
  });

  it('when an import finishes, then its counts read as a sentence and its kind as a label', () => {
    const e = displayEntry(
      {
        at: new Date(),
        entity: 'import',
        entityId: GONE,
        entityLabel: 'firms · 기업목록.csv',
        action: 'import',
        changes: [
          { field: 'created', before: null, after: 4 },
          { field: 'updated', before: null, after: 2 },
          { field: 'unchanged', before: null, after: 0 },
        ],
      },
      ko,
    );
    expect(e.name).to.equal('스타트업 · 기업목록.csv');
    expect(text(e.changes)).to.equal('새 기록 4건, 수정 2건, 변경 없음 0건');
  });

  it("when an entry is about a round, then it is named by its firm and its stage's label", () => {
    const stored = { at: new Date(), entity: 'round', action: 'update', changes: [] };
    expect(displayEntry({ ...stored, entityId: ROUND, entityLabel: 'series-a' }, ko).name).to.equal(
      '부산페이 · 시리즈 A',
    );
    // A deleted round: what was stored with the entry, its code read as a label.
    expect(displayEntry({ ...stored, entityId: GONE, entityLabel: 'series-a', firm: FIRM }, en).name).to.equal(
      'Busan Pay · Series A',
    );
  });

  it("when an entry is about a fund or a note, then it is named by its organisation's or firm's name now", () => {
    const fund = displayEntry(
      {
        at: new Date(),
        entity: 'investor',
        entityId: BNK,
        entityLabel: 'BNK Venture Capital · 부산 1호 펀드',
        action: 'update',
        changes: [{ field: 'fund.sizeKrw', before: null, after: 30_000_000_000 }],
      },
      ko,
    );
    expect(fund.name).to.equal('비엔케이벤처캐피탈 · 부산 1호 펀드');
    expect(text(fund.changes)).to.equal('펀드 결성 규모: — → 300억원');
    const note = {
      at: new Date(),
      entity: 'note',
      entityId: GONE,
      entityLabel: '부산페이',
      firm: FIRM,
      action: 'create',
    };
    expect(displayEntry(note, en).name).to.equal('Busan Pay');
  });

  it('when a page of entries is looked up, then every id they refer to is collected once, with its kind where the entry says it', () => {
    const ids = referencedIds([
      {
        at: new Date(),
        entity: 'round',
        entityId: ROUND,
        firm: FIRM,
        action: 'create',
        changes: [{ field: 'participants', before: null, after: [{ investor: BNK, amountKrw: 1, lead: false }] }],
      },
      {
        at: new Date(),
        entity: 'firm',
        entityId: FIRM,
        action: 'update',
        changes: [{ field: 'website', before: 'a', after: 'b' }],
      },
    ]);
    // The kind of record where the entry says it; an id among the changes may be of any kind.
    expect(Object.fromEntries(ids)).to.deep.equal({ [ROUND]: 'round', [FIRM]: 'firm', [BNK]: undefined });
  });
});
