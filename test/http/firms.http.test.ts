import { expect } from 'chai';
import { Types } from 'mongoose';
import { useTestApp, loginAs, type Agent } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg, nextBrn } from '../helpers/factories.js';
import { captureCommands } from '../helpers/commands.js';
import { FirmModel } from '../../models/firm.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { PersonModel } from '../../models/person.model.js';
import { NoteModel } from '../../models/note.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { searchTokensOf, sortNameOf } from '../../server/firms/firm-rules.js';
import { seoulToday } from '../../server/lib/dates.js';
import { recordAudit } from '../../server/audit/index.js';

// Adds a note from the firm page's note form.
const addNote = async (agent: Agent, firmId: unknown, body: string) =>
  agent
    .post(`/firms/${String(firmId)}/notes`)
    .type('form')
    .send({ _csrf: await agent.csrf(), body });

describe('firms: registering, editing and walking the pipeline', () => {
  const t = useTestApp();

  it('when staff register a firm, then it is stored, listed and its creation is in the audit log', async () => {
    const staff = await loginAs(t.app, 'staff');
    const brn = nextBrn();
    const token = await staff.csrf();
    const res = await staff
      .post('/firms')
      .type('form')
      .send({
        _csrf: token,
        nameKo: '광안페이',
        nameEn: 'Gwangan Pay',
        brn: brn.replace(/-/g, ''),
        sectorPrimary: 'payments',
        sectorsSecondary: ['data-ai', 'lending'],
        stage: 'seed',
        founded: '2024-03-01',
        pitch: '시장 상인을 위한 결제',
        tags: 'bifc, Blockchain',
        fundraisingRaising: 'true',
        fundraisingTargetKrw: '12억 5,000만',
      });
    expect(res.status, res.text.slice(0, 500)).to.equal(302);
    const firm = await FirmModel.findOne({ brn }).lean();
    expect(firm!.nameEn).to.equal('Gwangan Pay');
    expect(firm!.status).to.equal('applicant');
    expect(firm!.sectorsSecondary).to.deep.equal(['data-ai', 'lending']);
    expect(firm!.tags).to.deep.equal(['bifc', 'blockchain']);
    expect(firm!.fundraising!.targetKrw).to.equal(1_250_000_000);
    expect(res.headers.location).to.equal(`/firms/${firm!._id}`);
    const page = await staff.get(res.headers.location!);
    expect(page.text).to.contain('광안페이');
    expect(page.text).to.contain('12억 5,000만원');
    const audit = await AuditEntryModel.findOne({ entityId: firm!._id, action: 'create' }).lean();
    expect(audit!.actorEmail).to.equal(staff.email);
    expect(audit!.changes.find((c) => c.field === 'nameEn')!.after).to.equal('Gwangan Pay');
  });

  it('when a firm page is shown, then the firm is read once (its sharing panel uses the same record)', async () => {
    const firm = await makeFirm({ nameEn: 'Read Once Pay' });
    const staff = await loginAs(t.app, 'staff');
    const { result, commands } = await captureCommands(() => staff.get(`/firms/${firm._id}`));
    expect(result.text).to.contain('Read Once Pay').and.contain('id="sharing"');
    const readsOfFirm = commands.filter((c) => c.collection === 'firms' && String(c.filter?._id) === String(firm._id));
    expect(readsOfFirm).to.have.length(1);
  });

  it('when a firm page is shown again, then its records (with the names of the organisations it is shared with) are one read by _id, the page is the same, and a new round, person or note shows at once', async () => {
    const org = await makeInvestorOrg({ nameEn: 'Kept Ventures' });
    const firm = await makeFirm({ nameEn: 'Kept Records Pay' });
    await FirmModel.updateOne({ _id: firm._id }, { $set: { 'tips.operator': org._id, 'tips.status': 'selected' } });
    // a round whose participants add up to more than it raised (a warning on the page), and one without a close date
    await FundingRoundModel.create([
      {
        firm: firm._id,
        stage: 'seed',
        instrument: 'rcps',
        amountKrw: 500_000_000,
        status: 'closed',
        closedOn: '2025-04-01',
        participants: [{ investor: org._id, amountKrw: 700_000_000, lead: true }],
      },
      {
        firm: firm._id,
        stage: 'series-a',
        instrument: 'preferred',
        amountKrw: 2_000_000_000,
        status: 'open',
        participants: [],
      },
    ]);
    await PersonModel.create({
      name: 'Kim Kept',
      email: 'kim.kept@test.example',
      firms: [{ firm: firm._id, role: 'ceo' }],
    });
    const staff = await loginAs(t.app, 'staff');
    await addNote(staff, firm._id, 'First call');
    // (each page carries its own CSRF token and the id of the note its form would add)
    const page = async () =>
      (await staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en')).text
        .replace(/name="_csrf" value="[^"]+"/g, '')
        .replace(/name="newId" value="[^"]+"/g, '');
    await page(); // shows the note's notice once
    // (recomputed on the next read; the organisation it is shared with is named on the page from the kept records too)
    const sharedWith = await makeInvestorOrg({ nameEn: 'Shared Capital' });
    await FirmModel.updateOne(
      { _id: firm._id },
      { $set: { pitch: 'Payments for the port', 'sharing.orgs': [sharedWith._id] } },
    );
    const fresh = await page();
    expect(fresh).to.contain('Kim Kept').and.contain('First call').and.contain('Kept Ventures');
    expect(fresh).to.contain('Shared Capital');
    const { result, commands } = await captureCommands(() => staff.get(`/firms/${firm._id}`));
    expect(result.status).to.equal(200);
    const filtered = ['firms', 'fundingrounds', 'people', 'notes', 'investororgs'];
    expect(commands.filter((c) => filtered.includes(c.collection ?? '')).map((c) => c.collection)).to.deep.equal([]);
    expect(await page(), 'the kept records show the same page').to.equal(fresh);

    await FundingRoundModel.create({
      firm: firm._id,
      stage: 'bridge',
      instrument: 'safe',
      amountKrw: 90_000_000,
      status: 'closed',
      closedOn: '2026-02-02',
      participants: [],
    });
    expect(await page()).to.contain('Bridge');
    await PersonModel.create({
      name: 'Lee Later',
      email: 'lee.later@test.example',
      firms: [{ firm: firm._id, role: 'cto' }],
    });
    expect(await page()).to.contain('Lee Later');
    await addNote(staff, firm._id, 'Second call');
    expect(await page()).to.contain('Second call');
    await InvestorOrgModel.updateOne({ _id: org._id }, { $set: { nameEn: 'Renamed Ventures' } });
    expect(await page())
      .to.contain('Renamed Ventures')
      .and.not.contain('Kept Ventures');
  });

  it("when a firm's page is shown again, then its timeline is the kept one, the same as drawn afresh; a status change, an edit and a renamed record show at once", async () => {
    const firm = await makeFirm({ nameEn: 'Timeline Pay', status: 'applicant' });
    const staff = await loginAs(t.app, 'staff');
    const timeline = async () => {
      const html = (await staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en')).text;
      return /<section class="card" id="timeline">[\s\S]*?<\/section>/.exec(html)![0];
    };
    const fresh = await timeline();
    const { commands } = await captureCommands(() => staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en'));
    const audit = ['auditentries', 'audittimelines', 'auditbuckets'];
    expect(commands.filter((c) => audit.includes(c.collection ?? ''))).to.deep.equal([]);
    expect(await timeline(), 'the kept timeline').to.equal(fresh);

    await staff
      .post(`/firms/${firm._id}/status`)
      .type('form')
      .send({ _csrf: await staff.csrf(), status: 'screening', on: seoulToday(), note: '' });
    expect(await timeline()).to.contain('Status: Screening');
    await addNote(staff, firm._id, 'Met the founders');
    expect(await timeline()).to.contain('Met the founders');
    // An edit that names another record shows its name, and the name it has now.
    const org = await makeInvestorOrg({ nameEn: 'Named Ventures' });
    const round = new Types.ObjectId();
    const joined = [{ investor: String(org._id), amountKrw: 100_000_000, lead: true }];
    await recordAudit({
      actor: null,
      entity: 'round',
      entityId: round,
      firm: firm._id,
      action: 'update',
      changes: [{ field: 'participants', before: [], after: joined }],
    });
    expect(await timeline()).to.contain('Named Ventures');
    await InvestorOrgModel.updateOne({ _id: org._id }, { $set: { nameEn: 'Renamed Ventures' } });
    expect(await timeline()).to.contain('Renamed Ventures');
  });

  it("when the kept firm page is shown to two people, then each gets their own token, today's date and a new note id, and an admin's delete button stays the admin's", async () => {
    const firm = await makeFirm({ nameEn: 'Slots Pay', status: 'applicant' });
    const staff = await loginAs(t.app, 'staff');
    const other = await loginAs(t.app, 'staff');
    const admin = await loginAs(t.app, 'admin');
    const show = async (agent: Agent) => (await agent.get(`/firms/${firm._id}`).set('Accept-Language', 'en')).text;
    const noteIdOf = (html: string) => /name="newId" value="([0-9a-f]{24})"/.exec(html)?.[1];
    const tokensOf = (html: string) => new Set([...html.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]));
    const deleteButton = `action="/firms/${String(firm._id)}/delete"`;

    const first = await show(staff);
    const { result, commands } = await captureCommands(() =>
      other.get(`/firms/${firm._id}`).set('Accept-Language', 'en'),
    );
    const second = result.text;
    expect(commands.map((c) => c.collection).filter((c) => c !== 'sessions' && c !== 'users')).to.deep.equal(
      ['computed'],
      'the kept page is one read',
    );
    expect(second).to.contain('<title>Slots Pay');
    expect(second).to.contain(`name="on" value="${seoulToday()}"`);
    expect(noteIdOf(first)).to.be.a('string');
    expect(noteIdOf(second)).to.be.a('string').and.not.equal(noteIdOf(first));
    expect(tokensOf(second)).to.deep.equal(new Set([await other.csrf()]));
    const noted = await other
      .post(`/firms/${firm._id}/notes`)
      .type('form')
      .send({ _csrf: [...tokensOf(second)][0], newId: noteIdOf(second), body: 'From the kept page' });
    expect(noted.status).to.equal(302);
    expect(await NoteModel.countDocuments({ firm: firm._id, body: 'From the kept page' })).to.equal(1);

    expect(await show(admin)).to.contain(deleteButton);
    expect(await show(staff)).to.not.contain(deleteButton);
    expect(await show(admin)).to.contain(deleteButton);
  });

  it('when a note looks like a slot of the kept page, then it is shown as typed', async () => {
    const firm = await makeFirm({ nameEn: 'Lookalike Pay' });
    const staff = await loginAs(t.app, 'staff');
    await addNote(staff, firm._id, 'kept-slot-5d0f3c9a:constructor; kept-slot-5d0f3c9a:nothing');
    const html = (await staff.get(`/firms/${firm._id}`)).text;
    expect(html).to.contain('kept-slot-5d0f3c9a:constructor; kept-slot-5d0f3c9a:nothing');
  });

  it('when the form has errors, then it comes back (422) with what was typed and each message beside its field', async () => {
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    const res = await staff.post('/firms').type('form').send({
      _csrf: token,
      nameKo: '실수기업',
      brn: '123-45-67890',
      sectorPrimary: '',
      founded: '2025-02-30',
      website: 'example',
      headcount: '-3',
    });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('value="실수기업"');
    expect(res.text).to.contain('value="123-45-67890"');
    expect(res.text).to.contain('value="2025-02-30"');
    expect(res.text).to.contain('올바른 사업자등록번호가 아닙니다');
    expect(res.text).to.contain('주 분야를 선택하세요');
    expect(res.text).to.contain('YYYY-MM-DD');
    expect(res.text).to.contain('http:// 또는 https://');
    expect(await FirmModel.countDocuments()).to.equal(0);
  });

  it('when a founding date later than today is entered, then the form says so beside the field and keeps it', async () => {
    const staff = await loginAs(t.app, 'staff');
    const tomorrow = new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10);
    const res = await staff
      .post('/firms')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: await staff.csrf(), nameEn: 'Future Co', sectorPrimary: 'payments', founded: tomorrow });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain(`value="${tomorrow}"`);
    expect(res.text).to.match(/id="f-founded-err">Can&#39;t be later than today\./);
    expect(await FirmModel.countDocuments()).to.equal(0);
  });

  it('when a registration number is already taken, then the form says so beside the field (in English too)', async () => {
    const existing = await makeFirm({ brn: nextBrn() });
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    const res = await staff
      .post('/firms')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, nameEn: 'Copycat', brn: existing.brn!, sectorPrimary: 'lending' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Another startup already has this registration number.');
    expect(await FirmModel.countDocuments()).to.equal(1);
  });

  it('when the new-firm form is sent twice (a double click, a resend), then one firm is registered and the second send says it was saved already', async () => {
    const staff = await loginAs(t.app, 'staff');
    const form = await staff.get('/firms/new');
    const newId = /name="newId" value="([0-9a-f]{24})"/.exec(form.text)?.[1];
    expect(newId, 'the form carries the id of the firm it registers').to.match(/^[0-9a-f]{24}$/);
    const send = async () =>
      staff
        .post('/firms')
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: await staff.csrf(), newId, nameEn: 'Twice Sent', brn: nextBrn(), sectorPrimary: 'lending' });
    const first = await send();
    const second = await send();
    expect(first.headers.location).to.equal(`/firms/${newId}`);
    expect(second.headers.location).to.equal(`/firms/${newId}`);
    expect(await FirmModel.countDocuments({ nameEn: 'Twice Sent' })).to.equal(1);
    const page = await staff.get(`/firms/${newId}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('This startup was registered already (the form was sent twice): it is recorded once.');
    // A registration number another firm has is still refused, with or without the form's id.
    const other = await makeFirm({ brn: nextBrn() });
    const clash = await staff
      .post('/firms')
      .type('form')
      .send({
        _csrf: await staff.csrf(),
        newId: '64b000000000000000000abc',
        nameEn: 'Clash',
        brn: other.brn!,
        sectorPrimary: 'lending',
      });
    expect(clash.status).to.equal(422);
  });

  it('when two staff edit the same firm at once, then the later save is refused with what changed, and nothing is overwritten', async () => {
    const firm = await makeFirm({ nameEn: 'Race Co', pitch: 'original' });
    const alice = await loginAs(t.app, 'staff');
    const bob = await loginAs(t.app, 'staff');
    const aliceForm = await alice.get(`/firms/${firm._id}/edit`);
    const bobForm = await bob.get(`/firms/${firm._id}/edit`);
    const version = /name="_version" value="(\d+)"/.exec(aliceForm.text)![1];
    expect(/name="_version" value="(\d+)"/.exec(bobForm.text)![1]).to.equal(version);
    const base = { nameEn: 'Race Co', nameKo: firm.nameKo!, sectorPrimary: 'payments', _version: version };
    const aliceToken = await alice.csrf();
    const bobToken = await bob.csrf();
    expect(
      (
        await alice
          .post(`/firms/${firm._id}`)
          .type('form')
          .send({ ...base, _csrf: aliceToken, pitch: 'alice was here' })
      ).status,
    ).to.equal(302);
    const late = await bob
      .post(`/firms/${firm._id}`)
      .type('form')
      .send({ ...base, _csrf: bobToken, pitch: 'bob overwrites' });
    expect(late.status).to.equal(409);
    expect(late.text).to.contain('다른 사람이 이 스타트업을 저장했습니다');
    expect(late.text).to.contain('alice was here');
    expect(late.text).to.contain(alice.email);
    expect(late.text).to.contain('value="bob overwrites"');
    expect((await FirmModel.findById(firm._id).lean())!.pitch).to.equal('alice was here');
    // A deliberate second save, from the refreshed form, goes through.
    const newVersion = /name="_version" value="(\d+)"/.exec(late.text)![1];
    expect(
      (
        await bob
          .post(`/firms/${firm._id}`)
          .type('form')
          .send({ ...base, _version: newVersion, _csrf: bobToken, pitch: 'bob overwrites' })
      ).status,
    ).to.equal(302);
    expect((await FirmModel.findById(firm._id).lean())!.pitch).to.equal('bob overwrites');
  });

  it('when an edit conflicts, then the form merges: my changes kept, theirs taken in, fields we both changed flagged', async () => {
    const firm = await makeFirm({ nameEn: 'Merge Co', pitch: 'original', headcount: 12 });
    const alice = await loginAs(t.app, 'staff');
    const bob = await loginAs(t.app, 'staff');
    const unescape = (s: string) =>
      s
        .replace(/&#34;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    const formOf = async (agent: typeof alice) => {
      const html = (await agent.get(`/firms/${firm._id}/edit`)).text;
      const base = JSON.parse(unescape(/name="_base" value="([^"]*)"/.exec(html)![1]!)) as Record<string, string>;
      return { ...base, _base: JSON.stringify(base), _version: /name="_version" value="(\d+)"/.exec(html)![1] };
    };
    const aliceForm = await formOf(alice);
    const bobForm = await formOf(bob);
    const aliceToken = await alice.csrf();
    const bobToken = await bob.csrf();
    await alice
      .post(`/firms/${firm._id}`)
      .type('form')
      .send({ ...aliceForm, _csrf: aliceToken, headcount: '15', website: 'https://alice.example' });
    const late = await bob
      .post(`/firms/${firm._id}`)
      .type('form')
      .send({ ...bobForm, _csrf: bobToken, pitch: 'bob pitch', website: 'https://bob.example' });
    expect(late.status).to.equal(409);
    expect(late.text).to.contain('value="bob pitch"');
    expect(late.text).to.contain('value="15"');
    expect(late.text).to.contain('value="https://bob.example"');
    expect(late.text).to.contain('둘 다 바꾼 항목입니다');
    // Saving the merged form keeps both people's work.
    const merged = Object.fromEntries(
      [...late.text.matchAll(/<input id="f-(\w+)" type="(?:text|date|url)" name="(\w+)" value="([^"]*)"/g)].map((m) => [
        m[2]!,
        unescape(m[3]!),
      ]),
    );
    const base2 = unescape(/name="_base" value="([^"]*)"/.exec(late.text)![1]!);
    const v2 = /name="_version" value="(\d+)"/.exec(late.text)![1];
    const again = await bob
      .post(`/firms/${firm._id}`)
      .type('form')
      .send({ ...merged, sectorPrimary: 'payments', _base: base2, _version: v2, _csrf: bobToken });
    expect(again.status, again.text.slice(0, 300)).to.equal(302);
    const stored = await FirmModel.findById(firm._id).lean();
    expect(stored).to.include({ pitch: 'bob pitch', headcount: 15, website: 'https://bob.example' });
  });

  it('when a firm is edited, then the audit log holds each field before → after and the page shows it', async () => {
    const firm = await makeFirm({ nameEn: 'Before Name', headcount: 5 });
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    await staff
      .post(`/firms/${firm._id}`)
      .type('form')
      .send({
        _csrf: token,
        nameKo: firm.nameKo!,
        nameEn: 'After Name',
        sectorPrimary: 'payments',
        headcount: '12',
        _version: String(firm.__v),
      });
    const entry = await AuditEntryModel.findOne({ entityId: firm._id, action: 'update' }).lean();
    const byField = Object.fromEntries(entry!.changes.map((c) => [c.field, c]));
    expect(byField.nameEn).to.include({ before: 'Before Name', after: 'After Name' });
    expect(byField.headcount).to.include({ before: 5, after: 12 });
    const stored = await FirmModel.findById(firm._id).lean();
    expect(stored!.sortName).to.equal(sortNameOf({ nameEn: 'After Name' }));
    expect(stored!.searchTokens).to.deep.equal(searchTokensOf({ nameKo: firm.nameKo, nameEn: 'After Name' }));
    const page = await staff.get(`/firms/${firm._id}`);
    expect(page.text).to.contain('<del>Before Name</del>');
    expect(page.text).to.contain('<ins>After Name</ins>');
  });

  it('when staff walk a firm from applicant to resident, then every step is dated in its history and audit', async () => {
    const firm = await makeFirm();
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    const today = seoulToday();
    const steps = [
      ['screening', today],
      ['admitted', today],
      ['resident', today],
    ] as const;
    for (const [status, on] of steps) {
      const res = await staff.post(`/firms/${firm._id}/status`).type('form').send({ _csrf: token, status, on });
      expect(res.status, res.text.slice(0, 300)).to.equal(302);
    }
    const stored = await FirmModel.findById(firm._id).lean();
    expect(stored!.status).to.equal('resident');
    expect(stored!.statusHistory.map((h) => [h.status, h.on]).slice(1)).to.deep.equal(steps.map((s) => [...s]));
    expect(stored!.residency!.start).to.equal(today);
    expect(await AuditEntryModel.countDocuments({ entityId: firm._id, action: 'status' })).to.equal(3);
    // Jumping backwards or skipping steps is refused with a message.
    const bad = await staff
      .post(`/firms/${firm._id}/status`)
      .type('form')
      .send({ _csrf: token, status: 'applicant', on: today });
    expect(bad.status).to.equal(302);
    const page = await staff.get(`/firms/${firm._id}`);
    expect(page.text).to.contain('현재 상태에서 그 상태로 바꿀 수 없습니다');
    expect((await FirmModel.findById(firm._id).lean())!.status).to.equal('resident');
    // A date before the previous change is refused too.
    const early = await staff
      .post(`/firms/${firm._id}/status`)
      .type('form')
      .send({ _csrf: token, status: 'graduated', on: '2020-01-01' });
    expect(early.status).to.equal(302);
    expect((await staff.get(`/firms/${firm._id}`)).text).to.contain('직전 상태 변경일보다 이릅니다');
    // …and so is a date in the future, which would block every real change after it.
    await staff
      .post(`/firms/${firm._id}/status`)
      .type('form')
      .send({ _csrf: token, status: 'graduated', on: '2099-01-01' });
    expect((await staff.get(`/firms/${firm._id}`)).text).to.contain('미래 날짜');
    expect((await FirmModel.findById(firm._id).lean())!.status).to.equal('resident');
    // A missing date is reported beside the field, in the page language, with the form kept.
    const noDate = await staff
      .post(`/firms/${firm._id}/status`)
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: token, status: 'graduated', on: '', note: 'kept note' });
    expect(noDate.status).to.equal(422);
    expect(noDate.text).to.contain('Enter the date.');
    expect(noDate.text).to.contain('value="kept note"');
  });

  it('when someone edits other fields of a firm, then a status move from an open page still goes through', async () => {
    const firm = await makeFirm();
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    await FirmModel.updateOne({ _id: firm._id }, { $set: { pitch: 'changed elsewhere' }, $inc: { __v: 1 } });
    await staff
      .post(`/firms/${firm._id}/status`)
      .type('form')
      .send({ _csrf: token, status: 'screening', on: seoulToday() });
    const stored = await FirmModel.findById(firm._id).lean();
    expect(stored!.status).to.equal('screening');
    expect(stored!.statusHistory.at(-1)!.byEmail).to.equal(staff.email);
  });

  it('when a firm is archived, then it leaves the list, stays restorable, and both steps are audited', async () => {
    const firm = await makeFirm({ nameEn: 'Archivable' });
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    await staff.post(`/firms/${firm._id}/archive`).type('form').send({ _csrf: token });
    expect((await staff.get('/firms')).text).to.not.contain('Archivable');
    expect((await staff.get('/firms?archived=1')).text).to.contain('Archivable');
    await staff.post(`/firms/${firm._id}/restore`).type('form').send({ _csrf: token });
    expect((await staff.get('/firms')).text).to.contain('Archivable');
    expect(
      await AuditEntryModel.countDocuments({ entityId: firm._id, action: { $in: ['archive', 'restore'] } }),
    ).to.equal(2);
  });

  it('when an admin deletes a firm with rounds, then it is refused with the reason; without rounds it is deleted and audited', async () => {
    const withRounds = await makeFirm();
    await FundingRoundModel.create({
      firm: withRounds._id,
      stage: 'seed',
      instrument: 'rcps',
      amountKrw: 1,
      status: 'planned',
    });
    const admin = await loginAs(t.app, 'admin');
    const token = await admin.csrf();
    await admin.post(`/firms/${withRounds._id}/delete`).type('form').send({ _csrf: token });
    expect(await FirmModel.exists({ _id: withRounds._id })).to.not.equal(null);
    expect((await admin.get(`/firms/${withRounds._id}`)).text).to.contain('투자 라운드가 1건 있어 삭제할 수 없습니다');

    const plain = await makeFirm();
    await NoteModel.create({ firm: plain._id, body: 'x' });
    const res = await admin.post(`/firms/${plain._id}/delete`).type('form').send({ _csrf: token });
    expect(res.headers.location).to.equal('/firms');
    expect(await FirmModel.exists({ _id: plain._id })).to.equal(null);
    expect(await NoteModel.countDocuments({ firm: plain._id })).to.equal(0);
    expect(await AuditEntryModel.countDocuments({ entityId: plain._id, action: 'delete' })).to.equal(1);

    const staff = await loginAs(t.app, 'staff');
    const staffToken = await staff.csrf();
    expect(
      (await staff.post(`/firms/${withRounds._id}/delete`).type('form').send({ _csrf: staffToken })).status,
    ).to.equal(403);
  });

  it('when a note is added, then it appears as plain text (markup not rendered) and in the timeline', async () => {
    const firm = await makeFirm();
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    await staff
      .post(`/firms/${firm._id}/notes`)
      .type('form')
      .send({ _csrf: token, body: 'Met the CEO <script>alert(1)</script>' });
    const page = await staff.get(`/firms/${firm._id}`);
    expect(page.text).to.contain('Met the CEO &lt;script&gt;');
    expect(page.text).to.not.contain('<script>alert(1)</script>');
    expect(await AuditEntryModel.countDocuments({ firm: firm._id, entity: 'note' })).to.equal(1);
  });

  it('when the same note form is sent twice, then the note is kept once and the second send says so', async () => {
    const firm = await makeFirm();
    const staff = await loginAs(t.app, 'staff');
    const page = (await staff.get(`/firms/${firm._id}`)).text;
    const newId = /action="\/firms\/[0-9a-f]{24}\/notes"[\s\S]*?name="newId" value="([0-9a-f]{24})"/.exec(page)?.[1];
    expect(newId, 'the note form carries the id of the note it adds').to.be.a('string');
    const body = { _csrf: await staff.csrf(), newId, body: 'Call back on Monday' };
    await staff.post(`/firms/${firm._id}/notes`).type('form').send(body);
    const again = await staff.post(`/firms/${firm._id}/notes`).type('form').send(body);
    expect(await NoteModel.countDocuments({ firm: firm._id })).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ firm: firm._id, entity: 'note' })).to.equal(1);
    expect((await staff.get(again.headers.location!)).text).to.contain('이미 추가된 메모입니다');
  });

  it('when the add-person form is sent twice (a double click, a resend), then one person is added and the second send says it was saved already', async () => {
    const firm = await makeFirm();
    const staff = await loginAs(t.app, 'staff');
    const form = await staff.get(`/firms/${firm._id}/people/new`);
    const newId = /name="newId" value="([0-9a-f]{24})"/.exec(form.text)?.[1];
    expect(newId, 'the form carries the id of the person it adds').to.match(/^[0-9a-f]{24}$/);
    const send = async () =>
      staff
        .post(`/firms/${firm._id}/people`)
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: await staff.csrf(), newId, name: 'Sent Twice', role: 'founder' });
    expect((await send()).status).to.equal(302);
    expect((await send()).status).to.equal(302);
    expect(await PersonModel.countDocuments({ name: 'Sent Twice' })).to.equal(1);
    const page = await staff.get(`/firms/${firm._id}`).set('Accept-Language', 'en');
    expect(page.text).to.contain('This person was added already (the form was sent twice): they are recorded once.');
  });

  it('when a founder is added with an email already on file, then the same person is linked, not duplicated', async () => {
    const a = await makeFirm();
    const b = await makeFirm();
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    await staff
      .post(`/firms/${a._id}/people`)
      .type('form')
      .send({ _csrf: token, name: 'Kim Minji', email: 'minji@startup.example', role: 'founder', title: 'CEO' });
    // Seen before the link, then after it: the firm's people show the change at once.
    expect((await staff.get(`/firms/${b._id}`)).text).to.not.contain('Kim Minji');
    await staff
      .post(`/firms/${b._id}/people`)
      .type('form')
      .send({ _csrf: token, name: 'Minji Kim', email: 'MINJI@startup.example', role: 'advisor' });
    const people = await PersonModel.find().lean();
    expect(people).to.have.length(1);
    expect(people[0]?.firms.map((f) => f.role).sort()).to.deep.equal(['advisor', 'founder']);
    expect((await staff.get(`/firms/${b._id}`)).text).to.contain('Kim Minji');
    // The link reads in words in the startup's history: its name and the role's label, no id.
    const history = (await staff.get(`/firms/${b._id}/history`).set('Accept-Language', 'en')).text;
    expect(history)
      .to.not.contain(`→ ${String(b._id)}`)
      .and.not.contain('(advisor)');
    expect(history).to.contain('Advisor');
    const again = await staff
      .post(`/firms/${a._id}/people`)
      .type('form')
      .send({ _csrf: token, name: 'Kim', email: 'minji@startup.example', role: 'contact' });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('이미 이 스타트업에 연결된 인물입니다');
  });

  it('when a person is removed from a startup, then the startup no longer lists them and their other links stay', async () => {
    const a = await makeFirm();
    const b = await makeFirm();
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    for (const [firm, role] of [
      [a, 'founder'],
      [b, 'advisor'],
    ] as const)
      await staff
        .post(`/firms/${firm._id}/people`)
        .type('form')
        .send({ _csrf: token, name: 'Kim Minji', email: 'minji@startup.example', role });
    const person = (await PersonModel.findOne().lean())!;
    const res = await staff.post(`/firms/${a._id}/people/${person._id}/unlink`).type('form').send({ _csrf: token });
    expect(res.status).to.equal(302);
    const peopleOf = async (firm: { _id: unknown }) => {
      const html = (await staff.get(`/firms/${String(firm._id)}`)).text;
      const start = html.indexOf('<section class="card" id="people">');
      return html.slice(start, html.indexOf('</section>', start));
    };
    expect(await peopleOf(a)).to.not.contain('Kim Minji');
    expect(await peopleOf(b)).to.contain('Kim Minji');
    const after = (await PersonModel.findById(person._id).lean())!;
    expect(after.firms.map((l) => [String(l.firm), l.role])).to.deep.equal([[String(b._id), 'advisor']]);
    // Deleting a startup (without rounds) removes its links from everyone too.
    const admin = await loginAs(t.app, 'admin');
    await admin
      .post(`/firms/${b._id}/delete`)
      .type('form')
      .send({ _csrf: await admin.csrf() });
    expect((await PersonModel.findById(person._id).lean())!.firms).to.deep.equal([]);
  });
});
