import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { useTestApp, agentOf, loginAs, uploadCsv, previewActionsOf } from '../helpers/app.js';
import { download } from '../helpers/download.js';
import { makeInvestorOrg } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { ImportBatchModel } from '../../models/import-batch.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import type { Role } from '../../models/enums.js';
import { createFirm, setArchived } from '../../server/firms/firms.service.js';
import { createFirmBody } from '../../server/firms/firms.schemas.js';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { createRound } from '../../server/rounds/rounds.service.js';
import { roundBody } from '../../server/rounds/rounds.schemas.js';
import { seoulToday } from '../../server/lib/dates.js';
import { FIRM_EXPORT_COLUMNS, ROUND_EXPORT_COLUMNS } from '../../server/exports/exports.service.js';
import { participantHeaderList } from '../../server/imports/participant-columns.js';

const BRN = (n: number) => brnWithCheckDigit(String(617_870_000 + n));

// How a spreadsheet splits a line on a delimiter: not inside "…" (a doubled "" inside stays inside).
function splitOutsideQuotes(line: string, delimiter: string): string[] {
  const cells = [''];
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === delimiter && !quoted) cells.push('');
    else cells[cells.length - 1] += ch;
  }
  return cells;
}

const recordsOf = (bytes: Buffer) =>
  parse<Record<string, string>>(bytes.toString('utf8'), { bom: true, columns: true });

const upload = uploadCsv;
const actionsOf = previewActionsOf;

async function makeFirm(over: Record<string, unknown> = {}) {
  return createFirm(createFirmBody.parse({ sectorPrimary: 'payments', ...over }), null);
}

async function seed() {
  const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital' });
  const angel = await makeInvestorOrg({ nameKo: '동백엔젤클럽', nameEn: '동백엔젤클럽', type: 'angel-network' });
  const pay = await makeFirm({
    nameKo: '해운대페이',
    nameEn: 'Haeundae Pay',
    brn: BRN(1),
    sectorsSecondary: ['data-ai', 'regtech'],
    stage: 'seed',
    founded: '2021-03-15',
    website: 'https://haeundaepay.example',
    pitch: '=수수료 0원',
    description: '부산, 문현동\n두 번째 줄 "인용"',
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
    fundraisingOpen: 'true',
    status: 'resident',
  });
  const lend = await makeFirm({ nameKo: '광안렌딩', brn: BRN(2), sectorPrimary: 'lending', stage: 'pre-a' });
  const archived = await makeFirm({ nameKo: '폐업테크', nameEn: 'Closed Tech', sectorPrimary: 'lending' });
  await setArchived(String(archived._id), true, { id: String(bnk._id), email: 'system@test.example' });
  await createRound(
    String(pay._id),
    roundBody.parse({
      stage: 'seed',
      instrument: 'rcps',
      status: 'closed',
      amountKrw: '1500000000',
      preMoneyKrw: '6000000000',
      closedOn: '2024-06-30',
      announcedOn: '2024-05-15',
      note: '첫 투자',
      participants: [
        { investor: String(bnk._id), amountKrw: '1000000000', lead: 'true' },
        { investor: String(angel._id), amountKrw: '500000000' },
      ],
    }),
    null,
  );
  await createRound(
    String(pay._id),
    roundBody.parse({
      stage: 'bridge',
      instrument: 'convertible-note',
      status: 'open',
      amountKrw: '200000000',
      currency: 'USD',
      amountForeign: '150,000.50',
      participants: [],
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
      valuationCapKrw: '5000000000',
      discountPct: '20',
      participants: [],
    }),
    null,
  );
  return { bnk, angel, pay, lend, archived };
}

describe('CSV export', () => {
  const t = useTestApp();

  describe('who may download', () => {
    for (const path of ['/firms/export.csv', '/firms/rounds/export.csv']) {
      for (const w of ['anonymous', 'investor', 'viewer', 'staff', 'admin'] as (Role | 'anonymous')[]) {
        const allowed = w === 'staff' || w === 'admin';
        it(`when ${w} asks for ${path}, then it is ${allowed ? 'sent' : 'refused'}`, async () => {
          await makeFirm({ nameKo: '비밀테크', brn: BRN(5) });
          const agent = w === 'anonymous' ? agentOf(t.app) : await loginAs(t.app, w);
          const res = await agent.get(path);
          if (allowed) {
            expect(res.status).to.equal(200);
            expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
          } else if (w === 'anonymous') {
            expect(res.status).to.equal(302);
            expect(res.headers.location).to.equal('/login');
          } else {
            expect(res.status).to.equal(403);
            expect(res.text).to.not.include('비밀테크');
          }
        });
      }
    }
  });

  describe('firms', () => {
    it('when staff export the list for re-import, then it is a UTF-8 CSV with a BOM, the import columns, Korean intact, archived firms left out', async () => {
      const { pay, bnk } = await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, '/firms/export.csv?format=codes');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).to.equal(
        `attachment; filename="firms-codes-${seoulToday().replaceAll('-', '')}.csv"; filename*=UTF-8''firms-for-import-${seoulToday()}.csv`,
      );
      // Streamed: no length known in advance.
      expect(res.headers['content-length']).to.equal(undefined);
      expect([...res.body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const text = res.body.toString('utf8');
      expect(text.slice(1, text.indexOf('\r\n'))).to.equal(FIRM_EXPORT_COLUMNS.map((c) => `"${c}"`).join(','));
      const records = recordsOf(res.body);
      // List order (by sort name): "haeundae pay", "광안렌딩"; the archived firm is not there.
      expect(records.map((r) => r.nameKo)).to.deep.equal(['해운대페이', '광안렌딩']);
      // From a Korean page, the export follows the Korean list: 가나다 order of the Korean names.
      expect(
        recordsOf((await download(staff, '/firms/export.csv?format=codes', 'ko')).body).map((r) => r.nameKo),
      ).to.deep.equal(['광안렌딩', '해운대페이']);
      expect(records[0]).to.deep.include({
        nameEn: 'Haeundae Pay',
        brn: BRN(1),
        sectorsSecondary: 'data-ai; regtech',
        founded: '2021-03-15',
        description: '부산, 문현동\n두 번째 줄 "인용"',
        tags: 'bifc, 결제',
        tipsOperator: String(bnk._id),
        tipsSuccessCriteria: 'revenue; exports',
        fundraisingRaising: 'true',
        fundraisingTargetKrw: '3000000000',
        status: 'resident',
        tipsStatus: 'recommended',
        raisedKrw: '1500000000',
        roundCount: '1',
        lastRoundOn: '2024-06-30',
        lastValuationKrw: '7500000000',
        archived: '',
      });
      // A cell Excel would run as a formula is guarded.
      expect(records[0]?.pitch).to.equal("'=수수료 0원");
      expect(String(pay._id)).to.be.a('string');
    });

    it('when a pitch hides a formula behind a semicolon, then its cell is quoted, so Excel splitting on ";" finds no formula', async () => {
      const pitch = "x;=cmd|' /C calc'!A0;";
      await makeFirm({ nameKo: '세미콜론테크', nameEn: '@SUM(1;2)', brn: BRN(7), pitch, headcount: '12' });
      const staff = await loginAs(t.app, 'staff');
      const text = (await download(staff, '/firms/export.csv?format=codes')).body.toString('utf8');
      const line = text.split('\r\n')[1];
      expect(line).to.contain(`"${pitch.replaceAll('"', '""')}"`);
      // A cell starting like a formula keeps its ' prefix, and is quoted too.
      expect(line).to.contain(`"'@SUM(1;2)"`);
      // Plain numbers stay bare.
      expect(line).to.contain(',12,');
      // Excel in a ';' locale: cells split on ';' outside quotes.
      for (const l of text.split('\r\n')) {
        for (const cell of splitOutsideQuotes(l, ';')) expect(cell, l).to.not.match(/^[=+\-@]/);
      }
      // A CSV reader gets every cell back as written.
      expect(recordsOf(Buffer.from(text, 'utf8'))[0]).to.deep.include({ nameEn: "'@SUM(1;2)", pitch, headcount: '12' });
    });

    it('when the list is filtered, then the export has the same firms; archived ones only when asked for', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const lending = recordsOf(
        (await download(staff, '/firms/export.csv?format=codes&sector=lending&sort=name&after=abc')).body,
      );
      expect(lending.map((r) => r.nameKo)).to.deep.equal(['광안렌딩']);
      const search = recordsOf(
        (await download(staff, '/firms/export.csv?format=codes&q=%ED%95%B4%EC%9A%B4%EB%8C%80')).body,
      );
      expect(search.map((r) => r.nameKo)).to.deep.equal(['해운대페이']);
      const archived = recordsOf((await download(staff, '/firms/export.csv?format=codes&archived=1')).body);
      expect(archived.map((r) => [r.nameKo, r.archived])).to.deep.equal([['폐업테크', 'true']]);
      expect((await staff.get('/firms/export.csv?sector=banking')).status).to.equal(400);
    });

    it('when an export for re-import is imported again unchanged, then every row is unchanged', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const exported = (await download(staff, '/firms/export.csv?format=codes')).body;
      const res = await upload(staff, 'firms', exported);
      expect(res.status, res.text.match(/class="error">.*?<\/li>/g)?.join('\n')).to.equal(200);
      expect(actionsOf(res.text)).to.deep.equal(['unchanged', 'unchanged']);
      expect(await ImportBatchModel.countDocuments({})).to.equal(1);
    });

    it('when the export is edited and imported, then just the edited cell changes', async () => {
      const { pay } = await seed();
      const staff = await loginAs(t.app, 'staff');
      const exported = (await download(staff, '/firms/export.csv?format=codes')).body
        .toString('utf8')
        .replace('14,', '15,');
      const res = await upload(staff, 'firms', Buffer.from(exported, 'utf8'));
      expect(actionsOf(res.text)).to.deep.equal(['update', 'unchanged']);
      // The preview names the field in the page's words (its markup belongs to the import page).
      expect(res.text).to.match(/<del>14<\/del> → <ins>15<\/ins>/);
      const token = await staff.csrf();
      await staff
        .post(`${/action="(\/firms\/import\/[0-9a-f]{24}\/apply)"/.exec(res.text)![1]}`)
        .type('form')
        .send({ _csrf: token });
      expect((await FirmModel.findById(pay._id).lean())!.headcount).to.equal(15);
    });
  });

  describe('rounds', () => {
    it('when staff export the rounds for re-import, then each has its firm registration number and name and its participants in column groups', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, '/firms/rounds/export.csv?format=codes');
      expect(res.headers['content-disposition']).to.equal(
        `attachment; filename="rounds-codes-${seoulToday().replaceAll('-', '')}.csv"; filename*=UTF-8''funding-rounds-for-import-${seoulToday()}.csv`,
      );
      expect([...res.body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const records = recordsOf(res.body);
      // As many participant groups as the round with the most participants (two).
      expect(Object.keys(records[0] ?? {})).to.deep.equal([
        ...ROUND_EXPORT_COLUMNS,
        ...participantHeaderList(2, 'codes'),
      ]);
      expect(records.map((r) => [r.firmBrn, r.firmName, r.stage])).to.deep.equal([
        [BRN(1), '해운대페이', 'seed'],
        [BRN(1), '해운대페이', 'bridge'],
        [BRN(2), '광안렌딩', 'pre-seed'],
      ]);
      expect(records[0]).to.deep.include({
        amountKrw: '1500000000',
        closedOn: '2024-06-30',
        note: '첫 투자',
        participant1: 'BNK Venture Capital',
        participant1AmountKrw: '1000000000',
        participant1Lead: 'true',
        participant2: '동백엔젤클럽',
        participant2AmountKrw: '500000000',
        participant2Lead: '',
      });
      expect(records[1]).to.deep.include({
        currency: 'USD',
        amountForeign: '150000.50',
        participant1: '',
        participant2: '',
      });
      expect(records[2]).to.deep.include({ valuationCapKrw: '5000000000', discountPct: '20' });
    });

    it('when the rounds export for re-import is imported again, then every row is unchanged', async () => {
      await seed();
      const staff = await loginAs(t.app, 'staff');
      const res = await upload(staff, 'rounds', (await download(staff, '/firms/rounds/export.csv?format=codes')).body);
      expect(res.status, res.text.match(/class="error">.*?<\/li>/g)?.join('\n')).to.equal(200);
      expect(actionsOf(res.text)).to.deep.equal(['unchanged', 'unchanged', 'unchanged']);
    });

    it("when a round's date is corrected in the exported file, then re-importing updates that round instead of adding one", async () => {
      const { pay } = await seed();
      const staff = await loginAs(t.app, 'staff');
      const csv = (await download(staff, '/firms/rounds/export.csv?format=codes')).body
        .toString('utf8')
        .replace('2024-06-30', '2024-07-01');
      const res = await upload(staff, 'rounds', Buffer.from(csv, 'utf8'));
      expect(actionsOf(res.text)).to.deep.equal(['update', 'unchanged', 'unchanged']);
      const batchId = /action="\/firms\/import\/([0-9a-f]{24})\/apply"/.exec(res.text)![1];
      const token = await staff.csrf();
      await staff.post(`/firms/import/${batchId}/apply`).type('form').send({ _csrf: token });
      expect(await FundingRoundModel.countDocuments({ firm: pay._id })).to.equal(2);
      expect(await FundingRoundModel.countDocuments({ firm: pay._id, closedOn: '2024-07-01' })).to.equal(1);
      expect((await FirmModel.findById(pay._id).lean())!.totals!.raisedKrw).to.equal(1_500_000_000);
    });

    it('when there are more rounds than one lookup batch, then every one is exported once with its names', async () => {
      const { bnk, pay } = await seed();
      const docs = Array.from({ length: 1_234 }, (_, i) => ({
        firm: pay._id,
        stage: 'grant',
        instrument: 'grant',
        status: 'closed',
        amountKrw: 1000 + i,
        closedOn: '2020-01-01',
        participants: [{ investor: bnk._id, amountKrw: 1000 + i }],
      }));
      await FundingRoundModel.insertMany(docs);
      const staff = await loginAs(t.app, 'staff');
      const records = recordsOf((await download(staff, '/firms/rounds/export.csv?format=codes')).body);
      expect(records).to.have.length(1_237);
      const grants = records.filter((r) => r.stage === 'grant');
      expect(new Set(grants.map((r) => r.amountKrw)).size).to.equal(1_234);
      expect(
        grants.every(
          (r) =>
            r.firmName === '해운대페이' &&
            r.participant1 === 'BNK Venture Capital' &&
            r.participant1AmountKrw === r.amountKrw,
        ),
      ).to.equal(true);
    });
  });

  // Exports are kept written until a record they show is written (exports.controller.ts): a later download is the same
  // file, and a change to any record it shows is in the next one.
  describe('kept between downloads', () => {
    it('when the firm list is exported again, then it is the same file, without reading the firms again', async () => {
      const { pay } = await seed();
      const staff = await loginAs(t.app, 'staff');
      const first = (await download(staff, '/firms/export.csv', 'ko')).body;
      // (Written past the models, so nothing is marked: a kept file does not show it.)
      await FirmModel.collection.updateOne({ _id: pay._id }, { $set: { nameKo: '몰래바뀐이름' } });
      const second = (await download(staff, '/firms/export.csv', 'ko')).body;
      expect(second.equals(first), 'the same bytes').to.equal(true);
      expect(second.toString()).to.include('해운대페이').and.not.include('몰래바뀐이름');
    });

    it('when a firm, its contact person or its TIPS operator is renamed, then the next firm export shows the new name', async () => {
      const { pay, bnk } = await seed();
      const person = await PersonModel.create({ name: '김담당', email: 'kim@haeundaepay.example', firms: [] });
      await FirmModel.updateOne({ _id: pay._id }, { $set: { contactPerson: person._id } });
      const staff = await loginAs(t.app, 'staff');
      const exported = async () => (await download(staff, '/firms/export.csv', 'en')).body.toString();
      expect(await exported())
        .to.include('김담당 <kim@haeundaepay.example>')
        .and.include('BNK Venture Capital');
      await FirmModel.updateOne({ _id: pay._id }, { $set: { nameEn: 'Haeundae Payments' } });
      expect(await exported()).to.include('Haeundae Payments');
      await PersonModel.updateOne({ _id: person._id }, { $set: { name: '김담당자' } });
      expect(await exported()).to.include('김담당자 <kim@haeundaepay.example>');
      await InvestorOrgModel.updateOne({ _id: bnk._id }, { $set: { nameEn: 'BNK Ventures' } });
      expect(await exported())
        .to.include('BNK Ventures')
        .and.not.include('BNK Venture Capital');
    });

    it('when a round, its firm or a participant is changed, then the next rounds export shows it', async () => {
      const { pay, angel } = await seed();
      const staff = await loginAs(t.app, 'staff');
      const exported = async () => recordsOf((await download(staff, '/firms/rounds/export.csv?format=codes')).body);
      expect((await exported()).map((r) => r.amountKrw)).to.include('1500000000');
      await FundingRoundModel.updateOne({ firm: pay._id, stage: 'seed' }, { $set: { amountKrw: 1_600_000_000 } });
      expect((await exported()).map((r) => r.amountKrw))
        .to.include('1600000000')
        .and.not.include('1500000000');
      await FirmModel.updateOne({ _id: pay._id }, { $set: { nameKo: '해운대페이먼츠' } });
      expect((await exported()).map((r) => r.firmName)).to.include('해운대페이먼츠');
      await InvestorOrgModel.updateOne({ _id: angel._id }, { $set: { nameEn: 'Dongbaek Angels' } });
      expect((await exported()).map((r) => r.participant2)).to.include('Dongbaek Angels');
    });

    it('when an investor is renamed, then the next investor export shows the new name; each language is its own file', async () => {
      const { bnk } = await seed();
      const staff = await loginAs(t.app, 'staff');
      const inKorean = (await download(staff, '/investors/export.csv', 'ko')).body.toString();
      const inEnglish = (await download(staff, '/investors/export.csv', 'en')).body.toString();
      expect(inKorean).to.not.equal(inEnglish);
      await InvestorOrgModel.updateOne({ _id: bnk._id }, { $set: { nameKo: '비엔케이벤처투자' } });
      expect((await download(staff, '/investors/export.csv', 'ko')).body.toString()).to.include('비엔케이벤처투자');
    });
  });
});
