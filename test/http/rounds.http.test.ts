import { expect } from 'chai';
import { useTestApp, formBody, loginAs } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';

describe('funding rounds', () => {
  const t = useTestApp();

  async function setup() {
    const firm = await makeFirm();
    const [bnk, angel, dongbaek] = await Promise.all([
      makeInvestorOrg({ nameEn: 'BNK VC' }),
      makeInvestorOrg({ nameEn: 'Angel Club' }),
      makeInvestorOrg({ nameEn: 'Dongbaek' }),
    ]);
    const staff = await loginAs(t.app, 'staff');
    return { firm, bnk, angel, dongbaek, staff, token: await staff.csrf() };
  }

  it('when three rounds with several investors are recorded, then the firm page shows them and the totals', async () => {
    const { firm, bnk, angel, dongbaek, staff, token } = await setup();
    const post = (body: Record<string, unknown>) =>
      staff
        .post(`/firms/${firm._id}/rounds`)
        .type('form')
        .send(formBody({ _csrf: token, ...body }));
    expect(
      (
        await post({
          stage: 'seed',
          instrument: 'rcps',
          status: 'closed',
          amountKrw: '3억',
          preMoneyKrw: '27억',
          closedOn: '2024-06-30',
          participants: [
            { investor: String(angel._id), amountKrw: '1억' },
            { investor: String(bnk._id), amountKrw: '2억', lead: 'true' },
          ],
        })
      ).status,
    ).to.equal(302);
    expect(
      (
        await post({
          stage: 'series-a',
          instrument: 'rcps',
          status: 'closed',
          amountKrw: '2,500,000,000',
          preMoneyKrw: '120억',
          closedOn: '2025-11-20',
          participants: [
            { investor: String(bnk._id), amountKrw: '15억', lead: 'true' },
            { investor: String(dongbaek._id), amountKrw: '10억' },
          ],
        })
      ).status,
    ).to.equal(302);
    expect(
      (
        await post({
          stage: 'bridge',
          instrument: 'convertible-bond',
          status: 'open',
          amountKrw: '5억',
          announcedOn: '2026-10-01',
          interestPct: '3.5',
          redemptionYears: '3',
          participants: [{ investor: String(dongbaek._id), amountKrw: '5억' }],
        })
      ).status,
    ).to.equal(302);
    const stored = await FirmModel.findById(firm._id).lean();
    expect(stored!.totals).to.include({
      raisedKrw: 2_800_000_000,
      roundCount: 2,
      lastRoundStage: 'series-a',
      lastValuationKrw: 14_500_000_000,
    });
    const bridge = await FundingRoundModel.findOne({ stage: 'bridge' }).lean();
    expect(bridge!.terms!.interestPct).to.equal(3.5);
    const page = await staff.get(`/firms/${firm._id}`);
    expect(page.text).to.contain('28억원');
    expect(page.text).to.contain(bnk.nameKo!);
    expect(page.text).to.contain(dongbaek.nameKo!);
    expect(await AuditEntryModel.countDocuments({ firm: firm._id, entity: 'round', action: 'create' })).to.equal(3);
  });

  it('when the same new-round form is sent twice, then one round is recorded and the totals count it once', async () => {
    const { firm, bnk, staff, token } = await setup();
    const form = (await staff.get(`/firms/${firm._id}/rounds/new`)).text;
    const newId = /name="newId" value="([0-9a-f]{24})"/.exec(form)?.[1];
    expect(newId, 'the form carries the id of the round it creates').to.be.a('string');
    const body = formBody({
      _csrf: token,
      newId,
      stage: 'bridge',
      instrument: 'safe',
      status: 'closed',
      amountKrw: '1억',
      closedOn: '2025-03-01',
      participants: [{ investor: String(bnk._id), amountKrw: '1억' }],
    });
    const first = await staff.post(`/firms/${firm._id}/rounds`).type('form').send(body);
    const again = await staff.post(`/firms/${firm._id}/rounds`).type('form').send(body);
    expect([first.status, again.status]).to.deep.equal([302, 302]);
    expect(await FundingRoundModel.countDocuments({ firm: firm._id })).to.equal(1);
    expect((await FirmModel.findById(firm._id).lean())!.totals?.raisedKrw).to.equal(100_000_000);
    expect(await AuditEntryModel.countDocuments({ entity: 'round', action: 'create' })).to.equal(1);
    const page = await staff.get(again.headers.location!);
    expect(page.text).to.contain('이미 저장된 라운드입니다');
    // Another form (another id) records another round.
    const other = /name="newId" value="([0-9a-f]{24})"/.exec(
      (await staff.get(`/firms/${firm._id}/rounds/new`)).text,
    )?.[1];
    expect(other).to.not.equal(newId);
  });

  it('when rounds are edited out of order, then the totals always match the rounds', async () => {
    const { firm, staff, token } = await setup();
    const post = (path: string, body: Record<string, unknown>) =>
      staff
        .post(path)
        .type('form')
        .send(formBody({ _csrf: token, ...body }));
    await post(`/firms/${firm._id}/rounds`, {
      stage: 'series-a',
      instrument: 'rcps',
      status: 'closed',
      amountKrw: '20억',
      preMoneyKrw: '80억',
      closedOn: '2025-09-01',
    });
    await post(`/firms/${firm._id}/rounds`, {
      stage: 'seed',
      instrument: 'common',
      status: 'closed',
      amountKrw: '3억',
      preMoneyKrw: '12억',
      closedOn: '2023-01-10',
    });
    const seed = await FundingRoundModel.findOne({ stage: 'seed' }).lean();
    const a = await FundingRoundModel.findOne({ stage: 'series-a' }).lean();
    // The older round is edited last, moving it after the Series A; then the Series A is cancelled.
    await post(`/firms/${firm._id}/rounds/${seed!._id}`, {
      stage: 'seed',
      instrument: 'common',
      status: 'closed',
      amountKrw: '4억',
      preMoneyKrw: '16억',
      closedOn: '2026-01-10',
    });
    let totals = (await FirmModel.findById(firm._id).lean())!.totals!;
    expect(totals).to.include({ raisedKrw: 2_400_000_000, lastRoundStage: 'seed', lastValuationKrw: 2_000_000_000 });
    await post(`/firms/${firm._id}/rounds/${a!._id}`, {
      stage: 'series-a',
      instrument: 'rcps',
      status: 'cancelled',
      amountKrw: '20억',
      closedOn: '2025-09-01',
    });
    totals = (await FirmModel.findById(firm._id).lean())!.totals!;
    expect(totals).to.include({ raisedKrw: 400_000_000, roundCount: 1 });
    await post(`/firms/${firm._id}/rounds/${seed!._id}/delete`, {});
    totals = (await FirmModel.findById(firm._id).lean())!.totals!;
    expect(totals).to.include({ raisedKrw: 0, roundCount: 0 });
    expect(totals.lastRoundStage).to.equal(undefined);
  });

  it('when participants add up to more than the round, then the form is refused with the typed rows kept', async () => {
    const { firm, bnk, angel, staff, token } = await setup();
    const res = await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send(
        formBody({
          _csrf: token,
          stage: 'seed',
          instrument: 'safe',
          status: 'closed',
          amountKrw: '1억',
          closedOn: '2026-01-01',
          participants: [
            { investor: String(bnk._id), amountKrw: '8000만' },
            { investor: String(angel._id), amountKrw: '5000만' },
          ],
        }),
      );
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('참여 투자사 금액 합계가 라운드 금액을 넘습니다');
    expect(res.text).to.contain('value="8000만"');
    expect(res.text).to.contain('value="1억"');
    expect(await FundingRoundModel.countDocuments()).to.equal(0);
  });

  it('when a closed round is not filled by its participants, then it is saved with a visible warning', async () => {
    const { firm, bnk, staff, token } = await setup();
    const res = await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send(
        formBody({
          _csrf: token,
          stage: 'seed',
          instrument: 'rcps',
          status: 'closed',
          amountKrw: '10억',
          closedOn: '2026-01-01',
          participants: [{ investor: String(bnk._id), amountKrw: '4억' }],
        }),
      );
    expect(res.status).to.equal(302);
    const page = await staff.get(`/firms/${firm._id}`);
    expect(page.text).to.contain('참여 투자사 금액 합계가 라운드 금액보다 적습니다');
    expect(await FundingRoundModel.countDocuments()).to.equal(1);
  });

  it('when a round is in another currency, then it keeps the currency amount in minor units and the won value', async () => {
    const { firm, staff, token } = await setup();
    const missing = await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send({ _csrf: token, stage: 'seed', instrument: 'safe', status: 'open', amountKrw: '13억', currency: 'USD' });
    expect(missing.status).to.equal(422);
    expect(missing.text).to.contain('해당 통화 금액을 입력하세요');
    await staff.post(`/firms/${firm._id}/rounds`).type('form').send({
      _csrf: token,
      stage: 'seed',
      instrument: 'safe',
      status: 'open',
      amountKrw: '13억',
      currency: 'USD',
      amountForeign: '1,000,000.50',
    });
    const round = await FundingRoundModel.findOne().lean();
    expect(round).to.include({ currency: 'USD', amountMinor: 100_000_050, amountKrw: 1_300_000_000 });
    // The firm page shows the amount in its currency under the won value, in the page's language.
    const cell = (html: string) => /<small class="muted foreign-amount">([^<]+)<\/small>/.exec(html)?.[1];
    expect(cell((await staff.get(`/firms/${firm._id}`)).text)).to.equal('US$1,000,000.50');
    expect(cell((await staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en')).text)).to.equal('$1,000,000.50');
  });

  it('when a round is edited, then the audit log holds before → after', async () => {
    const { firm, staff, token } = await setup();
    await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send({ _csrf: token, stage: 'seed', instrument: 'rcps', status: 'open', amountKrw: '5억' });
    const round = await FundingRoundModel.findOne().lean();
    await staff.post(`/firms/${firm._id}/rounds/${round!._id}`).type('form').send({
      _csrf: token,
      stage: 'seed',
      instrument: 'rcps',
      status: 'closed',
      amountKrw: '6억',
      closedOn: '2026-02-02',
    });
    const entry = await AuditEntryModel.findOne({ entityId: round!._id, action: 'update' }).lean();
    const byField = Object.fromEntries(entry!.changes.map((c) => [c.field, c]));
    expect(byField.amountKrw).to.include({ before: 500_000_000, after: 600_000_000 });
    expect(byField.status).to.include({ before: 'open', after: 'closed' });
  });
});
