import { expect } from 'chai';
import { useTestApp, loginAs, type Agent, uploadCsv } from '../helpers/app.js';
import { download } from '../helpers/download.js';
import { makeInvestorOrg } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { ImportBatchModel } from '../../models/import-batch.model.js';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { createFirm } from '../../server/firms/firms.service.js';
import { createFirmBody } from '../../server/firms/firms.schemas.js';

const BRN = (n: number) => brnWithCheckDigit(String(617_870_000 + n));

const upload = uploadCsv;

async function post(agent: Agent, path: string, body: Record<string, string | string[]>) {
  const token = await agent.csrf();
  return agent
    .post(path)
    .type('form')
    .send({ _csrf: token, ...body });
}

async function inEnglish(agent: Agent): Promise<Agent> {
  await post(agent, '/lang', { lang: 'en', next: '/' });
  return agent;
}

const batchOf = (html: string) => /action="\/firms\/import\/([0-9a-f]{24})\/(?:apply|mapping|kind)"/.exec(html)?.[1];
const actionsOf = (html: string) =>
  Object.fromEntries([...html.matchAll(/data-line="(\d+)" data-action="(\w+)"/g)].map((m) => [Number(m[1]), m[2]]));
// The mapping form's choice per column of the file, in order.
const selectedOf = (html: string) =>
  [...html.matchAll(/<select id="m-c-\d+" name="columns">([\s\S]*?)<\/select>/g)].map(
    (m) => /<option value="([^"]*)" selected>/.exec(m[1]!)?.[1],
  );

async function applyAll(agent: Agent, id: string, skipErrors = false) {
  const res = await post(agent, `/firms/import/${id}/apply`, skipErrors ? { skipErrors: 'true' } : {});
  expect(res.status).to.equal(303);
  return agent.get(`/firms/import/${id}`);
}

describe('CSV import as people write it: Korean headers and values, column mapping, skipping rows with errors', () => {
  const t = useTestApp();

  it('when startups come with Korean headers and Korean values, then they are read without a mapping step and stored as codes', async () => {
    const staff = await loginAs(t.app, 'staff');
    const csv = [
      '기업명,사업자등록번호,업종,설립일자,단계,홈페이지,한줄소개,상태,투자 유치 중,투자 유치 목표 (원)',
      `동백체인,${BRN(1)},디지털자산,2021. 3. 5.,시드,https://dongbaek.example,커스터디,입주,예,15억`,
      `해운페이,${BRN(2)},Payments,2020/1/2,Pre-A,,,심사 중,아니오,`,
    ].join('\r\n');
    const res = await upload(staff, 'firms', csv);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    expect(res.text).to.not.include('열 맞추기</h1>');
    expect(actionsOf(res.text)).to.deep.equal({ 2: 'create', 3: 'create' });
    // What the new rows store, in labels and formatted won.
    expect(res.text).to.include('<strong>주 분야</strong>: 디지털자산');
    expect(res.text).to.include('<strong>단계</strong>: 프리 시리즈 A');
    expect(res.text).to.include('<strong>투자 유치 목표 (원)</strong>: 15억원');
    const result = await applyAll(staff, batchOf(res.text)!);
    expect(result.text).to.include('가져오기 완료');
    const dongbaek = await FirmModel.findOne({ brn: BRN(1) }).lean();
    expect(dongbaek).to.deep.include({
      nameKo: '동백체인',
      sectorPrimary: 'digital-assets',
      stage: 'seed',
      status: 'resident',
    });
    expect(dongbaek!.founded).to.equal('2021-03-05');
    expect(dongbaek!.fundraising).to.deep.include({ raising: true, targetKrw: 1_500_000_000 });
    const haeun = await FirmModel.findOne({ brn: BRN(2) }).lean();
    expect(haeun).to.deep.include({ sectorPrimary: 'payments', stage: 'pre-a', status: 'screening' });
  });

  it('when investors come with Korean headers and values, then they are imported', async () => {
    const staff = await loginAs(t.app, 'staff');
    const csv = [
      '투자사명,영문명,유형,BIFC 입주,투자 분야,투자 단계,최소 투자 금액(원)',
      'BNK벤처투자,BNK Venture Capital,벤처캐피탈,예,"디지털자산, 지급결제",시드; Pre-A,3억',
    ].join('\n');
    const res = await upload(staff, 'investors', csv);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    expect(actionsOf(res.text)).to.deep.equal({ 2: 'create' });
    await applyAll(staff, batchOf(res.text)!);
    const bnk = await InvestorOrgModel.findOne({ nameEn: 'BNK Venture Capital' }).lean();
    expect(bnk).to.deep.include({ type: 'vc', bifcBased: true });
    expect(bnk!.thesis).to.deep.include({ sectors: ['digital-assets', 'payments'], stages: ['seed', 'pre-a'] });
    expect(bnk!.thesis!.ticketMinKrw).to.equal(300_000_000);
  });

  it('when rounds come with Korean headers, values and participant columns, then they are imported with their participants', async () => {
    const firm = await createFirm(
      createFirmBody.parse({ nameKo: '부산페이', nameEn: 'Busan Pay', brn: BRN(3), sectorPrimary: 'payments' }),
      null,
    );
    const bnk = await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital' });
    const dongbaek = await makeInvestorOrg({ nameKo: '동백파트너스', nameEn: 'Dongbaek Partners' });
    const staff = await loginAs(t.app, 'staff');
    const csv = [
      '기업명,단계,투자 방식,상태,금액 (원),투자일,참여 투자사 1,참여 금액 1 (원),리드 1,참여 투자사 2,참여 금액 2 (원),리드 2',
      '부산페이,시드,상환전환우선주,완료,10억,2024-06-30,BNK Venture Capital,7억,예,동백파트너스,3억,아니오',
    ].join('\n');
    const res = await upload(staff, 'rounds', csv);
    expect(res.status, res.text.slice(0, 300)).to.equal(200);
    expect(actionsOf(res.text)).to.deep.equal({ 2: 'create' });
    // The preview's key and stored values in labels, never codes.
    expect(res.text).to.include('부산페이 · 시드').and.not.include('· seed');
    expect(res.text).to.include('<strong>참여 투자사 1</strong>: BNK Venture Capital');
    expect(res.text).to.include('<strong>참여 금액 1 (원)</strong>: 7억원').and.include('<strong>리드 1</strong>: 예');
    expect(res.text).to.include('<strong>투자 방식</strong>: 상환전환우선주(RCPS)');
    await applyAll(staff, batchOf(res.text)!);
    const round = await FundingRoundModel.findOne({ firm: firm._id }).lean();
    expect(round).to.deep.include({ stage: 'seed', instrument: 'rcps', status: 'closed', amountKrw: 1_000_000_000 });
    expect(round!.participants.map((p) => [String(p.investor), p.amountKrw, p.lead])).to.deep.equal([
      [String(bnk._id), 700_000_000, true],
      [String(dongbaek._id), 300_000_000, false],
    ]);
  });

  it('when a header is unknown, then the mapping page shows each column with samples and a guess, and the posted mapping imports', async () => {
    const staff = await loginAs(t.app, 'staff');
    const csv = [
      '회사명,사업자번호,사업 영역,비고란',
      `광안렌딩,${BRN(4)},대출,메모1`,
      `수영데이터,${BRN(5)},데이터·AI,메모2`,
    ].join('\n');
    const res = await upload(staff, 'firms', csv);
    expect(res.status).to.equal(200);
    expect(res.text).to.include('열 맞추기</h1>').and.include('알아보지 못한 열이 2개 있습니다.');
    // Samples of each column, and the guesses: known columns chosen, unknown ones on "ignore".
    expect(res.text).to.include('<li>광안렌딩</li>').and.include('<li>데이터·AI</li>');
    expect(selectedOf(res.text)).to.deep.equal(['nameKo', 'brn', '', '']);
    expect(res.text).to.include('<option value="sectorPrimary" >주 분야</option>');
    expect(res.text).to.include('>무시</option>');
    expect(await FirmModel.countDocuments({})).to.equal(0);
    const id = batchOf(res.text)!;
    // Applying before the mapping does nothing.
    await post(staff, `/firms/import/${id}/apply`, {});
    expect(await FirmModel.countDocuments({})).to.equal(0);
    const mapped = await post(staff, `/firms/import/${id}/mapping`, {
      columns: ['nameKo', 'brn', 'sectorPrimary', ''],
    });
    expect(mapped.status).to.equal(303);
    const preview = await staff.get(`/firms/import/${id}`);
    expect(actionsOf(preview.text)).to.deep.equal({ 2: 'create', 3: 'create' });
    expect(preview.text).to.include('다음 열은 가져오지 않습니다: 비고란');
    await applyAll(staff, id);
    const stored = await FirmModel.find({}).sort({ nameKo: 1 }).lean();
    expect(stored.map((f) => [f.nameKo, f.sectorPrimary])).to.deep.equal([
      ['광안렌딩', 'lending'],
      ['수영데이터', 'data-ai'],
    ]);
  });

  it('when the mapping leaves out a required column, then the mapping page comes back (422) saying which, and nothing is checked', async () => {
    const staff = await loginAs(t.app, 'staff');
    const res = await upload(await inEnglish(staff), 'firms', 'Foo,Bar\nA,payments\n');
    const id = batchOf(res.text)!;
    const mapped = await post(staff, `/firms/import/${id}/mapping`, { columns: ['', 'sectorPrimary'] });
    expect(mapped.status).to.equal(422);
    expect(mapped.text).to.include('A required column is missing: Name (Korean).');
    expect((await ImportBatchModel.findById(id).lean())!.needsMapping).to.equal(true);
  });

  it('when some rows have errors and "apply the valid rows" is chosen, then exactly the valid rows are written and the skipped rows are named', async () => {
    const staff = await loginAs(t.app, 'staff');
    const csv = [
      '기업명,사업자등록번호,분야',
      `가나핀테크,${BRN(6)},지급결제`,
      `다라핀테크,${BRN(7)},우주항공`,
      `마바핀테크,${BRN(8)},레그테크`,
      `사아핀테크,123-45-67890,대출`,
    ].join('\n');
    const res = await upload(staff, 'firms', csv);
    expect(res.status).to.equal(422);
    expect(actionsOf(res.text)).to.deep.equal({ 2: 'create', 3: 'error', 4: 'create', 5: 'error' });
    expect(res.text).to.include('“우주항공”은(는) 고를 수 있는 값이 아닙니다. 가능한 값: 지급결제, 디지털자산');
    expect(res.text).to.include('오류 없는 2개 행만 적용하고 오류가 있는 2개 행은 건너뛰기');
    const id = batchOf(res.text)!;
    // "All or nothing" with errors writes nothing.
    await post(staff, `/firms/import/${id}/apply`, {});
    expect(await FirmModel.countDocuments({})).to.equal(0);
    const result = await applyAll(staff, id, true);
    expect(result.text).to.include('오류가 있는 2개 행은 건너뛰었습니다: 3, 5행.');
    expect((await FirmModel.find({}).lean()).map((f) => f.nameKo).sort()).to.deep.equal(['가나핀테크', '마바핀테크']);
    const batch = await ImportBatchModel.findById(id).lean();
    expect(batch).to.deep.include({ status: 'applied', skipErrors: true });
    expect(batch!.counts).to.deep.include({ create: 2, error: 2 });
  });

  it('when a rounds file is uploaded as startups, then the page says it looks like rounds and switching imports it as rounds', async () => {
    await createFirm(createFirmBody.parse({ nameKo: '부산페이', brn: BRN(9), sectorPrimary: 'payments' }), null);
    const staff = await loginAs(t.app, 'staff');
    const csv = ['기업명,단계,투자 방식,상태,금액 (원),투자일', '부산페이,시드,RCPS,완료,10억,2024-06-30'].join('\n');
    const res = await upload(staff, 'firms', csv);
    expect(res.text).to.include('이 파일은 투자 라운드 파일로 보입니다.').and.include('투자 라운드로 가져오기');
    // No row is reported as an error of a startup.
    expect(actionsOf(res.text)).to.deep.equal({});
    const id = batchOf(res.text)!;
    const switched = await post(staff, `/firms/import/${id}/kind`, { kind: 'rounds' });
    expect(switched.status).to.equal(303);
    const preview = await staff.get(`/firms/import/${id}`);
    expect(actionsOf(preview.text)).to.deep.equal({ 2: 'create' });
    await applyAll(staff, id);
    expect(await FundingRoundModel.countDocuments({ stage: 'seed', instrument: 'rcps' })).to.equal(1);
    expect(await FirmModel.countDocuments({})).to.equal(1);
  });

  for (const lang of ['ko', 'en'] as const)
    for (const kind of ['firms', 'investors', 'rounds'] as const)
      it(`when the ${kind} template with ${lang} headers is downloaded and uploaded, then every column is recognised`, async () => {
        if (kind === 'rounds') {
          await createFirm(
            createFirmBody.parse({ nameKo: '부산페이', brn: '617-86-00011', sectorPrimary: 'payments' }),
            null,
          );
          await makeInvestorOrg({ nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital' });
          await makeInvestorOrg({ nameKo: '동백파트너스', nameEn: 'Dongbaek Partners' });
        }
        const staff = await loginAs(t.app, 'staff');
        const file = await download(staff, `/firms/import/template/${kind}.csv?lang=${lang}`);
        const text = file.body.toString('utf8');
        expect(text).to.not.match(/sectorPrimary|nameKo|firmBrn/);
        const res = await upload(staff, kind, file.body);
        expect(res.text).to.not.include('name="columns"');
        expect(res.text).to.not.include('가져오지 않습니다');
        expect(actionsOf(res.text), res.text.match(/class="error"[^\n]*/g)?.join('\n')).to.deep.equal({ 2: 'create' });
      });
});
