import { expect } from 'chai';
import { Types } from 'mongoose';
import { parse } from 'csv-parse/sync';
import { useTestApp, csrfFrom, formBody, loginAs, uploadCsv, type Agent } from '../helpers/app.js';
import { loadedForm } from '../helpers/edit-form.js';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { download } from '../helpers/download.js';
import { makeFirm, makeInvestorOrg, makeUser } from '../helpers/factories.js';
import { captureCommands } from '../helpers/commands.js';
import {
  createMatch,
  getMatch,
  moveMatch,
  updateMatchDetails,
  type MatchActor,
} from '../../server/matches/matches.service.js';
import { MatchModel } from '../../models/match.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { UserModel } from '../../models/user.model.js';
import { ComputedModel, invalidateComputed } from '../../models/computed.model.js';
import { packFigure } from '../../server/lib/computed.service.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { seoulToday } from '../../server/lib/dates.js';
import type { MatchStage } from '../../models/enums.js';
import { BOARD_COLUMN_LIMIT, boardOf, FOLLOW_UP_LIMIT } from '../../server/matches/match-read.service.js';
import { repairMatchCopies } from '../../server/matches/match-copies.service.js';

const DAY = 24 * 3600 * 1000;
const dayFrom = (days: number) => seoulToday(new Date(Date.now() + days * DAY));

// The cards of each board column, as the firm names they show.
function boardColumns(html: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of html.split('<section class="board-col').slice(1)) {
    const stage = /data-stage="([^"]+)"/.exec(part)![1]!;
    out[stage] = [
      ...part.matchAll(
        /<li class="match-card[^"]*" data-match="[^"]+"[^>]*>\s*<a href="\/matches\/[^"]+"><strong>([^<]+)<\/strong>/g,
      ),
    ].map((m) => m[1]!);
  }
  return out;
}

describe('deal flow (staff pages)', () => {
  const t = useTestApp();

  async function setUp() {
    const staff = await loginAs(t.app, 'staff');
    const user = await UserModel.findById(staff.userId).lean();
    const actor: MatchActor = { id: staff.userId, email: staff.email, name: user!.name };
    return { staff, actor, token: await staff.csrf() };
  }

  // A match moved along the pipeline to `stage` (by the service, as if earlier on).
  async function matchAt(
    actor: MatchActor,
    stage: MatchStage,
    over: { firm?: string; investor?: string; ownerId?: string; dueOn?: string; firmName?: string } = {},
  ) {
    const firmId =
      over.firm ?? String((await makeFirm(over.firmName ? { nameEn: over.firmName, nameKo: over.firmName } : {}))._id);
    const investorId = over.investor ?? String((await makeInvestorOrg())._id);
    const { id } = await createMatch({ firmId, investorId, ownerId: over.ownerId, dueOn: over.dueOn }, actor);
    const path: MatchStage[] = ['introduced', 'meeting', 'due-diligence', 'term-sheet', 'invested'];
    for (const s of path.slice(0, path.indexOf(stage) + 1)) await moveMatch(id, { to: s }, actor);
    return { id, firmId, investorId };
  }

  const moveForm = async (agent: Agent, id: string) => {
    const m = await getMatch(id);
    return { _version: String(m.__v), _base: JSON.stringify({ stage: m.stage, reason: '', reasonText: '' }) };
  };

  it('when the board is opened, then each open stage is a column with its cards, and the filters (owner, sector, type, overdue) narrow it', async () => {
    const { staff, actor } = await setUp();
    const other = await makeUser({ role: 'staff', name: 'Other Owner' });
    await matchAt(actor, 'suggested', { firmName: 'Alpha Pay', ownerId: actor.id, dueOn: dayFrom(-3) });
    await matchAt(actor, 'meeting', { firmName: 'Beta Lend', ownerId: String(other._id), dueOn: dayFrom(5) });
    const gamma = await makeFirm({ nameEn: 'Gamma Insure', nameKo: 'Gamma Insure', sectorPrimary: 'insurtech' });
    const bank = await makeInvestorOrg({ type: 'bank' });
    await matchAt(actor, 'meeting', { firm: String(gamma._id), investor: String(bank._id) });
    const closed = await matchAt(actor, 'suggested', { firmName: 'Delta Closed' });
    await moveMatch(closed.id, { to: 'passed', reason: 'timing' }, actor);

    const page = await staff.get('/matches').set('Accept-Language', 'en');
    expect(page.status).to.equal(200);
    const cols = boardColumns(page.text);
    expect(Object.keys(cols)).to.deep.equal([
      'suggested',
      'intro-requested',
      'introduced',
      'meeting',
      'due-diligence',
      'term-sheet',
      'on-hold',
    ]);
    expect(cols.suggested).to.deep.equal(['Alpha Pay']);
    expect(cols.meeting).to.have.members(['Beta Lend', 'Gamma Insure']);
    expect(page.text).to.not.contain('Delta Closed');
    expect(page.text).to.contain('Other Owner');
    expect(page.text).to.match(/match-card is-overdue/);

    expect(boardColumns((await staff.get(`/matches?owner=${other._id}`)).text).meeting).to.deep.equal(['Beta Lend']);
    expect(Object.values(boardColumns((await staff.get('/matches?sector=insurtech')).text)).flat()).to.deep.equal([
      'Gamma Insure',
    ]);
    expect(Object.values(boardColumns((await staff.get('/matches?type=bank')).text)).flat()).to.deep.equal([
      'Gamma Insure',
    ]);
    expect(Object.values(boardColumns((await staff.get('/matches?overdue=1')).text)).flat()).to.deep.equal([
      'Alpha Pay',
    ]);
    // The filters stay in the URL: the stage tabs and the list link keep them.
    const filtered = await staff.get(`/matches?sector=insurtech&stage=meeting`);
    expect(filtered.text).to.contain('href="/matches?sector=insurtech&amp;stage=suggested"');
    expect(filtered.text).to.contain('href="/matches/list?sector=insurtech"');
    expect(filtered.text).to.match(/class="board-col is-current" id="stage-meeting"/);
  });

  it("when a firm's sector or an investor's type changes (edit form or CSV import), then the board's sector and type filters follow at once", async () => {
    const { staff, actor } = await setUp();
    const brn = brnWithCheckDigit('617860042');
    const firm = await makeFirm({ nameEn: 'Moving Sector', nameKo: 'Moving Sector', sectorPrimary: 'payments', brn });
    const investor = await makeInvestorOrg({ type: 'vc' });
    await matchAt(actor, 'meeting', { firm: String(firm._id), investor: String(investor._id) });
    const shown = async (query: string) =>
      Object.values(boardColumns((await staff.get(`/matches?${query}`)).text)).flat();
    expect(await shown('sector=payments')).to.deep.equal(['Moving Sector']);

    // Saved through its edit form, as a person would: the form as loaded, with one field changed.
    const saveEdit = async (path: string, change: Record<string, string>) => {
      const loaded = loadedForm((await staff.get(`${path}/edit`)).text);
      const saved = await staff
        .post(path)
        .type('form')
        .send(formBody({ ...loaded, ...change, _csrf: await staff.csrf() }));
      expect(saved.status).to.equal(302);
    };
    await saveEdit(`/firms/${firm._id}`, { sectorPrimary: 'insurtech' });
    expect(await shown('sector=insurtech')).to.deep.equal(['Moving Sector']);
    expect(await shown('sector=payments')).to.deep.equal([]);

    await saveEdit(`/investors/${investor._id}`, { type: 'bank' });
    expect(await shown('type=bank')).to.deep.equal(['Moving Sector']);
    expect(await shown('type=vc')).to.deep.equal([]);

    const preview = await uploadCsv(
      staff,
      'firms',
      `nameKo,nameEn,brn,sectorPrimary\nMoving Sector,Moving Sector,${brn},lending`,
    );
    const batchId = /action="\/firms\/import\/([0-9a-f]{24})\/apply"/.exec(preview.text)![1]!;
    const applied = await staff
      .post(`/firms/import/${batchId}/apply`)
      .type('form')
      .send({ _csrf: await staff.csrf() });
    expect(applied.status).to.be.oneOf([200, 302, 303]);
    expect((await FirmModel.findById(firm._id).lean())!.sectorPrimary).to.equal('lending');
    expect(await shown('sector=lending')).to.deep.equal(['Moving Sector']);
    expect(await shown('sector=insurtech')).to.deep.equal([]);
  });

  it('when matches carry a sector or type their records no longer have (kept before copies were), then the start-up repair puts them right', async () => {
    const { staff, actor } = await setUp();
    const firm = await makeFirm({ nameEn: 'Stale Copy', nameKo: 'Stale Copy', sectorPrimary: 'lending' });
    const { id } = await matchAt(actor, 'suggested', { firm: String(firm._id) });
    await MatchModel.collection.updateOne({ _id: new Types.ObjectId(id) }, { $set: { firmSector: 'payments' } });
    expect(await repairMatchCopies()).to.equal(1);
    expect(await repairMatchCopies()).to.equal(0);
    const board = await staff.get('/matches?sector=lending');
    expect(Object.values(boardColumns(board.text)).flat()).to.deep.equal(['Stale Copy']);
  });

  it('when the board has many cards, then it reads them with a fixed number of queries (no query per card)', async () => {
    const { staff, actor } = await setUp();
    const count = async () => (await captureCommands(() => staff.get('/matches'))).commands.length;
    await staff.get('/matches'); // the staff of the owner filter are kept from here on, whatever the cards
    await matchAt(actor, 'suggested', { ownerId: actor.id });
    const few = await count();
    for (let i = 0; i < 6; i++) await matchAt(actor, i % 2 ? 'meeting' : 'suggested', { ownerId: actor.id });
    expect(await count()).to.equal(few);
  });

  it('when the board is drawn with its staff not yet kept, then it reads the staff once (the filter and the cards share the read)', async () => {
    const { staff, actor } = await setUp();
    await matchAt(actor, 'suggested', { ownerId: actor.id });
    // A new account (as the users service marks it): the staff kept until then are stale, and the board's owner filter
    // and its cards both need them.
    await makeUser({ role: 'staff', name: 'New Colleague' });
    await invalidateComputed('users');
    const { result, commands } = await captureCommands(() => staff.get('/matches'));
    expect(result.text).to.contain('New Colleague');
    const staffReads = commands.filter(
      (c) => c.collection === 'users' && c.name === 'find' && 'role' in (c.filter ?? {}),
    );
    expect(staffReads).to.have.length(1);
  });

  it('when the board is shown again with nothing written since, then it reads its kept cards by _id alone, and a rename shows at once', async () => {
    const { staff, actor } = await setUp();
    const firm = await makeFirm({ nameEn: 'Before Rename', nameKo: 'Before Rename' });
    await matchAt(actor, 'suggested', { ownerId: actor.id, firm: String(firm._id) });
    await matchAt(actor, 'meeting', { ownerId: actor.id });
    const reads = async () =>
      (await captureCommands(() => staff.get('/matches'))).commands.filter(
        (c) =>
          ['matches', 'firms', 'investororgs', 'computed'].includes(c.collection ?? '') &&
          (c.name === 'find' || c.name === 'aggregate'),
      );
    const first = await reads();
    expect(first.filter((c) => c.collection === 'matches').length).to.be.greaterThan(1);
    const again = await reads();
    // (the cards, and the staff of the owner filter)
    expect(again.map((c) => `${c.collection} ${Object.keys(c.filter ?? {}).join()}`)).to.deep.equal([
      'computed _id',
      'computed _id',
    ]);
    // A card carries its firm's name: renaming the firm marks the kept board stale.
    await FirmModel.updateOne({ _id: firm._id }, { $set: { nameEn: 'After Rename', nameKo: 'After Rename' } });
    const board = await staff.get('/matches').set('Accept-Language', 'en');
    expect(boardColumns(board.text).suggested).to.include('After Rename');
  });

  it("when the board is drawn from its kept columns, then it is the page drawn afresh, its card forms carry the visitor's own token, and a move from one is taken", async () => {
    const { staff, actor } = await setUp();
    const { id } = await matchAt(actor, 'suggested', { ownerId: actor.id, firmName: 'Kept Card Co' });
    await matchAt(actor, 'meeting', { firmName: 'Other Card Co' });
    const fresh = (await staff.get('/matches').set('Accept-Language', 'en')).text;
    const { result: kept, commands } = await captureCommands(() => staff.get('/matches').set('Accept-Language', 'en'));
    expect(commands.filter((c) => ['matches', 'firms', 'investororgs'].includes(c.collection ?? ''))).to.deep.equal([]);
    const withoutTokens = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(withoutTokens(kept.text)).to.equal(withoutTokens(fresh));
    // Another visitor's kept board carries their own token, not the one it was drawn with.
    const other = await loginAs(t.app, 'staff');
    const theirs = (await other.get('/matches').set('Accept-Language', 'en')).text;
    const card = new RegExp(`<form method="post" action="/matches/${id}/move"[\\s\\S]*?</form>`).exec(theirs)![0];
    const token = /name="_csrf" value="([^"]+)"/.exec(card)![1];
    expect(token).to.equal(csrfFrom(theirs)).and.not.equal(csrfFrom(kept.text));
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(card)![1]!.replace(/&#34;/g, '"');
    const moved = await other
      .post(`/matches/${id}/move`)
      .type('form')
      .send({
        _csrf: token,
        _version: field('_version'),
        _base: field('_base'),
        back: '/matches',
        stage: 'introduced',
      });
    expect(moved.status).to.equal(302);
    expect(boardColumns((await other.get('/matches').set('Accept-Language', 'en')).text).introduced).to.include(
      'Kept Card Co',
    );
  });

  it('when the board was kept by an earlier version in another shape, then it is drawn again, not misread', async () => {
    const { staff, actor } = await setUp();
    await matchAt(actor, 'suggested', { ownerId: actor.id, firmName: 'Reshaped Co' });
    const fresh = (await staff.get('/matches').set('Accept-Language', 'en')).text;
    // The shape the columns were kept in before they were stored deflated: the HTML as a string.
    const old = await ComputedModel.updateMany(
      { _id: { $regex: '^matches:html:matches/board-columns:' } },
      { $set: { packed: packFigure({ html: '<p>kept before</p>' }) } },
    );
    expect(old.modifiedCount).to.equal(1);
    const again = await staff.get('/matches').set('Accept-Language', 'en');
    expect(again.status).to.equal(200);
    expect(boardColumns(again.text)).to.deep.equal(boardColumns(fresh));
    expect(again.text).to.not.contain('kept before');
  });

  it('when the board is kept in one language, then the other language is drawn in its own; an owner renamed shows at once', async () => {
    const { staff, actor } = await setUp();
    await matchAt(actor, 'suggested', { ownerId: actor.id, firmName: 'Bilingual Co' });
    const en = (await staff.get('/matches').set('Accept-Language', 'en')).text;
    const ko = (await staff.get('/matches').set('Accept-Language', 'ko')).text;
    expect(en).to.contain('Days in stage');
    expect(ko).to.not.contain('Days in stage');
    await UserModel.updateOne({ _id: actor.id }, { $set: { name: 'Renamed Owner' } });
    expect((await staff.get('/matches').set('Accept-Language', 'en')).text).to.contain('Renamed Owner');
  });

  it('when an admin adds a staff member or deactivates one, then the owner filter offers or drops them at once', async () => {
    const { staff } = await setUp();
    const owners = async () => {
      const html = (await staff.get('/matches').set('Accept-Language', 'en')).text;
      const select = /<select id="f-owner"[\s\S]*?<\/select>/.exec(html)![0];
      return [...select.matchAll(/<option value="[^"]+"[^>]*>([^<]+)</g)].map((m) => m[1]);
    };
    const before = await owners();
    expect(before).to.not.include('Newly Hired');
    const hired = await makeUser({ role: 'staff', name: 'Newly Hired' });
    expect(await owners()).to.include('Newly Hired');
    await UserModel.updateOne({ _id: hired._id }, { $set: { active: false } });
    expect(await owners()).to.deep.equal(before);
  });

  it('when a stage holds more matches than a column shows, then the column shows the soonest due, counts them all and links to the rest', async () => {
    const { staff, actor } = await setUp();
    const extra = 3;
    for (let i = 0; i < BOARD_COLUMN_LIMIT + extra; i++)
      await matchAt(actor, 'meeting', { firmName: `Firm ${String(i).padStart(2, '0')}`, dueOn: dayFrom(i + 1) });
    await matchAt(actor, 'suggested', { firmName: 'Lone Suggestion' });

    const page = await staff.get('/matches').set('Accept-Language', 'en');
    const cols = boardColumns(page.text);
    const soonest = Array.from({ length: BOARD_COLUMN_LIMIT }, (_, i) => `Firm ${String(i).padStart(2, '0')}`);
    expect(cols.meeting).to.deep.equal(soonest);
    const total = BOARD_COLUMN_LIMIT + extra;
    expect(page.text).to.contain(`id="h-meeting">Meeting <span class="count">${total}</span>`);
    expect(page.text).to.contain(`href="/matches/list?stage=meeting">All ${total} in the list →</a>`);
    expect(page.text).to.contain('id="h-suggested">Suggested <span class="count">1</span>');
    expect(page.text).to.not.contain('href="/matches/list?stage=suggested"');

    // A card moved on shows in the counts at once.
    const first = await MatchModel.findOne({ stage: 'meeting', dueOn: dayFrom(1) }).lean();
    await moveMatch(String(first!._id), { to: 'due-diligence' }, actor);
    const after = await staff.get('/matches').set('Accept-Language', 'en');
    expect(after.text).to.contain(`id="h-meeting">Meeting <span class="count">${total - 1}</span>`);
    expect(after.text).to.contain('id="h-due-diligence">Due diligence <span class="count">1</span>');
    expect(boardColumns(after.text)['due-diligence']).to.deep.equal(['Firm 00']);
  });

  it('the board and the follow-ups read matches by a declared index: equality fields, then the sort keys', async () => {
    const { staff, actor } = await setUp();
    await matchAt(actor, 'meeting', { ownerId: actor.id, dueOn: dayFrom(1) });
    const indexes = MatchModel.schema.indexes().map(([keys]) => Object.keys(keys));
    for (const path of ['/matches', `/matches?owner=${actor.id}`, '/matches/mine']) {
      const { commands } = await captureCommands(() => staff.get(path));
      const finds = commands.filter((c) => c.name === 'find' && c.collection === 'matches');
      expect(finds.length, path).to.be.greaterThan(0);
      for (const f of finds) {
        const equalities = Object.keys(f.filter ?? {});
        // Cards read by their ids (the board's kept columns): the _id index.
        if (equalities.join() === '_id') continue;
        const sort = Object.keys((f.command.sort as Record<string, number> | undefined) ?? {});
        // An index that starts with equality fields of the filter and goes on with the sort keys (other equalities are
        // checked on the index's range).
        const served = indexes.some((keys) => {
          const k = keys.findIndex((key) => !equalities.includes(key));
          return k > 0 && sort.every((key, i) => keys[k + i] === key);
        });
        expect(served, `${path}: ${JSON.stringify(f.filter)} sorted by ${sort.join(',')}`).to.equal(true);
      }
    }
  });

  it('when a card is moved with its plain form (no JavaScript), then the match moves, with who and when, and the board comes back', async () => {
    const { staff, actor, token } = await setUp();
    const { id } = await matchAt(actor, 'suggested');
    const board = await staff.get('/matches').set('Accept-Language', 'en');
    expect(board.text).to.contain(`action="/matches/${id}/move"`);
    expect(board.text).to.contain('name="stage" value="introduced"');
    const res = await staff
      .post(`/matches/${id}/move`)
      .type('form')
      .send({ _csrf: token, ...(await moveForm(staff, id)), stage: 'introduced', back: '/matches?overdue=' });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/matches?overdue=');
    const m = await getMatch(id);
    expect(m.stage).to.equal('introduced');
    expect(String(m.history.at(-1)!.by)).to.equal(actor.id);
    expect(await AuditEntryModel.countDocuments({ entity: 'match', entityId: id, action: 'status' })).to.equal(1);
  });

  it('when a move skips a step or the match is closed, then the match page says why (422) in the page language and nothing moves', async () => {
    const { staff, actor, token } = await setUp();
    const { id } = await matchAt(actor, 'introduced');
    const skip = await staff
      .post(`/matches/${id}/move`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, ...(await moveForm(staff, id)), stage: 'term-sheet' });
    expect(skip.status).to.equal(422);
    expect(skip.text).to.contain('This move was refused:');
    expect(skip.text).to.contain('it skips a step: move one stage at a time.');
    const ko = await staff
      .post(`/matches/${id}/move`)
      .set('Accept-Language', 'ko')
      .type('form')
      .send({ _csrf: token, ...(await moveForm(staff, id)), stage: 'term-sheet' });
    expect(ko.text).to.contain('단계를 건너뛸 수 없습니다');
    expect((await getMatch(id)).stage).to.equal('introduced');

    await moveMatch(id, { to: 'passed', reason: 'team' }, actor);
    const closed = await staff
      .post(`/matches/${id}/move`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, ...(await moveForm(staff, id)), stage: 'meeting' });
    expect(closed.status).to.equal(422);
    expect(closed.text).to.contain('the match is closed');
  });

  it('when a pass is sent without a reason, then it is refused beside the reason field with what was typed; with one, it closes the match', async () => {
    const { staff, actor, token } = await setUp();
    const { id } = await matchAt(actor, 'meeting');
    const form = await moveForm(staff, id);
    const res = await staff
      .post(`/matches/${id}/move`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, ...form, stage: 'passed', reasonText: 'Not now' });
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/class="field has-error">\s*<label for="f-reason">/);
    expect(res.text).to.contain('Choose why the investor passed.');
    expect(res.text).to.contain('>Not now</textarea>');
    expect((await getMatch(id)).open).to.equal(true);
    const ok = await staff
      .post(`/matches/${id}/move`)
      .type('form')
      .send({ _csrf: token, ...form, stage: 'passed', reason: 'valuation', reasonText: 'Not now' });
    expect(ok.status).to.equal(302);
    const m = await getMatch(id);
    expect(m).to.include({ stage: 'passed', open: false });
    expect(m.history.at(-1)).to.include({ reason: 'valuation', reasonText: 'Not now' });
    const page = await staff.get(`/matches/${id}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('Valuation');
    expect(page.text).to.contain('Not now');
  });

  it('when a card is on hold, then the board offers moving it back to the stage it was held from (or passing), and other cards their next stages', async () => {
    const { actor } = await setUp();
    const held = await matchAt(actor, 'meeting', { firmName: 'Held Pay' });
    await moveMatch(held.id, { to: 'on-hold' }, actor);
    const moving = await matchAt(actor, 'introduced', { firmName: 'Moving Lend' });
    const { columns } = await boardOf({}, seoulToday());
    const card = (id: string) => columns.flatMap((c) => c.cards).find((c) => c.id === id);
    expect(card(held.id)?.next).to.deep.equal(['meeting', 'passed']);
    expect(card(moving.id)?.next).to.deep.equal(['meeting', 'on-hold', 'passed']);
  });

  it('when two people move the same match from the same page, then the later move gets the conflict page (409) and only the first is recorded', async () => {
    const { staff, actor, token } = await setUp();
    const other = await loginAs(t.app, 'staff');
    const { id } = await matchAt(actor, 'introduced');
    const form = await moveForm(staff, id);
    const first = await other
      .post(`/matches/${id}/move`)
      .type('form')
      .send({ _csrf: await other.csrf(), ...form, stage: 'on-hold' });
    expect(first.status).to.equal(302);
    const later = await staff
      .post(`/matches/${id}/move`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, ...form, stage: 'meeting' });
    expect(later.status).to.equal(409);
    expect(later.text).to.contain('Someone else changed this match while you were looking at it.');
    expect(later.text).to.contain(other.email);
    expect(later.text).to.match(/<tr data-field="stage">[\s\S]*On hold[\s\S]*Meeting/);
    const m = await getMatch(id);
    expect(m.history.map((h) => h.stage)).to.deep.equal(['suggested', 'introduced', 'on-hold']);
  });

  it('when someone else saved the details meanwhile, then a move still goes through (nothing both changed)', async () => {
    const { staff, actor, token } = await setUp();
    const { id } = await matchAt(actor, 'introduced');
    const form = await moveForm(staff, id);
    await updateMatchDetails(id, { nextStep: 'Send the deck' }, actor);
    const res = await staff
      .post(`/matches/${id}/move`)
      .type('form')
      .send({ _csrf: token, ...form, stage: 'meeting' });
    expect(res.status).to.equal(302);
    expect(await getMatch(id)).to.include({ stage: 'meeting', nextStep: 'Send the deck' });
  });

  it('when a second match is created for a pair with an open one, then the page says so (409) with a link to it; one document remains', async () => {
    const { staff, actor, token } = await setUp();
    const { id, firmId, investorId } = await matchAt(actor, 'meeting');
    const res = await staff
      .post('/matches')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, firm: firmId, investor: investorId, nextStep: 'Call' });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('already have an open match');
    expect(res.text).to.contain(`href="/matches/${id}"`);
    expect(await MatchModel.countDocuments({ firm: firmId, investor: investorId })).to.equal(1);
  });

  it('when a match is created from a suggestion, then it starts suggested with its owner, next step and due date', async () => {
    const { staff, token } = await setUp();
    const firm = await makeFirm();
    const investor = await makeInvestorOrg();
    const res = await staff
      .post('/matches')
      .type('form')
      .send({
        _csrf: token,
        firm: String(firm._id),
        investor: String(investor._id),
        owner: staff.userId,
        nextStep: 'Intro email',
        dueOn: '2026-12-01',
        from: 'firm',
      });
    expect(res.status).to.equal(302);
    const m = await MatchModel.findOne({ firm: firm._id, investor: investor._id }).lean();
    expect(m).to.include({
      stage: 'suggested',
      nextStep: 'Intro email',
      dueOn: '2026-12-01',
      firmSector: 'payments',
      investorType: 'vc',
    });
    expect(String(m!.owner)).to.equal(staff.userId);
    expect(res.headers.location).to.equal(`/matches/${m!._id}`);
    const bad = await staff
      .post('/matches')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, firm: String(firm._id), investor: String(investor._id), dueOn: '2026-02-30' });
    expect(bad.status).to.equal(422);
  });

  it('when my follow-ups are opened, then my open matches come overdue first (highlighted), then by due date, then undated; the dashboard counts them', async () => {
    const { staff, actor } = await setUp();
    const someoneElse = await makeUser({ role: 'staff' });
    await matchAt(actor, 'meeting', { firmName: 'Later Co', ownerId: actor.id, dueOn: dayFrom(10) });
    await matchAt(actor, 'suggested', { firmName: 'Undated Co', ownerId: actor.id });
    await matchAt(actor, 'introduced', { firmName: 'Late Co', ownerId: actor.id, dueOn: dayFrom(-2) });
    await matchAt(actor, 'introduced', { firmName: 'Very Late Co', ownerId: actor.id, dueOn: dayFrom(-9) });
    await matchAt(actor, 'introduced', {
      firmName: 'Not Mine Co',
      ownerId: String(someoneElse._id),
      dueOn: dayFrom(-9),
    });
    const closed = await matchAt(actor, 'introduced', {
      firmName: 'Closed Co',
      ownerId: actor.id,
      dueOn: dayFrom(-20),
    });
    await moveMatch(closed.id, { to: 'passed', reason: 'other' }, actor);

    const page = await staff.get('/matches/mine').set('Accept-Language', 'en');
    const order = [
      ...page.text.matchAll(
        /<li class="card match-card( is-overdue)?"[^>]*>\s*<a href="\/matches\/[^"]+"><strong>([^<]+)<\/strong>/g,
      ),
    ].map((m) => `${m[2]}${m[1] ? ' (overdue)' : ''}`);
    expect(order).to.deep.equal(['Very Late Co (overdue)', 'Late Co (overdue)', 'Later Co', 'Undated Co']);
    const home = await staff.get('/').set('Accept-Language', 'en');
    expect(home.text).to.match(
      /href="\/matches\/mine">My follow-ups<\/a><\/h2>\s*<p class="big">4<\/p>\s*<p class="overdue">2 overdue<\/p>/,
    );
    expect(home.text).to.match(/href="\/matches"\s*>Deal flow<\/a>/);

    // The counts are kept between requests; closing an overdue match shows at once.
    const late = await MatchModel.findOne({ dueOn: dayFrom(-2) }).lean();
    await moveMatch(String(late!._id), { to: 'passed', reason: 'other' }, actor);
    const after = await staff.get('/').set('Accept-Language', 'en');
    expect(after.text).to.match(
      /href="\/matches\/mine">My follow-ups<\/a><\/h2>\s*<p class="big">3<\/p>\s*<p class="overdue">1 overdue<\/p>/,
    );
  });

  it('when my follow-ups are opened again, then the page is one read by _id, the same page, and a move or a renamed firm shows at once', async () => {
    const { staff, actor } = await setUp();
    const late = await matchAt(actor, 'introduced', {
      firmName: 'Kept Late Co',
      ownerId: actor.id,
      dueOn: dayFrom(-3),
    });
    await matchAt(actor, 'meeting', { firmName: 'Kept Later Co', ownerId: actor.id, dueOn: dayFrom(4) });
    const page = async () =>
      (await staff.get('/matches/mine').set('Accept-Language', 'en')).text.replace(/name="_csrf" value="[^"]+"/g, '');
    const fresh = await page();
    expect(fresh).to.contain('2 open matches, 1 overdue.');
    const { commands } = await captureCommands(() => staff.get('/matches/mine').set('Accept-Language', 'en'));
    expect(
      commands.filter((c) => !['sessions', 'users'].includes(c.collection ?? '')).map((c) => c.collection),
    ).to.deep.equal(['computed']);
    expect(await page(), 'the kept page shows the same').to.equal(fresh);

    await moveMatch(late.id, { to: 'passed', reason: 'other' }, actor);
    const after = await page();
    expect(after).to.contain('1 open match, 0 overdue.').and.not.contain('Kept Late Co');
    const later = await MatchModel.findOne({ open: true, owner: actor.id }).lean();
    await FirmModel.updateOne({ _id: later!.firm }, { $set: { nameEn: 'Renamed Later Co' } });
    expect(await page()).to.contain('Renamed Later Co');
  });

  it('when someone owns more open matches than the page shows, then it shows the most urgent dated ones, counts them all and links to the rest', async () => {
    const { staff, actor } = await setUp();
    const firm = await makeFirm({ nameEn: 'Busy Co' });
    const dated = FOLLOW_UP_LIMIT + 5;
    await MatchModel.insertMany(
      Array.from({ length: dated + 5 }, (_, i) => ({
        firm: firm._id,
        investor: new Types.ObjectId(),
        stage: 'introduced',
        open: true,
        stageSince: new Date(),
        owner: actor.id,
        // Ten overdue, then later dates; the last five have none.
        ...(i < dated ? { dueOn: dayFrom(i - 10) } : {}),
      })),
    );
    const page = (await staff.get('/matches/mine').set('Accept-Language', 'en')).text;
    const shown = [...page.matchAll(/<li class="card match-card( is-overdue)?"/g)];
    expect(shown).to.have.length(FOLLOW_UP_LIMIT);
    expect(shown.filter((m) => m[1]).length).to.equal(10);
    expect(page).to.contain(`${dated + 5} open matches, 10 overdue.`);
    expect(page).to.contain(`Showing the ${FOLLOW_UP_LIMIT} most urgent.`);
    expect(page).to.contain(`href="/matches/list?owner=${actor.id}">See them all in the list</a>`);
  });

  it('when a match moves to invested, then the round form opens with the firm and this investor as a participant; saving links the round', async () => {
    const { staff, actor, token } = await setUp();
    const { id, firmId, investorId } = await matchAt(actor, 'term-sheet');
    const moved = await staff
      .post(`/matches/${id}/move`)
      .type('form')
      .send({ _csrf: token, ...(await moveForm(staff, id)), stage: 'invested' });
    expect(moved.status).to.equal(302);
    expect(moved.headers.location).to.equal(`/firms/${firmId}/rounds/new?match=${id}`);

    const form = await staff.get(moved.headers.location!).set('Accept-Language', 'en');
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(`<input type="hidden" name="match" value="${id}">`);
    expect(form.text).to.match(
      new RegExp(`name="participants\\[0\\]\\[investor\\]"[^>]*>[\\s\\S]*?<option value="${investorId}" selected>`),
    );
    expect(form.text).to.match(/name="participants\[0\]\[amountKrw\]" value=""/);

    const saved = await staff
      .post(`/firms/${firmId}/rounds`)
      .type('form')
      .send(
        formBody({
          _csrf: token,
          match: id,
          stage: 'seed',
          instrument: 'rcps',
          status: 'closed',
          amountKrw: '5억',
          closedOn: '2026-05-01',
          participants: [{ investor: investorId, amountKrw: '5억', lead: 'true' }],
        }),
      );
    expect(saved.status).to.equal(302);
    expect(saved.headers.location).to.equal(`/matches/${id}`);
    const round = await FundingRoundModel.findOne({ firm: firmId }).lean();
    expect(String((await getMatch(id)).round)).to.equal(String(round!._id));
    const page = await staff.get(`/matches/${id}`).set('Accept-Language', 'en');
    expect(page.text).to.contain(`href="/firms/${firmId}/rounds/${round!._id}/edit"`);
  });

  it('when a round form names a match of another firm, then the round is saved but no match is linked', async () => {
    const { staff, actor, token } = await setUp();
    const { id } = await matchAt(actor, 'invested');
    const otherFirm = await makeFirm();
    const res = await staff
      .post(`/firms/${otherFirm._id}/rounds`)
      .type('form')
      .send({ _csrf: token, match: id, stage: 'seed', instrument: 'rcps', status: 'open', amountKrw: '1억' });
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal(`/firms/${otherFirm._id}#rounds`);
    expect((await getMatch(id)).round).to.equal(undefined);
  });

  it('when someone else moves my match, then I get a notification with the bell count; reading them all resets it', async () => {
    const owner = await loginAs(t.app, 'staff');
    const { actor: mover } = await setUp();
    const { id } = await matchAt(mover, 'suggested', { ownerId: owner.userId, firmName: 'Bell Co' });
    await moveMatch(id, { to: 'introduced' }, mover);

    const home = await owner.get('/').set('Accept-Language', 'en');
    expect(home.text).to.contain('aria-label="Notifications: 2 unread"');
    expect(home.text).to.match(/<span class="bell-count">2<\/span>/);
    // The bell is drawn inline (an emoji showed as an empty box where the system has no emoji font).
    expect(home.text).to.contain('<svg class="bell-icon" aria-hidden="true"').and.not.contain('🔔');
    const list = await owner.get('/notifications').set('Accept-Language', 'en');
    expect(list.text).to.contain(`href="/matches/${id}"`);
    expect(list.text).to.match(/moved Bell Co × [^<]+ to Introduced\./);
    expect(list.text).to.contain('You now own the match Bell Co');
    expect(list.text.indexOf('moved Bell Co')).to.be.below(list.text.indexOf('You now own'));
    expect((await owner.get('/notifications').set('Accept-Language', 'ko')).text).to.contain(
      '소개 완료 단계로 옮겼습니다',
    );

    const read = await owner
      .post('/notifications/read')
      .type('form')
      .send({ _csrf: await owner.csrf() });
    expect(read.status).to.equal(302);
    expect((await UserModel.findById(owner.userId).lean())!.unreadNotifications).to.equal(0);
    const after = await owner.get('/').set('Accept-Language', 'en');
    expect(after.text).to.contain('aria-label="Notifications: 0 unread"');
    expect(after.text).to.not.contain('bell-count');
  });

  it("when a firm's suggestions are opened, then investors are ranked with their score and why, in English and Korean; an open match is marked, not hidden", async () => {
    const { staff, actor } = await setUp();
    const firm = await makeFirm({ nameEn: 'Paycoin', nameKo: '페이코인' });
    await FirmModel.updateOne(
      { _id: firm._id },
      { $set: { fundraising: { raising: true, targetKrw: 500_000_000, stage: 'seed', instrument: 'rcps' } } },
    );
    const fit = await makeInvestorOrg({ nameEn: 'Fit Ventures', nameKo: '핏벤처스' });
    await InvestorOrgModel.updateOne(
      { _id: fit._id },
      {
        $set: {
          bifcBased: true,
          thesis: {
            sectors: ['payments'],
            stages: ['seed'],
            instruments: ['rcps'],
            ticketMinKrw: 300_000_000,
            ticketMaxKrw: 1_000_000_000,
            regions: [],
          },
        },
      },
    );
    const tracked = await makeInvestorOrg({ nameEn: 'Track Capital', nameKo: '트랙캐피탈' });
    const peer = await makeFirm({ sectorPrimary: 'payments' });
    await FundingRoundModel.create({
      firm: peer._id,
      stage: 'seed',
      instrument: 'rcps',
      amountKrw: 1e8,
      status: 'closed',
      closedOn: '2025-01-01',
      participants: [{ investor: tracked._id, lead: true }],
    });
    const none = await makeInvestorOrg({ nameEn: 'Zero Partners', nameKo: '제로파트너스' });
    await InvestorOrgModel.updateOne(
      { _id: none._id },
      { $set: { thesis: { sectors: ['insurtech'], stages: ['series-b'], instruments: [], regions: [] } } },
    );
    const { id: openId } = await createMatch({ firmId: String(firm._id), investorId: String(tracked._id) }, actor);

    const en = await staff.get(`/firms/${firm._id}/suggestions`).set('Accept-Language', 'en');
    expect(en.status).to.equal(200);
    const names = [...en.text.matchAll(/<a href="\/investors\/[0-9a-f]+"><strong>([^<]+)<\/strong><\/a>/g)].map(
      (m) => m[1],
    );
    expect(names).to.deep.equal(['Fit Ventures', 'Track Capital', 'Zero Partners']);
    expect(en.text).to.contain('Fit 77%');
    expect(en.text).to.contain('<li>invests in Payments at Seed</li>');
    expect(en.text).to.contain('<li>joined 1 Payments rounds, led 1</li>');
    expect(en.text).to.contain(`href="/matches/${openId}"`);
    expect(en.text).to.contain('Open match');
    const forms = [...en.text.matchAll(/<input type="hidden" name="investor" value="([0-9a-f]+)">/g)].map((m) => m[1]);
    expect(forms).to.deep.equal([String(fit._id), String(none._id)]);

    const ko = await staff.get(`/firms/${firm._id}/suggestions`).set('Accept-Language', 'ko');
    expect(ko.text).to.contain('<li>지급결제·시드 투자</li>');
    expect(ko.text).to.contain('<li>BIFC 입주</li>');
    expect(ko.text).to.contain('핏벤처스');
  });

  it("when an investor's suggestions are opened, then firms are ranked for its thesis with the same explanations", async () => {
    const { staff } = await setUp();
    const investor = await makeInvestorOrg({ nameEn: 'Insure VC' });
    await InvestorOrgModel.updateOne(
      { _id: investor._id },
      { $set: { thesis: { sectors: ['insurtech'], stages: ['seed'], instruments: [], regions: [] } } },
    );
    await makeFirm({ nameEn: 'Pay Firm', sectorPrimary: 'payments' });
    // A firm that left the programme is not suggested, however well it fits.
    const gone = await makeFirm({ nameEn: 'Exited Insure', sectorPrimary: 'insurtech' });
    await FirmModel.updateOne({ _id: gone._id }, { $set: { status: 'exited' } });
    const insure = await makeFirm({ nameEn: 'Insure Firm', sectorPrimary: 'insurtech' });
    await FirmModel.updateOne(
      { _id: insure._id },
      { $set: { fundraising: { raising: true, targetKrw: 300_000_000, stage: 'seed' } } },
    );
    const res = await staff.get(`/investors/${investor._id}/suggestions`).set('Accept-Language', 'en');
    expect(res.status).to.equal(200);
    const names = [...res.text.matchAll(/<a href="\/firms\/[0-9a-f]+"><strong>([^<]+)<\/strong><\/a>/g)].map(
      (m) => m[1],
    );
    expect(names).to.deep.equal(['Insure Firm', 'Pay Firm']);
    expect(res.text).to.contain('<li>invests in Insurtech at Seed</li>');
  });

  it('when the list is exported, then the CSV holds the same matches in the same order as the list, quoted, with a BOM', async () => {
    const { staff, actor } = await setUp();
    await matchAt(actor, 'meeting', { firmName: 'Csv One', dueOn: '2026-06-01', ownerId: actor.id });
    await matchAt(actor, 'suggested', { firmName: '=Csv Two', dueOn: '2026-05-01' });
    await matchAt(actor, 'introduced', { firmName: 'Csv Three' });
    const other = await makeFirm({ nameEn: 'Other Sector', nameKo: 'Other Sector', sectorPrimary: 'lending' });
    await matchAt(actor, 'introduced', { firm: String(other._id) });
    const list = await staff.get('/matches/list?sector=payments').set('Accept-Language', 'en');
    const listed = [
      ...list.text.matchAll(/<td data-label="Startup"><a href="\/matches\/[^"]+"><strong>([^<]+)<\/strong>/g),
    ].map((m) => m[1]);
    expect(listed).to.deep.equal(['Csv Three', '=Csv Two', 'Csv One']);
    expect(list.text).to.contain('href="/matches/export.csv?sector=payments"');

    const res = await download(staff, '/matches/export.csv?sector=payments');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.contain('text/csv');
    expect([...res.body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = res.body.toString('utf8').slice(1);
    const rows = parse<Record<string, string>>(text, { columns: true });
    expect(rows.map((r) => r.Startup)).to.deep.equal(['Csv Three', "'=Csv Two", 'Csv One']);
    expect(rows[2]).to.include({
      Stage: 'Meeting',
      Owner: actor.name,
      'Due date': '2026-06-01',
      Sector: 'Payments',
      'Investor type': 'Venture capital',
    });
    expect(text.split('\r\n')[1]).to.match(/^"Csv Three","[^"]+","Introduced",/);
  });

  it('when an investor or a viewer asks for any deal-flow page or form, then it is refused (403) and nothing changes', async () => {
    const { actor } = await setUp();
    const { id, firmId, investorId } = await matchAt(actor, 'suggested');
    for (const role of ['investor', 'viewer'] as const) {
      const agent = await loginAs(t.app, role);
      const token = await agent.csrf();
      for (const path of [
        '/matches',
        '/matches/list',
        '/matches/mine',
        '/matches/export.csv',
        `/matches/${id}`,
        '/notifications',
        `/firms/${firmId}/suggestions`,
        `/investors/${investorId}/suggestions`,
      ]) {
        expect((await agent.get(path)).status, `${role} GET ${path}`).to.equal(403);
      }
      for (const [path, body] of [
        ['/matches', { firm: firmId, investor: investorId }],
        [`/matches/${id}/move`, { stage: 'introduced' }],
        [`/matches/${id}/details`, { nextStep: 'x' }],
        [`/matches/${id}/notes`, { body: 'x' }],
        ['/notifications/read', {}],
      ] as const) {
        expect(
          (
            await agent
              .post(path)
              .type('form')
              .send({ _csrf: token, ...body })
          ).status,
          `${role} POST ${path}`,
        ).to.equal(403);
      }
    }
    const m = await getMatch(id);
    expect(m.stage).to.equal('suggested');
    expect(m.notes).to.have.length(0);
  });

  it('when the details and a note are saved, then the match page shows them and the audit log names the owner, not an id', async () => {
    const { staff, actor, token } = await setUp();
    const other = await makeUser({ role: 'staff', name: 'Park Owner' });
    const { id } = await matchAt(actor, 'suggested');
    const page = await staff.get(`/matches/${id}`);
    const version = /name="_version" value="(\d+)"/.exec(page.text)![1];
    const res = await staff
      .post(`/matches/${id}/details`)
      .type('form')
      .send({
        _csrf: token,
        _version: version,
        owner: String(other._id),
        nextStep: 'Book a meeting',
        dueOn: '2026-07-01',
      });
    expect(res.status).to.equal(302);
    expect(await getMatch(id)).to.include({ nextStep: 'Book a meeting', dueOn: '2026-07-01' });
    const audit = await AuditEntryModel.findOne({ entity: 'match', entityId: id, action: 'update' }).lean();
    expect(audit!.changes.find((c) => c.field === 'owner')).to.include({ after: 'Park Owner' });
    const empty = await staff
      .post(`/matches/${id}/notes`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, body: '  ' });
    expect(empty.status).to.equal(422);
    await staff.post(`/matches/${id}/notes`).type('form').send({ _csrf: token, body: 'Met at BIFC' });
    const shown = await staff.get(`/matches/${id}`).set('Accept-Language', 'en');
    expect(shown.text).to.contain('Met at BIFC');
    expect(shown.text).to.contain('Park Owner');
    const notStaff = await makeUser({ role: 'viewer' });
    const refused = await staff
      .post(`/matches/${id}/details`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, owner: String(notStaff._id) });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('Choose an active staff member.');
  });
});
