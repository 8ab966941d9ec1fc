import { expect } from 'chai';
import { choiceCells, choiceOf, type Vocabulary } from '../../../server/imports/choice-cells.js';
import { cellText, displayRows } from '../../../server/imports/import-display.js';
import { templateTable } from '../../../server/imports/template-file.js';
import { recogniseHeaders } from '../../../server/imports/header-recognition.js';

const t = (key: string, options?: Record<string, unknown>) =>
  `${key}${options && Object.keys(options).length ? JSON.stringify(options) : ''}`;

describe('reading choice cells (sector, stage, status …) as people write them', () => {
  const cases: [Vocabulary, string, string | undefined][] = [
    ['sectors', 'digital-assets', 'digital-assets'],
    ['sectors', '디지털자산', 'digital-assets'],
    ['sectors', '디지털 자산', 'digital-assets'],
    ['sectors', 'Digital assets', 'digital-assets'],
    ['sectors', '가상자산', 'digital-assets'],
    ['sectors', '데이터·AI', 'data-ai'],
    ['sectors', 'Data & AI', 'data-ai'],
    ['sectors', '보안·인증', 'security-identity'],
    ['sectors', '우주항공', undefined],
    ['firmStages', '시드', 'seed'],
    ['firmStages', 'Seed', 'seed'],
    ['roundStages', 'Pre-A', 'pre-a'],
    ['roundStages', '프리 시리즈 A', 'pre-a'],
    ['roundStages', 'Pre-Series A', 'pre-a'],
    ['roundStages', '시리즈A', 'series-a'],
    ['roundStages', 'Series C+', 'series-c-plus'],
    ['instruments', 'RCPS', 'rcps'],
    ['instruments', '상환전환우선주(RCPS)', 'rcps'],
    ['instruments', '상환전환우선주', 'rcps'],
    ['instruments', '전환사채', 'convertible-bond'],
    ['instruments', 'CB', 'convertible-bond'],
    ['roundStatuses', '완료', 'closed'],
    ['roundStatuses', 'Closed', 'closed'],
    ['initialFirmStatuses', '입주', 'resident'],
    ['initialFirmStatuses', '심사 중', 'screening'],
    ['initialFirmStatuses', '졸업', undefined],
    ['initialFirmStatuses', '입주 확정', 'admitted'],
    ['initialFirmStatuses', '선정', 'admitted'],
    ['investorTypes', '벤처캐피탈', 'vc'],
    ['investorTypes', 'VC', 'vc'],
    ['investorTypes', '액셀러레이터', 'accelerator'],
    ['investorTypes', 'CVC', 'cvc'],
    ['investorRegions', '서울', 'capital-area'],
    ['tipsTracks', '프리팁스', 'pre-tips'],
    ['currencies', '원', 'KRW'],
    ['currencies', 'usd', 'USD'],
  ];
  for (const [vocabulary, cell, value] of cases)
    it(`when a ${vocabulary} cell says "${cell}", then it is ${value ?? 'not a choice'}`, () =>
      expect(choiceOf(vocabulary, cell)).to.equal(value));

  it('when a startup row has labels in its choice columns, then they become codes; several in one cell split on ; and commas', () => {
    expect(
      choiceCells('firms', {
        sectorPrimary: '디지털자산',
        sectorsSecondary: '지급결제, 레그테크',
        stage: '시드',
        status: '입주',
      }),
    ).to.deep.equal({
      cells: {
        sectorPrimary: 'digital-assets',
        sectorsSecondary: 'payments; regtech',
        stage: 'seed',
        status: 'resident',
      },
      messages: [],
    });
  });

  it('when a value is not one of the choices, then it is reported with the value found and its vocabulary, and left out', () => {
    expect(choiceCells('firms', { sectorPrimary: '우주항공', nameKo: '가' })).to.deep.equal({
      cells: { sectorPrimary: '', nameKo: '가' },
      messages: [
        {
          field: 'sectorPrimary',
          message: 'imports.errors.choice',
          params: { value: '우주항공', vocabulary: 'sectors' },
        },
      ],
    });
  });
});

describe('an import in words', () => {
  it('when stored cells are shown, then codes become labels, won amounts are formatted and yes/no are words', () => {
    const ctx = { lang: 'ko' as const, t };
    expect(cellText('rounds', 'stage', 'pre-a', ctx)).to.equal('프리 시리즈 A');
    expect(cellText('firms', 'sectorsSecondary', 'payments; regtech', ctx)).to.equal('지급결제, 레그테크');
    expect(cellText('firms', 'tipsGrantKrw', '150000000', ctx)).to.equal('1억 5,000만원');
    expect(cellText('firms', 'fundraisingOpen', 'true', ctx)).to.equal('common.yes');
    expect(cellText('rounds', 'participants', 'BNK Venture Capital:300000000:lead', ctx)).to.equal(
      'BNK Venture Capital 3억원 (imports.display.lead)',
    );
    expect(cellText('firms', 'tipsOperator', '6b0ecccb86571e8922ec234e', ctx)).to.equal(
      'imports.display.unknownRecord',
    );
    expect(
      cellText('firms', 'tipsOperator', '6b0ecccb86571e8922ec234e', {
        ...ctx,
        names: new Map([['6b0ecccb86571e8922ec234e', 'BNK벤처투자']]),
      }),
    ).to.equal('BNK벤처투자');
  });

  it('when rows are shown, then errors come first, fields are labels and a choice error lists the allowed labels', () => {
    const rows = displayRows(
      'rounds',
      [
        {
          line: 2,
          action: 'update',
          key: '부산페이 · seed · 2024-06-30',
          changes: [{ field: 'stage', before: 'seed', after: 'pre-a' }],
        },
        {
          line: 3,
          action: 'error',
          messages: [
            { field: 'status', message: 'imports.errors.choice', params: { value: '끝', vocabulary: 'roundStatuses' } },
          ],
        },
      ],
      { lang: 'ko', t },
    );
    expect(rows.map((r) => r.line)).to.deep.equal([3, 2]);
    expect(rows[0]?.messages).to.deep.equal([
      {
        field: '상태',
        text: 'imports.errors.choice{"value":"끝","vocabulary":"roundStatuses","allowed":"예정, 진행 중, 완료, 취소"}',
      },
    ]);
    expect(rows[1]?.changes).to.deep.equal([{ field: '단계', before: '시드', after: '프리 시리즈 A' }]);
    expect(rows[1]?.key).to.match(/^부산페이 · 시드 · 2024/);
  });
});

describe('the templates', () => {
  for (const lang of ['ko', 'en'] as const)
    for (const kind of ['firms', 'investors', 'rounds'] as const)
      it(`when the ${kind} template is written in ${lang}, then every header is recognised and values are labels`, () => {
        const { headers, row } = templateTable(kind, lang);
        expect(recogniseHeaders(kind, headers).filter((m) => m.status !== 'column')).to.deep.equal([]);
        expect(row.join(',')).to.not.match(/digital-assets|\bpre-a\b|\bseed\b|\bvc\b|TRUE/);
      });
});
