import { expect } from 'chai';
import { IMPORT_KINDS } from '../../../models/enums.js';
import { columnLabel, labelledColumns } from '../../../server/imports/column-labels.js';
import {
  betterKind,
  headerKey,
  missingRequired,
  recogniseHeader,
  recogniseHeaders,
} from '../../../server/imports/header-recognition.js';
import { IGNORABLE_COLUMNS } from '../../../server/imports/import-columns.js';
import { participantColumns } from '../../../server/imports/participant-columns.js';

describe('recognising the headers of an import file', () => {
  describe('headerKey', () => {
    const cases: [string, string][] = [
      ['사업자 등록번호', '사업자등록번호'],
      ['Business Registration No.', 'businessregistrationno'],
      ['금액 (원)', '금액'],
      ['Amount [KRW]', 'amount'],
      ['금액（원）', '금액'],
      ['기업명 (국문)', '기업명국문'],
      ['\uFEFFnameKo', 'nameko'],
      ['  설립_일자 ', '설립일자'],
    ];
    for (const [header, key] of cases)
      it(`when the header is "${header}", then it is compared as "${key}"`, () =>
        expect(headerKey(header)).to.equal(key));
  });

  describe('a header → its column', () => {
    const cases: [(typeof IMPORT_KINDS)[number], string, string][] = [
      ['firms', 'nameKo', 'nameKo'],
      ['firms', 'BRN', 'brn'],
      ['firms', '회사명', 'nameKo'],
      ['firms', '기업명', 'nameKo'],
      ['firms', '상호', 'nameKo'],
      ['firms', '업체명', 'nameKo'],
      ['firms', '기업명 (영문)', 'nameEn'],
      ['firms', '사업자번호', 'brn'],
      ['firms', '사업자등록번호', 'brn'],
      ['firms', 'Business registration no.', 'brn'],
      ['firms', '업종', 'sectorPrimary'],
      ['firms', '분야', 'sectorPrimary'],
      ['firms', '주 분야', 'sectorPrimary'],
      ['firms', 'Primary sector', 'sectorPrimary'],
      ['firms', '설립일자', 'founded'],
      ['firms', '설립일', 'founded'],
      ['firms', '홈페이지', 'website'],
      ['firms', '웹사이트', 'website'],
      ['firms', '한줄소개', 'pitch'],
      ['firms', '한 줄 소개', 'pitch'],
      ['firms', 'One-line pitch', 'pitch'],
      ['firms', 'TIPS R&D 지원금 (원)', 'tipsGrantKrw'],
      ['firms', 'R&D 지원금', 'tipsGrantKrw'],
      ['firms', '투자 유치 목표 (KRW)', 'fundraisingTargetKrw'],
      ['firms', '상태', 'status'],
      ['investors', '투자사명', 'nameKo'],
      ['investors', '영문명', 'nameEn'],
      ['investors', '유형', 'type'],
      ['investors', 'BIFC 입주', 'bifcBased'],
      ['investors', '투자 분야', 'thesisSectors'],
      ['investors', '최소 투자 금액(원)', 'ticketMinKrw'],
      ['investors', 'Thesis: stages', 'thesisStages'],
      ['rounds', '기업명', 'firmName'],
      ['rounds', '사업자번호', 'firmBrn'],
      ['rounds', '단계', 'stage'],
      ['rounds', '투자 방식', 'instrument'],
      ['rounds', '금액 (원)', 'amountKrw'],
      ['rounds', '투자금액', 'amountKrw'],
      ['rounds', '투자일', 'closedOn'],
      ['rounds', '참여 투자사', 'participants'],
      ['rounds', '참여 투자사 1', 'participant1'],
      ['rounds', '참여 금액 2 (원)', 'participant2AmountKrw'],
      ['rounds', 'Participant 3 lead', 'participant3Lead'],
      ['rounds', 'participant1AmountKrw', 'participant1AmountKrw'],
    ];
    for (const [kind, header, column] of cases)
      it(`when a ${kind} file has the header "${header}", then it is read as ${column}`, () =>
        expect(recogniseHeader(kind, header)).to.deep.equal({ header, status: 'column', column }));

    it('when a header is a read-only export column or a column people keep beside the data, then it is ignored, not unknown', () => {
      for (const header of ['raisedKrw', '누적 투자 유치 (원)', 'TIPS 진행 상태', '번호', '대표자', 'No.'])
        expect(recogniseHeader('firms', header).status, header).to.equal('ignored');
    });

    it('when a header means nothing the app knows, then it is unknown; an empty one is blank', () => {
      expect(recogniseHeader('firms', '비밀 메모 123').status).to.equal('unknown');
      expect(recogniseHeader('firms', '  ').status).to.equal('blank');
    });

    it('when two headers mean the same column, then the second is unknown (for the person to map)', () => {
      const m = recogniseHeaders('firms', ['회사명', '기업명']);
      expect(m.map((x) => x.status)).to.deep.equal(['column', 'unknown']);
    });
  });

  describe('the labels columnLabel writes', () => {
    for (const kind of IMPORT_KINDS)
      for (const lang of ['ko', 'en'] as const) {
        it(`when ${kind} headers are written in ${lang}, then each is unique, not a code, and read back as its column (read-only ones as ignored)`, () => {
          const labels = labelledColumns(kind).map((c) => columnLabel(kind, c, lang));
          expect(new Set(labels).size).to.equal(labels.length);
          for (const column of labelledColumns(kind)) {
            const label = columnLabel(kind, column, lang);
            expect(label, column).to.not.equal(column);
            const m = recogniseHeader(kind, label);
            if (IGNORABLE_COLUMNS[kind].includes(column)) expect(m.status, label).to.equal('ignored');
            else expect(m, label).to.deep.equal({ header: label, status: 'column', column });
          }
        });
      }

    it('when participant column headers are written in Korean or English, then they are read back', () => {
      for (const lang of ['ko', 'en'] as const) {
        const h = participantColumns(2, lang);
        expect(
          recogniseHeaders('rounds', [h.name, h.amountKrw, h.lead]).map((m) => m.status === 'column' && m.column),
        ).to.deep.equal(['participant2', 'participant2AmountKrw', 'participant2Lead']);
      }
    });
  });

  describe('required columns and the kind a file fits', () => {
    it('when a rounds file has no stage, then the stage is missing', () => {
      expect(missingRequired('rounds', ['firmName', 'amountKrw'])).to.deep.equal(['stage']);
      expect(missingRequired('firms', ['website'])).to.deep.equal(['nameKo']);
      expect(missingRequired('firms', ['brn'])).to.deep.equal([]);
    });

    it('when a rounds file is uploaded as startups, then it is said to fit rounds better', () => {
      const headers = ['기업명', '사업자번호', '단계', '투자 방식', '금액 (원)', '투자일', '참여 투자사'];
      expect(betterKind('firms', headers)).to.equal('rounds');
      expect(betterKind('rounds', headers)).to.equal(undefined);
    });

    it('when a startups file is uploaded as startups, even with an unknown column, then no other kind is suggested', () => {
      expect(betterKind('firms', ['기업명', '사업자번호', '업종', '설립일자', '비고란'])).to.equal(undefined);
    });
  });
});
