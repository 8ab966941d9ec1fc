import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { useTestApp, loginAs, uploadCsv, previewActionsOf } from '../helpers/app.js';
import { download } from '../helpers/download.js';
import { makeInvestorOrg } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import { createFirm } from '../../server/firms/firms.service.js';
import { createFirmBody } from '../../server/firms/firms.schemas.js';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { createInvestor } from '../../server/investors/investors.service.js';
import { createInvestorBody } from '../../server/investors/investors.schemas.js';
import { createRound } from '../../server/rounds/rounds.service.js';
import { roundBody } from '../../server/rounds/rounds.schemas.js';
import { seoulToday } from '../../server/lib/dates.js';
import { columnLabel } from '../../server/imports/column-labels.js';
import { participantHeaderList } from '../../server/imports/participant-columns.js';
import {
  FIRM_EXPORT_COLUMNS,
  INVESTOR_EXPORT_COLUMNS,
  ROUND_EXPORT_COLUMNS,
} from '../../server/exports/exports.service.js';
import type { ImportKind } from '../../models/enums.js';

const BRN = (n: number) => brnWithCheckDigit(String(617_880_000 + n));
const SYSTEM = { id: '000000000000000000000000', email: 'system@test.example' };

const recordsOf = (bytes: Buffer) =>
  parse<Record<string, string>>(bytes.toString('utf8'), { bom: true, columns: true });
const headersOf = (bytes: Buffer): string[] => {
  const lines: string[][] = parse(bytes.toString('utf8'), { bom: true, to_line: 1 });
  return lines[0] ?? [];
};

const upload = uploadCsv;
const actionsOf = previewActionsOf;
const errorsOf = (html: string) => html.match(/class="error">.*?<\/li>/g)?.join('\n') ?? html.slice(0, 2000);

// Data that uses coded values, yes/no fields, references and amounts, so every kind of cell is written.
async function seed() {
  const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital' });
  const angel = await makeInvestorOrg({ nameKo: '동백엔젤클럽', nameEn: 'Dongbaek Angels', type: 'angel-network' });
  const third = await makeInvestorOrg({ nameKo: '문현파트너스', nameEn: 'Munhyeon Partners' });
  const pay = await createFirm(
    createFirmBody.parse({
      nameKo: '해운대체인',
      nameEn: 'Haeundae Chain',
      brn: BRN(1),
      sectorPrimary: 'digital-assets',
      sectorsSecondary: ['data-ai', 'regtech'],
      stage: 'seed',
      founded: '2021-03-15',
      pitch: '=수수료 0원',
      headcount: '14',
      tags: 'bifc, 결제',
      residencyStart: '2024-03-01',
      tipsTrack: 'tips',
      tipsOperator: String(bnk._id),
      tipsRecommendedOn: '2024-04-01',
      tipsSuccessCriteria: ['revenue', 'exports'],
      fundraisingRaising: 'true',
      fundraisingTargetKrw: '30억',
      fundraisingStage: 'pre-a',
      fundraisingInstrument: 'rcps',
      status: 'resident',
    }),
    null,
  );
  const lend = await createFirm(
    createFirmBody.parse({ nameKo: '광안렌딩', brn: BRN(2), sectorPrimary: 'lending', stage: 'pre-a' }),
    null,
  );
  await createRound(
    String(pay._id),
    roundBody.parse({
      stage: 'seed',
      instrument: 'rcps',
      status: 'closed',
      amountKrw: '1500000000',
      closedOn: '2024-06-30',
      participants: [
        { investor: String(bnk._id), amountKrw: '1000000000', lead: 'true' },
        { investor: String(angel._id), amountKrw: '300000000' },
        { investor: String(third._id) },
      ],
    }),
    null,
  );
  await createRound(
    String(lend._id),
    roundBody.parse({
      stage: 'pre-seed',
      instrument: 'safe',
      status: 'closed',
      amountKrw: '300000000',
      closedOn: '2023-01-10',
      participants: [],
    }),
    null,
  );
  // Contact people: one with an email address, one known by a name alone.
  const kim = await PersonModel.create({
    name: '김담당',
    email: 'kim@haeundae.example',
    firms: [{ firm: pay._id, role: 'ceo' }],
  });
  const lee = await PersonModel.create({ name: '이담당', firms: [{ firm: lend._id, role: 'ceo' }] });
  await FirmModel.updateOne({ _id: pay._id }, { $set: { contactPerson: kim._id } });
  await FirmModel.updateOne({ _id: lend._id }, { $set: { contactPerson: lee._id } });
  await createInvestor(
    createInvestorBody.parse({
      nameKo: '부산체인투자',
      nameEn: 'Busan Chain Investment',
      type: 'cvc',
      bifcBased: 'true',
      thesisSectors: ['digital-assets', 'payments'],
      thesisStages: ['seed', 'pre-a'],
      thesisInstruments: ['rcps'],
      thesisRegions: ['busan'],
      ticketMinKrw: '3억',
      ticketMaxKrw: '2000000000',
    }),
    SYSTEM,
  );
  return { bnk, angel, pay, lend };
}

const PATHS: Record<ImportKind, string> = {
  firms: '/firms/export.csv',
  rounds: '/firms/rounds/export.csv',
  investors: '/investors/export.csv',
};

describe('CSV export in the page language', () => {
  const t = useTestApp();

  describe('firms', () => {
    it('when exported from a Korean page, then headers, choices, yes/no and names are Korean; amounts plain won; dates YYYY-MM-DD', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, PATHS.firms, 'ko');
      expect(res.status).to.equal(200);
      const day = seoulToday();
      expect(res.headers['content-disposition']).to.equal(
        `attachment; filename="firms-${day.replaceAll('-', '')}.csv"; filename*=UTF-8''${encodeURIComponent(`기업목록-${day}.csv`)}`,
      );
      expect(headersOf(res.body)).to.deep.equal(FIRM_EXPORT_COLUMNS.map((c) => columnLabel('firms', c, 'ko')));
      const [lend, chain] = recordsOf(res.body);
      const cell = (row: Record<string, string> | undefined, column: string) =>
        row?.[columnLabel('firms', column, 'ko')];
      expect(cell(lend, 'nameKo')).to.equal('광안렌딩');
      expect(cell(chain, 'sectorPrimary')).to.equal('디지털자산');
      expect(cell(chain, 'stage')).to.equal('시드');
      expect(cell(lend, 'stage')).to.equal('프리 시리즈 A');
      expect(cell(chain, 'status')).to.equal('입주');
      expect(cell(chain, 'tipsStatus')).to.equal('추천');
      expect(cell(chain, 'fundraisingRaising')).to.equal('예');
      expect(cell(chain, 'fundraisingOpen')).to.equal('아니요');
      expect(cell(chain, 'tipsOperator')).to.equal('BNK벤처투자');
      expect(cell(chain, 'contactPerson')).to.equal('김담당 <kim@haeundae.example>');
      expect(cell(lend, 'contactPerson')).to.equal('이담당');
      expect(cell(chain, 'sectorsSecondary')).to.match(/^[^a-z]+; [^a-z]+$/);
      expect(cell(chain, 'fundraisingTargetKrw')).to.equal('3000000000');
      expect(cell(chain, 'raisedKrw')).to.equal('1500000000');
      expect(cell(chain, 'founded')).to.equal('2021-03-15');
      // The formula guard still applies to every text cell.
      expect(cell(chain, 'pitch')).to.equal("'=수수료 0원");
      // No code of a choice anywhere in the file.
      const text = res.body.toString('utf8');
      for (const code of ['digital-assets', 'data-ai', 'regtech', 'pre-a', 'resident', 'recommended', 'rcps', 'true'])
        expect(text, code).to.not.include(code);
    });

    it('when exported from an English page, then headers, choices, yes/no and names are English', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, PATHS.firms, 'en');
      expect(res.headers['content-disposition']).to.include(`filename*=UTF-8''firms-${seoulToday()}.csv`);
      expect(headersOf(res.body)).to.deep.equal(FIRM_EXPORT_COLUMNS.map((c) => columnLabel('firms', c, 'en')));
      const chain = recordsOf(res.body).find((r) => r[columnLabel('firms', 'nameKo', 'en')] === '해운대체인')!;
      const cell = (column: string) => chain[columnLabel('firms', column, 'en')];
      expect(cell('sectorPrimary')).to.equal('Digital assets');
      expect(cell('stage')).to.equal('Seed');
      expect(cell('status')).to.equal('Resident');
      expect(cell('fundraisingRaising')).to.equal('Yes');
      expect(cell('fundraisingOpen')).to.equal('No');
      expect(cell('tipsOperator')).to.equal('BNK Venture Capital');
      expect(cell('fundraisingStage')).to.equal('Pre-Series A');
    });

    it('when the re-import format is chosen, then the file has code headers and codes whatever the page language', async () => {
      const { bnk } = await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, `${PATHS.firms}?format=codes`, 'ko');
      expect(res.headers['content-disposition']).to.include(
        `filename*=UTF-8''${encodeURIComponent(`기업목록-가져오기용-${seoulToday()}.csv`)}`,
      );
      expect(headersOf(res.body)).to.deep.equal(FIRM_EXPORT_COLUMNS);
      const chain = recordsOf(res.body).find((r) => r.nameKo === '해운대체인')!;
      expect(chain).to.deep.include({
        sectorPrimary: 'digital-assets',
        sectorsSecondary: 'data-ai; regtech',
        stage: 'seed',
        fundraisingRaising: 'true',
        tipsOperator: String(bnk._id),
      });
    });

    it('when the format is not one the app offers, then the file is refused', async () => {
      const staff = await loginAs(t.app, 'staff');
      expect((await staff.get(`${PATHS.firms}?format=xlsx`)).status).to.equal(400);
    });
  });

  describe('rounds', () => {
    it('when exported from a Korean page, then participants are in column groups with Korean names, amounts and 예/아니요', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, PATHS.rounds, 'ko');
      expect(res.headers['content-disposition']).to.include(
        `filename*=UTF-8''${encodeURIComponent(`투자라운드-${seoulToday()}.csv`)}`,
      );
      // Three groups: the widest round has three participants.
      expect(headersOf(res.body)).to.deep.equal([
        ...ROUND_EXPORT_COLUMNS.map((c) => columnLabel('rounds', c, 'ko')),
        ...participantHeaderList(3, 'ko'),
      ]);
      expect(headersOf(res.body).slice(-3)).to.deep.equal(['참여 투자사 3', '참여 금액 3 (원)', '리드 3']);
      const [seedRound, safeRound] = recordsOf(res.body);
      const cell = (row: Record<string, string> | undefined, column: string) =>
        row?.[columnLabel('rounds', column, 'ko')];
      expect(cell(seedRound, 'firmName')).to.equal('해운대체인');
      expect(cell(seedRound, 'stage')).to.equal('시드');
      expect(cell(seedRound, 'status')).to.equal('완료');
      expect(cell(seedRound, 'amountKrw')).to.equal('1500000000');
      expect(seedRound).to.deep.include({
        '참여 투자사 1': 'BNK벤처투자',
        '참여 금액 1 (원)': '1000000000',
        '리드 1': '예',
        '참여 투자사 2': '동백엔젤클럽',
        '참여 금액 2 (원)': '300000000',
        '리드 2': '아니요',
        '참여 투자사 3': '문현파트너스',
        '참여 금액 3 (원)': '',
      });
      expect(safeRound).to.deep.include({ '참여 투자사 1': '', '리드 1': '' });
      expect(res.body.toString('utf8')).to.not.match(/:lead|BNK Venture Capital/);
    });

    it('when exported from an English page, then participants have their English names and Yes/No', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const [seedRound] = recordsOf((await download(staff, PATHS.rounds, 'en')).body);
      expect(seedRound).to.deep.include({
        [columnLabel('rounds', 'firmName', 'en')]: 'Haeundae Chain',
        [columnLabel('rounds', 'stage', 'en')]: 'Seed',
        'Participant 1': 'BNK Venture Capital',
        'Participant 1 amount (KRW)': '1000000000',
        'Participant 1 lead': 'Yes',
        'Participant 2': 'Dongbaek Angels',
        'Participant 2 lead': 'No',
      });
    });

    it('when no round has participants, then the file has no participant columns', async () => {
      const staff = await loginAs(t.app, 'staff');
      const lend = await createFirm(createFirmBody.parse({ nameKo: '혼자테크', sectorPrimary: 'lending' }), null);
      await createRound(
        String(lend._id),
        roundBody.parse({ stage: 'seed', instrument: 'safe', status: 'open', amountKrw: '1억', participants: [] }),
        null,
      );
      const res = await download(staff, `${PATHS.rounds}?format=codes`);
      expect(headersOf(res.body)).to.deep.equal(ROUND_EXPORT_COLUMNS);
    });

    it('when one round has many participants, then the file has exactly as many column groups', async () => {
      const { pay } = await seed();
      const many = await Promise.all(
        Array.from({ length: 11 }, (_, i) => makeInvestorOrg({ nameKo: `투자사${i}`, nameEn: `Investor ${i}` })),
      );
      await FundingRoundModel.create({
        firm: pay._id,
        stage: 'series-a',
        instrument: 'common',
        status: 'closed',
        amountKrw: 11_000,
        participants: many.map((o, i) => ({ investor: o._id, amountKrw: 1000 + i, lead: i === 10 })),
      });
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, `${PATHS.rounds}?format=codes`);
      expect(headersOf(res.body).slice(ROUND_EXPORT_COLUMNS.length)).to.deep.equal(participantHeaderList(11, 'codes'));
      const wide = recordsOf(res.body).find((r) => r.stage === 'series-a')!;
      expect(wide).to.deep.include({
        participant11: 'Investor 10',
        participant11AmountKrw: '1010',
        participant11Lead: 'true',
      });
    });
  });

  describe('investors', () => {
    it('when exported from a Korean page, then type, thesis choices and yes/no are Korean labels', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, PATHS.investors, 'ko');
      expect(res.headers['content-disposition']).to.include(
        `filename*=UTF-8''${encodeURIComponent(`투자사목록-${seoulToday()}.csv`)}`,
      );
      expect(headersOf(res.body)).to.deep.equal(INVESTOR_EXPORT_COLUMNS.map((c) => columnLabel('investors', c, 'ko')));
      const row = recordsOf(res.body).find((r) => r[columnLabel('investors', 'nameKo', 'ko')] === '부산체인투자')!;
      const cell = (column: string) => row[columnLabel('investors', column, 'ko')];
      expect(cell('thesisSectors')).to.equal('디지털자산; 지급결제');
      expect(cell('thesisStages')).to.equal('시드; 프리 시리즈 A');
      expect(cell('bifcBased')).to.equal('예');
      expect(cell('ticketMinKrw')).to.equal('300000000');
      expect(cell('type')).to.not.equal('cvc');
      expect(cell('thesisRegions')).to.not.include('busan');
    });
  });

  describe('where exports are offered', () => {
    for (const [page, path] of [
      ['firm list', '/firms?sector=lending'],
      ['investor list', '/investors?type=vc'],
    ] as const)
      it(`when staff open the ${page} in Korean, then it offers the Korean export and the one for re-import, with its filters`, async () => {
        const staff = await loginAs(t.app, 'staff');
        const res = await staff.get(path).set('Accept-Language', 'ko');
        expect(res.status).to.equal(200);
        const filter = path.split('?')[1];
        const links = [...res.text.matchAll(/<a class="button" href="([^"]*export\.csv[^"]*)"[^>]*>([^<]*)</g)].map(
          (m) => [m[1]!.replaceAll('&amp;', '&'), m[2]],
        );
        expect(links).to.have.length(2);
        expect(links[0]?.[0]).to.include(filter).and.not.include('format=');
        expect(links[0]?.[1]).to.equal('CSV 내보내기');
        expect(links[1]?.[0]).to.include(filter).and.include('format=codes');
        expect(links[1]?.[1]).to.equal('가져오기용 CSV (코드)');
      });
  });

  describe('import page', () => {
    it('when staff open the import page, then each export is offered in the page language and for re-import', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await staff.get('/firms/import').set('Accept-Language', 'ko');
      for (const path of Object.values(PATHS))
        expect(res.text).to.include(`href="${path}" download`).and.include(`href="${path}?format=codes" download`);
      expect(res.text).to.include('aria-label="전체 투자 라운드 (CSV), 가져오기용 CSV (코드)"');
    });
  });

  describe('round trip: export, import, nothing changes', () => {
    const kinds: ImportKind[] = ['firms', 'investors', 'rounds'];
    const variants = [
      { name: 'Korean labels', query: '', lang: 'ko' },
      { name: 'English labels', query: '', lang: 'en' },
      { name: 'codes', query: '?format=codes', lang: 'ko' },
    ];
    for (const kind of kinds)
      for (const v of variants)
        it(`when the ${kind} export with ${v.name} is imported unedited, then every row is unchanged`, async () => {
          await seed();
          const staff = await loginAs(t.app, 'staff');
          const exported = (await download(staff, `${PATHS[kind]}${v.query}`, v.lang)).body;
          const rows = recordsOf(exported).length;
          expect(rows).to.be.greaterThan(0);
          const res = await upload(staff, kind, exported);
          expect(res.status, errorsOf(res.text)).to.equal(200);
          expect(actionsOf(res.text), errorsOf(res.text)).to.deep.equal(Array(rows).fill('unchanged'));
        });

    it('when a participant amount is edited in the Korean rounds export, then re-importing updates just that round', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const text = (await download(staff, PATHS.rounds, 'ko')).body.toString('utf8');
      expect(text).to.include(',300000000,');
      const res = await upload(
        staff,
        'rounds',
        Buffer.from(text.replace(',300000000,"아니요"', ',350000000,"아니요"')),
      );
      expect(actionsOf(res.text), errorsOf(res.text)).to.deep.equal(['update', 'unchanged']);
    });

    it('when a stage label is edited in the Korean firms export, then re-importing updates just that firm', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const text = (await download(staff, PATHS.firms, 'ko')).body.toString('utf8');
      const edited = text.replace(/("광안렌딩",(?:[^\r\n]*?),)"프리 시리즈 A"/, '$1"시드"');
      expect(edited).to.not.equal(text);
      const res = await upload(staff, 'firms', Buffer.from(edited));
      expect(actionsOf(res.text), errorsOf(res.text)).to.deep.equal(['update', 'unchanged']);
    });
  });
});
