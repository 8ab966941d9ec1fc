import { expect } from 'chai';
import { Types } from 'mongoose';
import { decideFirmRows, firmCellsOf, type ExistingFirm } from '../../../server/imports/firm-rows.js';
import { decideInvestorRows, type ExistingInvestor } from '../../../server/imports/investor-rows.js';
import { decideRoundRows, type ExistingRound } from '../../../server/imports/round-rows.js';
import { toFirmRecord } from '../../../server/firms/firm-mapping.js';
import { createFirmBody } from '../../../server/firms/firms.schemas.js';
import { brnWithCheckDigit } from '../../../server/firms/firm-rules.js';

const BRN_A = brnWithCheckDigit('617860001');
const BRN_B = brnWithCheckDigit('617860002');
const rows = (...cells: Record<string, string>[]) => ({
  rows: cells.map((c, i) => ({ line: i + 2, cells: c })),
  extraCells: [],
});

function storedFirm(over: Record<string, string> = {}): ExistingFirm {
  const input = createFirmBody.parse({
    nameKo: '부산페이',
    nameEn: 'Busan Pay',
    brn: BRN_A,
    sectorPrimary: 'payments',
    pitch: '정산 자동화',
    ...over,
  });
  const firm = { ...toFirmRecord(input), _id: new Types.ObjectId(), __v: 3, status: 'resident' };
  return firm;
}

const noRefs = { investors: [], personIds: new Set<string>() };

describe('deciding what each import row does', () => {
  describe('firms', () => {
    it('when the registration number is unknown, then the row creates the firm', () => {
      const [d] = decideFirmRows(
        rows({ nameKo: '동백체인', brn: BRN_B, sectorPrimary: 'digital-assets', status: 'resident' }),
        { firms: [], ...noRefs },
      );
      expect(d?.action).to.equal('create');
      expect(d?.key).to.equal(BRN_B);
      expect(d?.input).to.have.nested.property('create.status', 'resident');
    });

    it('when the registration number matches, then only the changed fields are listed, and columns left out keep their values', () => {
      const firm = storedFirm();
      const [d] = decideFirmRows(rows({ brn: BRN_A.replaceAll('-', ''), nameKo: '부산페이', pitch: '새 소개' }), {
        firms: [firm],
        ...noRefs,
      });
      expect(d?.action).to.equal('update');
      expect(d?.targetId).to.equal(String(firm._id));
      expect(d?.changes).to.deep.equal([{ field: 'pitch', before: '정산 자동화', after: '새 소개' }]);
    });

    it('when the row says what is stored already (an export read back), then it is unchanged', () => {
      const firm = storedFirm({
        sectorsSecondary: 'data-ai',
        tags: 'bifc, tips',
        residencyStart: '2024-03-01',
        fundraisingRaising: 'true',
        fundraisingTargetKrw: '3000000000',
      });
      const [d] = decideFirmRows(rows({ ...firmCellsOf(firm), status: 'resident' }), { firms: [firm], ...noRefs });
      expect(d?.messages).to.deep.equal([]);
      expect(d?.action).to.equal('unchanged');
    });

    it('when a row has no registration number, then it matches by Korean or English name, and an empty number keeps the stored one', () => {
      const firm = storedFirm();
      const [byKo, byEn] = decideFirmRows(
        rows({ nameKo: '부산페이', brn: '' }, { nameEn: 'BUSAN PAY', headcount: '9' }),
        { firms: [firm], ...noRefs },
      );
      expect(byKo?.action).to.equal('unchanged');
      expect(byEn?.action).to.equal('error');
      expect(byEn?.messages[0]).to.include({ message: 'imports.errors.duplicateInFile' });
      const [alone] = decideFirmRows(rows({ nameEn: 'busan pay', headcount: '9' }), { firms: [firm], ...noRefs });
      expect(alone?.action).to.equal('update');
      expect(alone?.targetId).to.equal(String(firm._id));
      expect(alone?.changes).to.deep.equal([
        { field: 'nameEn', before: 'Busan Pay', after: 'busan pay' },
        { field: 'headcount', before: '', after: '9' },
      ]);
    });

    it('when cells are invalid, then each problem is reported on its column as an i18n key', () => {
      const [d] = decideFirmRows(
        rows({
          nameKo: '가',
          brn: '123-45-67890',
          sectorPrimary: 'banking',
          founded: '2021-02-30',
          fundraisingRaising: 'maybe',
        }),
        { firms: [], ...noRefs },
      );
      expect(d?.action).to.equal('error');
      expect(d?.messages).to.deep.include.members([
        { field: 'brn', message: 'firms.errors.brn' },
        {
          field: 'sectorPrimary',
          message: 'imports.errors.choice',
          params: { value: 'banking', vocabulary: 'sectors' },
        },
        { field: 'founded', message: 'validation.date' },
        { field: 'fundraisingRaising', message: 'imports.errors.boolean', params: { value: 'maybe' } },
      ]);
    });

    it('when the same registration number appears twice in the file, then the second row is an error pointing at the first', () => {
      const ds = decideFirmRows(
        rows(
          { nameKo: '가', brn: BRN_B, sectorPrimary: 'payments' },
          { nameKo: '나', brn: BRN_B, sectorPrimary: 'payments' },
        ),
        { firms: [], ...noRefs },
      );
      expect(ds.map((d) => d.action)).to.deep.equal(['create', 'error']);
      expect(ds[1]?.messages[0]).to.deep.equal({
        field: 'brn',
        message: 'imports.errors.duplicateInFile',
        params: { line: 2 },
      });
    });

    it('when two rows name the same firm by name, then the later is an error pointing at the first, unless both carry their own numbers', () => {
      const BRN_C = brnWithCheckDigit('617860003');
      const ds = decideFirmRows(
        rows(
          { nameKo: '가람', brn: BRN_B, sectorPrimary: 'payments' },
          { nameKo: '가람', brn: BRN_C, sectorPrimary: 'payments' },
          { nameKo: '나래', sectorPrimary: 'payments' },
          { nameKo: '가람', sectorPrimary: 'payments' },
          { nameKo: '나래', brn: brnWithCheckDigit('617860004'), sectorPrimary: 'payments' },
          { nameKo: '다솜', sectorPrimary: 'payments' },
        ),
        { firms: [], ...noRefs },
      );
      expect(ds.map((d) => d.action)).to.deep.equal(['create', 'create', 'create', 'error', 'error', 'create']);
      // A row without a number is the same firm as the first of that name; one with a number, as the first without.
      expect(ds.map((d) => d.messages[0]?.params)).to.deep.equal([
        undefined,
        undefined,
        undefined,
        { line: 2 },
        { line: 4 },
        undefined,
      ]);
      expect(ds[4]?.messages[0]?.field).to.equal('brn');
    });

    it('when two rows update the same stored firm (by number, then by name), then the later is an error pointing at the first', () => {
      const firm = storedFirm();
      const ds = decideFirmRows(
        rows({ brn: BRN_A, nameKo: '부산페이', headcount: '4' }, { nameKo: '부산페이', headcount: '5' }),
        { firms: [firm], ...noRefs },
      );
      expect(ds.map((d) => d.action)).to.deep.equal(['update', 'error']);
      expect(ds[1]?.messages[0]).to.deep.include({ message: 'imports.errors.duplicateInFile', params: { line: 2 } });
    });

    it('when the TIPS operator is given by name, then it is replaced by the investor id; an unknown one is an error', () => {
      const investor = {
        _id: new Types.ObjectId(),
        nameKo: 'BNK벤처투자',
        nameEn: 'BNK Venture Capital',
        nameKey: 'bnk#venture#capital',
      };
      const ds = decideFirmRows(
        rows(
          { nameKo: '가', sectorPrimary: 'payments', tipsOperator: 'bnk venture capital' },
          { nameKo: '나', sectorPrimary: 'payments', tipsOperator: 'Nobody Capital' },
        ),
        { firms: [], investors: [investor], personIds: new Set() },
      );
      expect(ds[0]?.input).to.have.nested.property('create.tipsOperator', String(investor._id));
      expect(ds[1]?.messages).to.deep.equal([
        { field: 'tipsOperator', message: 'imports.errors.unknownInvestor', params: { name: 'Nobody Capital' } },
      ]);
    });
  });

  describe('investors', () => {
    const stored: ExistingInvestor = {
      _id: new Types.ObjectId(),
      __v: 0,
      nameKo: 'BNK벤처투자',
      nameEn: 'BNK Venture Capital',
      nameKey: 'bnk#venture#capital',
      type: 'vc',
      bifcBased: true,
    };

    it('when the name key matches, then the row updates or is unchanged; a new name creates', () => {
      const ds = decideInvestorRows(
        rows(
          { nameEn: 'BNK Venture Capital', nameKo: 'BNK벤처투자', type: 'vc', bifcBased: 'TRUE' },
          { nameEn: 'BNK Venture Capital', type: 'cvc' },
          { nameKo: '동백파트너스', type: 'angel-network' },
        ),
        { investors: [stored] },
      );
      expect(ds.map((d) => d.action)).to.deep.equal(['unchanged', 'error', 'create']);
      const [update] = decideInvestorRows(rows({ nameEn: 'BNK Venture Capital', type: 'cvc' }), {
        investors: [stored],
      });
      expect(update?.changes).to.deep.equal([{ field: 'type', before: 'vc', after: 'cvc' }]);
    });

    it('when the type is missing or unknown, then the row is an error (an unknown one names the value found)', () => {
      const [d] = decideInvestorRows(rows({ nameEn: 'New Fund', type: 'hedge' }), { investors: [] });
      expect(d?.messages).to.deep.equal([
        { field: 'type', message: 'imports.errors.choice', params: { value: 'hedge', vocabulary: 'investorTypes' } },
      ]);
      const [missing] = decideInvestorRows(rows({ nameEn: 'New Fund', type: '' }), { investors: [] });
      expect(missing?.messages).to.deep.equal([{ field: 'type', message: 'investors.errors.type' }]);
    });
  });

  describe('rounds', () => {
    const firm = {
      _id: new Types.ObjectId(),
      brn: BRN_A,
      nameKo: '부산페이',
      nameEn: 'Busan Pay',
      sortName: 'busan pay',
    };
    const bnk = {
      _id: new Types.ObjectId(),
      nameKo: 'BNK벤처투자',
      nameEn: 'BNK Venture Capital',
      nameKey: 'bnk#venture#capital',
    };
    const dongbaek = { _id: new Types.ObjectId(), nameKo: '동백파트너스', nameKey: '동백파트너스' };
    const round: ExistingRound = {
      _id: new Types.ObjectId(),
      firm: firm._id,
      stage: 'seed',
      instrument: 'rcps',
      status: 'closed',
      amountKrw: 2_500_000_000,
      currency: 'KRW',
      closedOn: '2024-06-30',
      participants: [{ investor: bnk._id, amountKrw: 1_500_000_000, lead: true }],
    };
    const ctx = { firms: [firm], investors: [bnk, dongbaek], rounds: [round] };
    const base = {
      firmBrn: BRN_A,
      stage: 'seed',
      instrument: 'rcps',
      status: 'closed',
      amountKrw: '2,500,000,000',
      closedOn: '2024/6/30',
    };

    it('when firm, stage and date match a stored round, then it is an update of just the participants', () => {
      const [d] = decideRoundRows(
        rows({ ...base, participants: 'BNK Venture Capital:1500000000:lead; 동백파트너스:10억' }),
        ctx,
      );
      expect(d?.action).to.equal('update');
      expect(d?.changes).to.deep.equal([
        {
          field: 'participants',
          before: 'BNK Venture Capital:1500000000:lead',
          after: 'BNK Venture Capital:1500000000:lead; 동백파트너스:1000000000',
        },
      ]);
      expect(d?.input).to.deep.nested.include({ firmId: String(firm._id), roundId: String(round._id) });
    });

    it('when the same round is read back, then it is unchanged; another date creates a round', () => {
      const ds = decideRoundRows(
        rows(
          { ...base, firmBrn: '', firmName: 'busan pay', participants: 'bnk venture capital:1,500,000,000:lead' },
          { ...base, closedOn: '2025-01-10' },
        ),
        ctx,
      );
      expect(ds.map((d) => d.action)).to.deep.equal(['unchanged', 'create']);
    });

    it('when the firm or an investor does not exist, then the row says which', () => {
      const ds = decideRoundRows(
        rows({ ...base, firmBrn: BRN_B }, { ...base, closedOn: '2025-02-01', participants: 'Ghost Capital:100' }),
        ctx,
      );
      expect(ds[0]?.messages).to.deep.equal([
        { field: 'firmBrn', message: 'imports.errors.unknownFirm', params: { name: BRN_B } },
      ]);
      expect(ds[1]?.messages).to.deep.equal([
        { field: 'participants', message: 'imports.errors.unknownInvestor', params: { name: 'Ghost Capital' } },
      ]);
    });

    it('when participants add up to more than the round, then the round rule reports it', () => {
      const [d] = decideRoundRows(
        rows({ ...base, closedOn: '2025-03-01', amountKrw: '100', participants: 'BNK Venture Capital:200' }),
        ctx,
      );
      expect(d?.messages).to.deep.equal([{ field: 'participants', message: 'rounds.errors.participantsExceedAmount' }]);
    });
  });
});
