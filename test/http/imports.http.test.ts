import { expectGuarded } from '../helpers/access.js';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { useTestApp, agentOf, loginAs, type Agent, uploadCsv } from '../helpers/app.js';
import { download } from '../helpers/download.js';
import { makeInvestorOrg } from '../helpers/factories.js';
import { excelFirmsCsv } from '../fixtures/cp949.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { ImportBatchModel, ImportJournalPartModel, ImportLeaseModel } from '../../models/import-batch.model.js';
import type { ImportKind, Role } from '../../models/enums.js';
import { createFirm } from '../../server/firms/firms.service.js';
import { createFirmBody } from '../../server/firms/firms.schemas.js';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { createRound } from '../../server/rounds/rounds.service.js';
import { roundBody } from '../../server/rounds/rounds.schemas.js';
import { applyImport, previewImport } from '../../server/imports/index.js';
import { leaseKey } from '../../server/imports/import-lease.service.js';

const BRN = (n: number) => brnWithCheckDigit(String(617_860_000 + n));

const upload = uploadCsv;

async function inEnglish(agent: Agent): Promise<Agent> {
  const token = await agent.csrf();
  await agent.post('/lang').type('form').send({ _csrf: token, lang: 'en', next: '/' });
  return agent;
}

async function applyBatch(agent: Agent, id: string) {
  const token = await agent.csrf();
  return agent.post(`/firms/import/${id}/apply`).type('form').send({ _csrf: token });
}

const batchIdOf = (html: string) => /action="\/firms\/import\/([0-9a-f]{24})\/apply"/.exec(html)?.[1];
// Row number → action, as the report shows them.
const actionsOf = (html: string) =>
  Object.fromEntries([...html.matchAll(/data-line="(\d+)" data-action="(\w+)"/g)].map((m) => [Number(m[1]), m[2]]));
const countOf = (html: string, action: string) =>
  Number(
    new RegExp(`data-count="${action}"><span class="muted">[^<]*</span><div class="big">(\\d+)</div>`).exec(html)?.[1],
  );

async function makeFirm(over: Record<string, string> = {}) {
  return createFirm(
    createFirmBody.parse({
      nameKo: '부산페이',
      nameEn: 'Busan Pay',
      brn: BRN(1),
      sectorPrimary: 'payments',
      pitch: '정산 자동화',
      ...over,
    }),
    null,
  );
}

const FIRMS_CSV = [
  'nameKo,nameEn,brn,sectorPrimary,pitch,headcount,status',
  `부산페이,Busan Pay,${BRN(1)},payments,새 소개,12,`,
  `동백체인,Dongbaek Chain,${BRN(2)},digital-assets,"커스터디, 토큰",8,resident`,
  `광안렌딩,Gwangan Lending,${BRN(3)},lending,P2P 대출,5,applicant`,
].join('\r\n');

describe('CSV import', () => {
  const t = useTestApp();

  describe('who may use it', () => {
    const cases: { method: 'get' | 'post' | 'upload'; path: (id: string) => string }[] = [
      { method: 'get', path: () => '/firms/import' },
      { method: 'get', path: () => '/firms/import/template/firms.csv' },
      { method: 'upload', path: () => '/firms/import' },
      { method: 'get', path: (id) => `/firms/import/${id}` },
      { method: 'post', path: (id) => `/firms/import/${id}/apply` },
    ];
    const who: (Role | 'anonymous')[] = ['anonymous', 'investor', 'viewer', 'staff', 'admin'];
    for (const c of cases) {
      for (const w of who) {
        const allowed = w === 'staff' || w === 'admin';
        it(`when ${w} calls ${c.method === 'upload' ? 'POST (upload)' : c.method.toUpperCase()} ${c.path(':batchId')}, then it is ${allowed ? 'allowed' : 'refused'}`, async () => {
          const owner = await loginAs(t.app, 'staff');
          const preview = await previewImport(
            { kind: 'firms', filename: 'f.csv', bytes: Buffer.from(FIRMS_CSV) },
            { id: owner.userId, email: owner.email },
          );
          const id = 'batchId' in preview ? preview.batchId : '';
          const agent = w === 'anonymous' ? agentOf(t.app) : await loginAs(t.app, w);
          const path = c.path(id);
          const res =
            c.method === 'get'
              ? await agent.get(path)
              : c.method === 'post'
                ? await applyBatch(agent, id)
                : await upload(agent, 'firms', FIRMS_CSV);
          expectGuarded(res, w, allowed, [200, 303]);
          if (!allowed) {
            // Nothing was read into a batch or written behind a refusal.
            expect(await ImportBatchModel.countDocuments({})).to.equal(1);
            expect((await ImportBatchModel.findById(id).lean())!.status).to.equal('previewed');
            expect(await FirmModel.countDocuments({})).to.equal(0);
          }
        });
      }
    }

    it('when an upload comes without a CSRF token or with a wrong one, then it is refused (403) and nothing is stored', async () => {
      const staff = await loginAs(t.app, 'staff');
      await staff.csrf();
      const none = await staff
        .post('/firms/import')
        .field('kind', 'firms')
        .attach('file', Buffer.from(FIRMS_CSV), 'firms.csv');
      expect(none.status).to.equal(403);
      const wrong = await staff
        .post('/firms/import')
        .field('_csrf', 'not-the-token')
        .field('kind', 'firms')
        .attach('file', Buffer.from(FIRMS_CSV), 'firms.csv');
      expect(wrong.status).to.equal(403);
      expect(await ImportBatchModel.countDocuments({})).to.equal(0);
    });

    it('when applying comes without a CSRF token, then it is refused (403) and nothing is written', async () => {
      const staff = await loginAs(t.app, 'staff');
      const id = batchIdOf((await upload(staff, 'firms', FIRMS_CSV)).text)!;
      const res = await staff.post(`/firms/import/${id}/apply`).type('form').send({});
      expect(res.status).to.equal(403);
      expect(await FirmModel.countDocuments({})).to.equal(0);
    });
  });

  describe('the upload page', () => {
    it('when staff open it, then it offers the three kinds, a multipart form with its token, the templates and the column reference', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await staff.get('/firms/import');
      expect(res.status).to.equal(200);
      expect(res.text).to.match(
        /<form method="post" action="\/firms\/import" enctype="multipart\/form-data"[^>]*>\s*<input type="hidden" name="_csrf"/,
      );
      for (const kind of ['firms', 'investors', 'rounds']) {
        expect(res.text).to.include(`name="kind" value="${kind}"`);
        expect(res.text).to.include(`/firms/import/template/${kind}.csv`);
      }
      // Columns by the headers a person reads (the codes beside them), values by their labels.
      expect(res.text).to.include('<strong>기타 분야</strong>').and.include('<strong>참여 투자사</strong>');
      expect(res.text).to.include('지급결제, 디지털자산');
      for (const kind of ['firms', 'investors', 'rounds']) {
        expect(res.text).to.include(`/firms/import/template/${kind}.csv?lang=ko`);
        expect(res.text).to.include(`/firms/import/template/${kind}.csv?lang=en`);
      }
    });

    it('when a template is downloaded, then it is UTF-8 with a BOM, a header and an example row that previews without errors', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await download(staff, '/firms/import/template/firms.csv');
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).to.equal('attachment; filename="firms-template.csv"');
      const bytes = res.body;
      expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
      expect(lines).to.have.length(2);
      expect(lines[0]?.startsWith('nameKo,nameEn,brn,sectorPrimary')).to.equal(true);
      expect(lines[1]).to.include('부산페이');
      const preview = await upload(staff, 'firms', bytes);
      expect(preview.status).to.equal(200);
      expect(actionsOf(preview.text)).to.deep.equal({ 2: 'create' });
    });

    it('when the upload has no file or an unknown kind, then the form comes back (422) with the reason; with no known column, the mapping step follows', async () => {
      const staff = await loginAs(t.app, 'staff');
      let token = await staff.csrf();
      const noFile = await staff.post('/firms/import').field('_csrf', token).field('kind', 'firms');
      expect(noFile.status).to.equal(422);
      expect(noFile.text).to.include('CSV 파일을 선택하세요.');
      token = await staff.csrf();
      const badKind = await staff
        .post('/firms/import')
        .field('_csrf', token)
        .field('kind', 'people')
        .attach('file', Buffer.from(FIRMS_CSV), 'x.csv');
      expect(badKind.status).to.equal(422);
      expect(await ImportBatchModel.countDocuments({})).to.equal(0);
      const noColumns = await upload(await inEnglish(staff), 'firms', 'Foo,Bar\nA,1\n');
      expect(noColumns.status).to.equal(200);
      expect(noColumns.text).to.include('Match the columns').and.include('2 columns were not recognised.');
      expect(await FirmModel.countDocuments({})).to.equal(0);
    });

    it('when the file is larger than 5 MB, then it is refused with the reason and not read', async () => {
      const staff = await loginAs(t.app, 'staff');
      const big = Buffer.alloc(5 * 1024 * 1024 + 10, 'a');
      const res = await upload(staff, 'firms', big);
      expect(res.status).to.equal(422);
      expect(res.text).to.include('파일이 5MB보다 큽니다.');
      expect(await ImportBatchModel.countDocuments({})).to.equal(0);
    });
  });

  describe('preview and apply', () => {
    it('when a file is uploaded, then the preview reports every row (create / update with its changes) and writes no record', async () => {
      const existing = await makeFirm();
      const staff = await loginAs(t.app, 'staff');
      const auditBefore = await AuditEntryModel.countDocuments({});
      const res = await upload(staff, 'firms', FIRMS_CSV);
      expect(res.status).to.equal(200);
      expect(actionsOf(res.text)).to.deep.equal({ 2: 'update', 3: 'create', 4: 'create' });
      expect(countOf(res.text, 'create')).to.equal(2);
      expect(countOf(res.text, 'update')).to.equal(1);
      expect(res.text).to.include('<strong>한 줄 소개</strong>: <del>정산 자동화</del> → <ins>새 소개</ins>');
      expect(res.text).to.include('<strong>인원</strong>: <del>∅</del> → <ins>12</ins>');
      // A new row shows what it will store, in labels: 동백체인's sector and status.
      const row3 = /data-line="3"[\s\S]*?<\/tr>/.exec(res.text)![0];
      expect(row3).to.include('<strong>주 분야</strong>: 디지털자산').and.include('<strong>상태</strong>: 입주');
      expect(row3).to.not.include('digital-assets');
      expect(batchIdOf(res.text)).to.match(/^[0-9a-f]{24}$/);
      // Nothing written: the firm as it was, no new firms, no audit entries; the batch is stored as previewed.
      expect(await FirmModel.countDocuments({})).to.equal(1);
      const stored = await FirmModel.findById(existing._id).lean();
      expect(stored!.pitch).to.equal('정산 자동화');
      expect(stored!.__v).to.equal(existing.__v);
      expect(await AuditEntryModel.countDocuments({})).to.equal(auditBefore);
      const batch = await ImportBatchModel.findOne({}).lean();
      expect(batch).to.include({ kind: 'firms', status: 'previewed', filename: 'firms.csv', byEmail: staff.email });
      expect(batch!.rows.map((r) => [r.line, r.action])).to.deep.equal([
        [2, 'update'],
        [3, 'create'],
        [4, 'create'],
      ]);
    });

    it('when one row is bad, then the report shows its messages per column, there is no Apply button, and applying anyway writes nothing', async () => {
      const staff = await loginAs(t.app, 'staff');
      const csv = `${FIRMS_CSV}\r\n해운데이터,,123-45-67890,banking,,,\r\n`;
      const res = await upload(staff, 'firms', csv);
      expect(res.status).to.equal(422);
      expect(actionsOf(res.text)).to.deep.equal({ 2: 'create', 3: 'create', 4: 'create', 5: 'error' });
      expect(res.text).to.include('1개 행에 오류가 있습니다.');
      expect(res.text).to.include('<strong>사업자등록번호</strong>: 올바른 사업자등록번호가 아닙니다');
      // The value found and the allowed values, in labels.
      expect(res.text).to.include(
        '<strong>주 분야</strong>: “banking”은(는) 고를 수 있는 값이 아닙니다. 가능한 값: 지급결제, 디지털자산',
      );
      // The row with errors comes first.
      expect(res.text.indexOf('data-line="5"')).to.be.lessThan(res.text.indexOf('data-line="2"'));
      // No "apply all"; only "apply the valid rows and skip the one with errors".
      expect(res.text).to.not.include('data-apply="all"');
      expect(res.text).to.include('오류 없는 3개 행만 적용하고 오류가 있는 1개 행은 건너뛰기');
      // In English, one row is one row.
      const english = await upload(await inEnglish(staff), 'firms', csv);
      expect(english.text).to.include('One row has an error.').and.not.include('1 rows');
      expect(english.text).to.include('Apply the valid rows (3) and skip those with errors (1)');
      const batch = await ImportBatchModel.findOne({}).sort({ _id: 1 }).lean();
      const forced = await applyBatch(staff, String(batch!._id));
      expect(forced.status).to.equal(303);
      expect(await FirmModel.countDocuments({})).to.equal(0);
      expect((await ImportBatchModel.findById(batch!._id).lean())!.status).to.equal('previewed');
    });

    it('when a row has no registration number, then what it is matched on reads as its name, not an internal key', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await upload(staff, 'firms', `${FIRMS_CSV}\r\n해운데이터,Haeun Data Co,,payments,,,`);
      const matchedOn = [...res.text.matchAll(/<td data-label="찾은 기준">([^<]*)<\/td>/g)].map((m) => m[1]);
      expect(matchedOn).to.deep.equal([BRN(1), BRN(2), BRN(3), '해운데이터']);
    });

    it('when a row repeats a registration number of the file, then it is an error naming the first row', async () => {
      const staff = await loginAs(t.app, 'staff');
      const res = await upload(await inEnglish(staff), 'firms', `${FIRMS_CSV}\r\n다른이름,,${BRN(2)},payments,,,`);
      expect(actionsOf(res.text)[5]).to.equal('error');
      expect(res.text).to.include('The same record is already on row 3 of this file.');
    });

    it('when the preview is applied, then every row is written with the import id, audited, and the result links to the records', async () => {
      const existing = await makeFirm();
      const staff = await loginAs(t.app, 'staff');
      const id = batchIdOf((await upload(staff, 'firms', FIRMS_CSV)).text)!;
      const res = await applyBatch(staff, id);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/firms/import/${id}`);
      const page = await staff.get(res.headers.location!);
      expect(page.text).to.include('가져오기 완료: 2건 추가, 1건 수정, 0건 변경 없음.');
      const firms = await FirmModel.find({}).sort({ brn: 1 }).lean();
      expect(firms.map((f) => [f.nameKo, f.status, f.pitch])).to.deep.equal([
        ['부산페이', 'applicant', '새 소개'],
        ['동백체인', 'resident', '커스터디, 토큰'],
        ['광안렌딩', 'applicant', 'P2P 대출'],
      ]);
      expect(firms[0]?.headcount).to.equal(12);
      expect(String(firms[0]?._id)).to.equal(String(existing._id));
      expect(firms[0]?.importId).to.equal(undefined);
      expect(firms.slice(1).map((f) => String(f.importId))).to.deep.equal([id, id]);
      for (const f of firms) expect(page.text).to.include(`href="/firms/${f._id}"`);
      const entries = await AuditEntryModel.find({ importId: new Types.ObjectId(id) }).lean();
      expect(entries.map((e) => `${e.entity}:${e.action}`).sort()).to.deep.equal([
        'firm:create',
        'firm:create',
        'firm:update',
        'import:import',
      ]);
      const summary = entries.find((e) => e.entity === 'import')!;
      expect(summary.changes.map((c): [string, unknown] => [c.field, c.after])).to.deep.equal([
        ['created', 2],
        ['updated', 1],
        ['unchanged', 0],
      ]);
      expect((await ImportBatchModel.findById(id).lean())!.status).to.equal('applied');
    });

    it('when a large file is applied, then the request returns at once to a page that shows the rows written and reloads itself until it is applied', async function () {
      this.timeout(120_000);
      const staff = await loginAs(t.app, 'staff');
      const rows = Array.from({ length: 400 }, (_, i) => `대량기업${i},Bulk ${i},${BRN(100 + i)},payments`);
      const id = batchIdOf(
        (await upload(staff, 'firms', ['nameKo,nameEn,brn,sectorPrimary', ...rows].join('\n'))).text,
      )!;
      const res = await applyBatch(staff, id);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/firms/import/${id}`);
      // Answered while the apply runs (or just after it ended): the page shows where it is.
      const first = await staff.get(res.headers.location!);
      if ((await ImportBatchModel.findById(id).lean())!.status === 'applying') {
        expect(first.text).to.match(/\d+ \/ 400 행 적용됨/);
        expect(first.text).to.include('<meta http-equiv="refresh" content="2">');
      }
      let page = first;
      for (let i = 0; i < 200 && !page.text.includes('가져오기 완료'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        page = await staff.get(`/firms/import/${id}`);
      }
      expect(page.text).to.include('가져오기 완료').and.not.include('http-equiv="refresh"');
      expect(await FirmModel.countDocuments({ importId: new Types.ObjectId(id) })).to.equal(400);
      expect(await AuditEntryModel.countDocuments({ importId: new Types.ObjectId(id), action: 'create' })).to.equal(
        400,
      );
    });

    it('when a batch is being applied, then its page shows how many rows are written of how many and reloads itself', async () => {
      const staff = await loginAs(t.app, 'staff');
      const id = batchIdOf((await upload(staff, 'firms', FIRMS_CSV)).text)!;
      // As an apply in another process leaves it: the rows to write on the batch, the rows written on its lease.
      await ImportBatchModel.updateOne(
        { _id: id },
        { $set: { status: 'applying', claims: 1, leaseOwner: 'another', appliedRows: 0, totalRows: 5000 } },
      );
      await ImportLeaseModel.create({
        _id: leaseKey(id, 0),
        batch: id,
        owner: 'another',
        until: new Date(Date.now() + 30_000),
        appliedRows: 1250,
        totalRows: 5000,
      });
      const page = await staff.get(`/firms/import/${id}`);
      expect(page.text).to.include('1,250 / 5,000 행 적용됨').and.include('<meta http-equiv="refresh" content="2">');
      // The page reloads every 2 s while the apply runs: it reads the batch without its rows, and says when they come.
      expect(page.text).not.to.include('class="stack-mobile import-rows"');
      expect(page.text).to.include('행별 결과는 가져오기가 끝나면 여기에 표시됩니다.');
      const english = await (await inEnglish(staff)).get(`/firms/import/${id}`);
      expect(english.text).to.include('1,250 of 5,000 rows applied');
      // Once it ends, the row-by-row report is there.
      await ImportBatchModel.updateOne({ _id: id }, { $set: { status: 'applied', appliedAt: new Date() } });
      expect((await staff.get(`/firms/import/${id}`)).text).to.include('class="stack-mobile import-rows"');
    });

    it('when the same batch is applied twice, then the second apply writes nothing', async () => {
      const staff = await loginAs(t.app, 'staff');
      const id = batchIdOf((await upload(staff, 'firms', FIRMS_CSV)).text)!;
      await applyBatch(staff, id);
      const again = await applyBatch(staff, id);
      expect(again.status).to.equal(303);
      const page = await staff.get(again.headers.location!);
      expect(page.text).to.include('이미 적용되었거나 실패한 가져오기입니다.');
      expect(await FirmModel.countDocuments({})).to.equal(3);
      expect(await AuditEntryModel.countDocuments({ entity: 'import' })).to.equal(1);
    });

    it('when the same batch is applied by several requests at once (double submit, two instances), then it is written once', async () => {
      const staff = await loginAs(t.app, 'staff');
      const id = batchIdOf((await upload(staff, 'firms', FIRMS_CSV)).text)!;
      const actor = { id: staff.userId, email: staff.email };
      const results = await Promise.all([1, 2, 3, 4].map(() => applyImport(id, actor)));
      expect(results.map((r) => r.outcome).sort()).to.deep.equal([
        'alreadyDone',
        'alreadyDone',
        'alreadyDone',
        'applied',
      ]);
      expect((await ImportBatchModel.findById(id).lean())!.status).to.equal('applied');
      expect(await FirmModel.countDocuments({ importId: new Types.ObjectId(id) })).to.equal(3);
      expect(await FirmModel.countDocuments({})).to.equal(3);
      expect(await AuditEntryModel.countDocuments({ entity: 'import' })).to.equal(1);
    });

    it('when the same file is imported again after applying, then every row is unchanged and applying writes nothing new', async () => {
      const staff = await loginAs(t.app, 'staff');
      await applyBatch(staff, batchIdOf((await upload(staff, 'firms', FIRMS_CSV)).text)!);
      const before = await FirmModel.find({}).sort({ _id: 1 }).lean();
      const firmAudits = await AuditEntryModel.countDocuments({ entity: 'firm' });
      const again = await upload(staff, 'firms', FIRMS_CSV);
      expect(actionsOf(again.text)).to.deep.equal({ 2: 'unchanged', 3: 'unchanged', 4: 'unchanged' });
      expect(again.text).to.include('모든 행이 저장된 내용과 같습니다.');
      await applyBatch(staff, batchIdOf(again.text)!);
      const after = await FirmModel.find({}).sort({ _id: 1 }).lean();
      expect(after.map((f) => [String(f._id), f.__v, f.updatedAt?.toISOString()])).to.deep.equal(
        before.map((f) => [String(f._id), f.__v, f.updatedAt?.toISOString()]),
      );
      expect(await AuditEntryModel.countDocuments({ entity: 'firm' })).to.equal(firmAudits);
    });

    it('when the stored data changes between preview and apply, then nothing is written and the new check is shown', async () => {
      const staff = await loginAs(t.app, 'staff');
      const id = batchIdOf((await upload(staff, 'firms', FIRMS_CSV)).text)!;
      // Meanwhile someone registers one of the file's firms by hand.
      await makeFirm({
        brn: BRN(3),
        nameKo: '광안렌딩',
        nameEn: 'Gwangan Lending',
        sectorPrimary: 'lending',
        pitch: 'P2P',
      });
      const res = await applyBatch(staff, id);
      expect(res.status).to.equal(303);
      const page = await staff.get(res.headers.location!);
      expect(page.text).to.include('검사 후 저장된 데이터가 바뀌었습니다.');
      expect(actionsOf(page.text)).to.deep.equal({ 2: 'create', 3: 'create', 4: 'update' });
      expect(await FirmModel.countDocuments({})).to.equal(1);
      // Applying the new check goes through.
      await applyBatch(staff, id);
      expect(await FirmModel.countDocuments({})).to.equal(3);
    });

    it('when a 50-firm CSV saved by Korean Excel (CP949) is imported, then all 50 firms are stored with their Korean text intact', async () => {
      const staff = await loginAs(t.app, 'staff');
      const { bytes, firms } = excelFirmsCsv(50);
      const res = await upload(staff, 'firms', bytes, '스타트업 명단.csv');
      expect(res.status, res.text.match(/class="error"[^<]*<code>[^<]*<\/code>[^<]*/g)?.join('\n')).to.equal(200);
      expect(countOf(res.text, 'create')).to.equal(50);
      expect(res.text).to.include('한국어 Windows (CP949)');
      expect(res.text).to.include('스타트업 명단.csv');
      await applyBatch(staff, batchIdOf(res.text)!);
      const stored = await FirmModel.find({}).lean();
      expect(stored).to.have.length(50);
      const byBrn = new Map(stored.map((f) => [f.brn, f]));
      for (const f of firms) expect(byBrn.get(f.brn)?.nameKo).to.equal(f.nameKo);
      const first = byBrn.get(firms[0]!.brn)!;
      expect(first).to.deep.include({
        nameEn: 'Busan Fintech 1',
        sectorPrimary: 'payments',
        founded: '2020-01-01',
        status: 'resident',
        headcount: 5,
        pitch: '부산 BIFC 입주 1번째 기업',
      });
      expect(first.description).to.equal('문현동, 부산\n둘째 줄 설명 1');
      expect(first.tags).to.deep.equal(['bifc', '부산']);
      expect(first.sectorsSecondary).to.deep.equal(['regtech', 'security-identity']);
      expect(first.fundraising).to.deep.include({ raising: true, targetKrw: 1_500_000_000 });
      expect(byBrn.get(firms[1]!.brn)!.fundraising!.raising).to.equal(false);
      expect(await FirmModel.countDocuments({ nameKo: { $regex: '^해운페이' } })).to.equal(1);
    });
  });

  describe('rounds and investors', () => {
    it('when rounds are imported, then participants link to the investors by name and the firm totals are recomputed', async () => {
      const firm = await makeFirm();
      const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital' });
      const dongbaek = await makeInvestorOrg({ nameKo: '동백파트너스', nameEn: 'Dongbaek Partners' });
      const staff = await loginAs(t.app, 'staff');
      const csv = [
        'firmBrn,firmName,stage,instrument,status,amountKrw,closedOn,preMoneyKrw,participants',
        `${BRN(1)},,seed,rcps,closed,"1,500,000,000",2023-06-30,4000000000,"bnk venture capital:1000000000:lead; 동백파트너스:5억"`,
        `,부산페이,pre-a,rcps,closed,30억,2024-09-01,,Dongbaek Partners:3000000000:lead`,
        `,Busan Pay,series-a,rcps,planned,50억,,,`,
      ].join('\n');
      const res = await upload(staff, 'rounds', csv);
      expect(res.status, res.text.slice(0, 500)).to.equal(200);
      expect(actionsOf(res.text)).to.deep.equal({ 2: 'create', 3: 'create', 4: 'create' });
      await applyBatch(staff, batchIdOf(res.text)!);
      const rounds = await FundingRoundModel.find({ firm: firm._id }).sort({ closedOn: 1 }).lean();
      expect(rounds).to.have.length(3);
      const seed = rounds.find((r) => r.stage === 'seed')!;
      expect(seed.participants.map((p) => [String(p.investor), p.amountKrw, p.lead])).to.deep.equal([
        [String(bnk._id), 1_000_000_000, true],
        [String(dongbaek._id), 500_000_000, false],
      ]);
      const stored = await FirmModel.findById(firm._id).lean();
      expect(stored!.totals).to.deep.include({
        raisedKrw: 4_500_000_000,
        roundCount: 2,
        lastRoundOn: '2024-09-01',
        lastRoundStage: 'pre-a',
        lastValuationKrw: 5_500_000_000,
      });
      // The same file again: nothing to do.
      const again = await upload(staff, 'rounds', csv);
      expect(actionsOf(again.text)).to.deep.equal({ 2: 'unchanged', 3: 'unchanged', 4: 'unchanged' });
    });

    it("when a file lists two firms' rounds by date, interleaved, then each line gets its own firm's round and both firms' totals add up", async () => {
      const pay = await makeFirm();
      const chain = await makeFirm({ nameKo: '해운체인', nameEn: 'Haeun Chain', brn: BRN(2) });
      const staff = await loginAs(t.app, 'staff');
      const csv = [
        'firmBrn,stage,instrument,status,amountKrw,closedOn',
        `${BRN(1)},seed,rcps,closed,100000000,2022-01-10`,
        `${BRN(2)},seed,rcps,closed,200000000,2022-02-10`,
        `${BRN(1)},pre-a,rcps,closed,300000000,2023-03-10`,
        `${BRN(2)},pre-a,rcps,closed,400000000,2023-04-10`,
        `${BRN(1)},series-a,rcps,closed,500000000,2024-05-10`,
      ].join('\n');
      const id = batchIdOf((await upload(staff, 'rounds', csv)).text)!;
      await applyBatch(staff, id);
      const rounds = new Map((await FundingRoundModel.find({}).lean()).map((r) => [String(r._id), r]));
      const batch = await ImportBatchModel.findById(id).lean();
      expect(
        batch!.rows.map((r) => {
          const round = rounds.get(String(r.targetId))!;
          return [r.line, String(round.firm) === String(pay._id) ? 'pay' : 'chain', round.amountKrw];
        }),
      ).to.deep.equal([
        [2, 'pay', 100_000_000],
        [3, 'chain', 200_000_000],
        [4, 'pay', 300_000_000],
        [5, 'chain', 400_000_000],
        [6, 'pay', 500_000_000],
      ]);
      const totals = async (firmId: unknown) => (await FirmModel.findById(firmId).lean())!.totals;
      expect(await totals(pay._id)).to.deep.include({
        raisedKrw: 900_000_000,
        roundCount: 3,
        lastRoundStage: 'series-a',
      });
      expect(await totals(chain._id)).to.deep.include({
        raisedKrw: 600_000_000,
        roundCount: 2,
        lastRoundStage: 'pre-a',
      });
      // The journal that made the apply undoable is gone once it is applied.
      expect(await ImportJournalPartModel.countDocuments({})).to.equal(0);
    });

    it('when a round names an unknown firm or investor, then its row says which and nothing is written', async () => {
      await makeFirm();
      const staff = await loginAs(t.app, 'staff');
      const csv = [
        'firmBrn,firmName,stage,instrument,status,amountKrw,closedOn,participants',
        `${BRN(9)},,seed,rcps,closed,100,2024-01-01,`,
        `${BRN(1)},,seed,rcps,closed,100,2024-01-01,Ghost Capital:100`,
      ].join('\n');
      const res = await upload(await inEnglish(staff), 'rounds', csv);
      expect(res.status).to.equal(422);
      expect(res.text).to.include(`No startup “${BRN(9)}”.`);
      expect(res.text).to.include('No investor named “Ghost Capital”.');
      expect(await FundingRoundModel.countDocuments({})).to.equal(0);
    });

    it('when investors are imported, then new ones are added and an existing one (by name) is updated', async () => {
      const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital', type: 'vc' });
      const staff = await loginAs(t.app, 'staff');
      const csv =
        'nameKo;nameEn;type;website;bifcBased\r\nBNK벤처투자;BNK Venture Capital;cvc;;TRUE\r\n동백파트너스;;angel-network;https://dongbaek.example;FALSE\r\n';
      const res = await upload(staff, 'investors', csv);
      expect(actionsOf(res.text)).to.deep.equal({ 2: 'update', 3: 'create' });
      // What the row matched on reads as the name, not as the lowercased key it is compared by.
      const matchedOn = [...res.text.matchAll(/<td data-label="찾은 기준">([^<]*)<\/td>/g)].map((m) => m[1]);
      expect(matchedOn).to.deep.equal(['BNK Venture Capital', '동백파트너스']);
      await applyBatch(staff, batchIdOf(res.text)!);
      const updated = await InvestorOrgModel.findById(bnk._id).lean();
      expect(updated).to.deep.include({ type: 'cvc', bifcBased: true });
      const created = await InvestorOrgModel.findOne({ nameKey: '동백파트너스' }).lean();
      expect(created).to.deep.include({ type: 'angel-network', website: 'https://dongbaek.example', bifcBased: false });
      expect(await AuditEntryModel.countDocuments({ entity: 'investor', importId: { $exists: true } })).to.equal(2);
    });
  });

  describe('a write that fails midway is undone', () => {
    const actorOf = (a: { userId: string; email: string }) => ({ id: a.userId, email: a.email });
    // A file previewed by the import service (as the upload page does), for an apply the test drives: its batch id.
    const previewed = async (staff: { userId: string; email: string }, kind: ImportKind, csv: string) => {
      const preview = await previewImport({ kind, filename: `${kind}.csv`, bytes: Buffer.from(csv) }, actorOf(staff));
      if (!('batchId' in preview)) throw new Error('preview failed');
      return preview.batchId;
    };

    it('when the third write of a firm import throws, then the database is as before: inserted firms gone, the updated firm restored', async () => {
      const existing = await makeFirm({ tags: 'bifc', residencyStart: '2024-01-02' });
      const other = await makeFirm({
        brn: BRN(7),
        nameKo: '영도데이터',
        nameEn: 'Yeongdo Data',
        sectorPrimary: 'data-ai',
      });
      const staff = await loginAs(t.app, 'staff');
      const before = await FirmModel.findById(existing._id).lean();
      const csv = [
        'nameKo,nameEn,brn,sectorPrimary,pitch,tags,residencyStart,headcount',
        `부산페이 주식회사,Busan Pay,${BRN(1)},payments,새 소개,"fintech, 부산",,30`,
        `동백체인,Dongbaek Chain,${BRN(2)},digital-assets,,,,`,
        `광안렌딩,Gwangan Lending,${BRN(3)},lending,,,,`,
        `수영인슈어,Suyeong Insure,${BRN(4)},insurtech,,,,`,
      ].join('\n');
      const batchId = await previewed(staff, 'firms', csv);
      const result = await applyImport(batchId, actorOf(staff), {
        beforeWrite: (i) => {
          if (i === 2) throw new Error('injected failure');
        },
      });
      expect(result).to.deep.include({ outcome: 'failed', line: 4, undoComplete: true });
      // Same firms as before, the updated one field for field (and its version), nothing of the import left.
      expect((await FirmModel.find({}).lean()).map((f) => String(f._id)).sort()).to.deep.equal(
        [String(existing._id), String(other._id)].sort(),
      );
      const after = await FirmModel.findById(existing._id).lean();
      const { updatedAt: _a, ...restAfter } = after!;
      const { updatedAt: _b, ...restBefore } = before!;
      expect(restAfter).to.deep.equal(restBefore);
      expect(after!.updatedAt.toISOString()).to.equal(before!.updatedAt.toISOString());
      expect(await FirmModel.countDocuments({ importId: new Types.ObjectId(batchId) })).to.equal(0);
      const batch = await ImportBatchModel.findById(batchId).lean();
      expect(batch).to.deep.include({ status: 'failed', failureLine: 4, undoComplete: true });
      expect(batch!.failure).to.equal('injected failure');
      expect(batch!.journal.map((j) => `${j.op}:${j.entity}`)).to.deep.equal(['update:firm', 'insert:firm']);
      // The audit log (append-only) tells the whole story: the writes and their undoing.
      const audit = await AuditEntryModel.find({ importId: new Types.ObjectId(batchId) })
        .sort({ at: 1, _id: 1 })
        .lean();
      expect(audit.map((e) => `${e.entity}:${e.action}`)).to.deep.equal([
        'firm:update',
        'firm:create',
        'firm:update',
        'firm:delete',
        'import:import',
      ]);
      // The failure page says nothing was changed.
      const page = await staff.get(`/firms/import/${batchId}`);
      expect(page.text)
        .to.include('가져오기 실패 — 바뀐 것이 없습니다')
        .and.include('4행을 저장하지 못해 가져오기를 되돌렸습니다.');
      expect(batchIdOf(page.text)).to.equal(undefined);
      // And it is not applied again.
      expect(await applyImport(batchId, actorOf(staff))).to.deep.equal({ outcome: 'alreadyDone' });
    });

    it('when a write is refused by the database midway (a registration number taken meanwhile), then the import is undone and the other record kept', async () => {
      const staff = await loginAs(t.app, 'staff');
      const csv = [
        'nameKo,brn,sectorPrimary',
        `가,${BRN(2)},payments`,
        `나,${BRN(3)},payments`,
        `다,${BRN(4)},payments`,
      ].join('\n');
      const batchId = await previewed(staff, 'firms', csv);
      let competitor: unknown;
      const result = await applyImport(batchId, actorOf(staff), {
        beforeWrite: async (i) => {
          if (i === 2) competitor = (await makeFirm({ nameKo: '경쟁사', nameEn: 'Rival', brn: BRN(4) }))._id;
        },
      });
      expect(result).to.deep.include({ outcome: 'failed', line: 4, undoComplete: true });
      const left = await FirmModel.find({}).lean();
      expect(left.map((f) => String(f._id))).to.deep.equal([String(competitor)]);
    });

    it('when the third write of a round import throws, then rounds, the updated round and the firm totals are as before', async () => {
      const firm = await makeFirm();
      const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital' });
      const { round } = await createRound(
        String(firm._id),
        roundBody.parse({
          stage: 'seed',
          instrument: 'rcps',
          status: 'closed',
          amountKrw: '1000000000',
          closedOn: '2023-06-30',
          participants: [{ investor: String(bnk._id), amountKrw: '1000000000', lead: 'true' }],
        }),
        null,
      );
      const firmBefore = await FirmModel.findById(firm._id).lean();
      const roundBefore = await FundingRoundModel.findById(round._id).lean();
      const staff = await loginAs(t.app, 'staff');
      const csv = [
        'firmBrn,stage,instrument,status,amountKrw,closedOn,participants',
        `${BRN(1)},seed,rcps,closed,2000000000,2023-06-30,BNK Venture Capital:2000000000:lead`,
        `${BRN(1)},pre-a,rcps,closed,3000000000,2024-06-30,`,
        `${BRN(1)},series-a,rcps,closed,9000000000,2025-06-30,`,
      ].join('\n');
      const batchId = await previewed(staff, 'rounds', csv);
      const result = await applyImport(batchId, actorOf(staff), {
        beforeWrite: (i) => {
          if (i === 2) throw new Error('injected failure');
        },
      });
      expect(result).to.deep.include({ outcome: 'failed', undoComplete: true });
      expect(await FundingRoundModel.countDocuments({})).to.equal(1);
      const roundAfter = await FundingRoundModel.findById(round._id).lean();
      expect(roundAfter).to.deep.equal(roundBefore);
      const firmAfter = await FirmModel.findById(firm._id).lean();
      expect(firmAfter!.totals).to.deep.equal(firmBefore!.totals);
      expect(firmAfter!.totals!.raisedKrw).to.equal(1_000_000_000);
      expect(firmAfter!.lastActivityAt.toISOString()).to.equal(firmBefore!.lastActivityAt.toISOString());
    });

    it('when the second write of an investor import throws, then the new investor is gone and the updated one restored', async () => {
      const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital', type: 'vc' });
      const before = await InvestorOrgModel.findById(bnk._id).lean();
      const staff = await loginAs(t.app, 'staff');
      const csv =
        'nameEn,type,website\nNew Capital,vc,\nBNK Venture Capital,bank,https://bnk.example\nThird Fund,cvc,\n';
      const batchId = await previewed(staff, 'investors', csv);
      const result = await applyImport(batchId, actorOf(staff), {
        beforeWrite: (i) => {
          if (i === 2) throw new Error('injected failure');
        },
      });
      expect(result).to.deep.include({ outcome: 'failed', undoComplete: true });
      expect(await InvestorOrgModel.countDocuments({})).to.equal(1);
      expect(await InvestorOrgModel.findById(bnk._id).lean()).to.deep.equal(before);
    });

    it("when a new investor's name is taken by someone else while the import writes, then the import is undone and their organisation kept", async () => {
      const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital', type: 'vc' });
      const before = await InvestorOrgModel.findById(bnk._id).lean();
      const staff = await loginAs(t.app, 'staff');
      const csv = 'nameEn,type\nBNK Venture Capital,bank\nNew Capital,vc\n';
      const batchId = await previewed(staff, 'investors', csv);
      let rival: unknown;
      const result = await applyImport(batchId, actorOf(staff), {
        beforeWrite: async (i) => {
          if (i === 1) rival = (await makeInvestorOrg({ nameKo: '뉴캐피탈', nameEn: 'New Capital' }))._id;
        },
      });
      expect(result).to.deep.include({ outcome: 'failed', line: 3, undoComplete: true });
      const left = await InvestorOrgModel.find({}).sort({ nameKey: 1 }).lean();
      expect(left.map((o) => String(o._id))).to.deep.equal([String(bnk._id), String(rival)]);
      expect(await InvestorOrgModel.findById(bnk._id).lean()).to.deep.equal(before);
    });

    it('when an investor is edited by someone else while the import writes it, then the import fails and is undone rather than reporting it saved', async () => {
      const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital', type: 'vc' });
      const staff = await loginAs(t.app, 'staff');
      const csv = 'nameEn,type\nNew Capital,vc\nBNK Venture Capital,bank\n';
      const batchId = await previewed(staff, 'investors', csv);
      const result = await applyImport(batchId, actorOf(staff), {
        beforeWrite: async (i) => {
          if (i === 1)
            await InvestorOrgModel.updateOne(
              { _id: bnk._id },
              { $set: { website: 'https://bnk.example' }, $inc: { __v: 1 } },
            );
        },
      });
      expect(result).to.deep.include({ outcome: 'failed', line: 3, undoComplete: true });
      expect(await InvestorOrgModel.countDocuments({ nameEn: 'New Capital' })).to.equal(0);
      expect((await InvestorOrgModel.findById(bnk._id).lean())!.type).to.equal('vc');
    });
  });
});
