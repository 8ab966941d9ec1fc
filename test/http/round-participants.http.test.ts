import { expect } from 'chai';
import { useTestApp, formBody, loginAs } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg } from '../helpers/factories.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';

// The investor rows of the round form: how many, and the investor chosen in each.
function participantRows(html: string): string[] {
  return [...html.matchAll(/<select name="participants\[(\d+)\]\[investor\]"[^>]*>([\s\S]*?)<\/select>/g)].map(
    (m) => /<option value="([^"]*)" selected>/.exec(m[2]!)?.[1] ?? '',
  );
}

describe('round participants without a limit', () => {
  const t = useTestApp();

  async function setup() {
    const firm = await makeFirm();
    const orgs = await Promise.all(
      ['One', 'Two', 'Three', 'Four', 'Five'].map((n) => makeInvestorOrg({ nameEn: `VC ${n}` })),
    );
    const staff = await loginAs(t.app, 'staff');
    return { firm, ids: orgs.map((o) => String(o._id)), staff, token: await staff.csrf() };
  }

  it('when there are more investor organisations than 1,000, then the round form offers every one of them, the last by name too', async () => {
    const firm = await makeFirm();
    await InvestorOrgModel.insertMany(
      Array.from({ length: 1005 }, (_, i) => {
        const name = `Fund ${String(i).padStart(4, '0')}`;
        return { nameKo: name, nameEn: name, nameKey: name.toLowerCase().replace(' ', '#'), type: 'vc' };
      }),
    );
    const staff = await loginAs(t.app, 'staff');
    const form = await staff.get(`/firms/${firm._id}/rounds/new`).set('Accept-Language', 'en');
    expect(form.status).to.equal(200);
    const select = /<select name="participants\[0\]\[investor\]"[^>]*>([\s\S]*?)<\/select>/.exec(form.text)![1]!;
    expect(select).to.contain('>Fund 1004</option>');
    expect([...select.matchAll(/<option value="[0-9a-f]{24}"/g)]).to.have.length(1005);
  });

  it('when "add a participant" is pressed with four rows filled, then the form comes back (200) with the typed values and a fifth, focused row, and nothing is saved', async () => {
    const { firm, ids, staff, token } = await setup();
    const res = await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send(
        formBody({
          _csrf: token,
          stage: 'seed',
          instrument: 'rcps',
          status: 'closed',
          amountKrw: '5억',
          closedOn: '2025-03-31',
          note: 'typed note',
          participants: ids.slice(0, 4).map((investor) => ({ investor, amountKrw: '1억' })),
          addParticipant: '1',
        }),
      );
    expect(res.status).to.equal(200);
    expect(participantRows(res.text)).to.deep.equal([...ids.slice(0, 4), '']);
    expect(res.text).to.match(/name="participants\[4\]\[investor\]" id="f-participants-4-investor" autofocus/);
    expect(res.text).to.contain('typed note');
    expect(res.text).to.contain('value="5억"');
    expect(res.text).to.not.contain('role="alert"');
    expect(await FundingRoundModel.countDocuments({})).to.equal(0);
  });

  it('when a round is recorded with five participants (the fifth row added with the button), then all five are saved', async () => {
    const { firm, ids, staff, token } = await setup();
    const base = {
      _csrf: token,
      stage: 'series-a',
      instrument: 'rcps',
      status: 'closed',
      amountKrw: '10억',
      closedOn: '2025-06-30',
    };
    const four = ids.slice(0, 4).map((investor, i) => ({ investor, amountKrw: '2억', lead: i === 0 ? 'true' : '' }));
    const added = await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send(formBody({ ...base, participants: four, addParticipant: '1' }));
    expect(participantRows(added.text)).to.have.length(5);
    const saved = await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send(formBody({ ...base, participants: [...four, { investor: ids[4], amountKrw: '2억' }] }));
    expect(saved.status, saved.text.slice(0, 300)).to.equal(302);
    const round = await FundingRoundModel.findOne({ firm: firm._id }).lean();
    expect(round!.participants.map((p) => String(p.investor))).to.have.members(ids);
    expect(round!.participants.map((p) => p.amountKrw)).to.deep.equal(Array(5).fill(200_000_000));
  });

  it('when "add a participant" is pressed on the edit form, then the typed change is kept with one more row and the round is unchanged', async () => {
    const { firm, ids, staff, token } = await setup();
    await staff
      .post(`/firms/${firm._id}/rounds`)
      .type('form')
      .send(
        formBody({
          _csrf: token,
          stage: 'seed',
          instrument: 'safe',
          status: 'closed',
          amountKrw: '1억',
          closedOn: '2025-01-31',
          participants: [{ investor: ids[0], amountKrw: '1억' }],
        }),
      );
    const round = await FundingRoundModel.findOne({ firm: firm._id }).lean();
    const edit = await staff.get(`/firms/${firm._id}/rounds/${round!._id}/edit`);
    const version = /name="_version" value="([^"]*)"/.exec(edit.text)![1];
    const rows = participantRows(edit.text).map((investor) => ({ investor, amountKrw: investor ? '1억' : '' }));
    const res = await staff
      .post(`/firms/${firm._id}/rounds/${round!._id}`)
      .type('form')
      .send(
        formBody({
          _csrf: token,
          _version: version,
          stage: 'seed',
          instrument: 'safe',
          status: 'closed',
          amountKrw: '2억',
          closedOn: '2025-01-31',
          participants: rows,
          addParticipant: '1',
        }),
      );
    expect(res.status).to.equal(200);
    expect(participantRows(res.text)).to.have.length(rows.length + 1);
    expect(res.text).to.contain('value="2억"');
    expect(await FundingRoundModel.findById(round!._id).lean()).to.deep.include({ amountKrw: 100_000_000 });
  });
});
