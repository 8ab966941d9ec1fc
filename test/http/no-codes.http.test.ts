import { expect } from 'chai';
import { Types } from 'mongoose';
import { useTestApp, agentOf, formBody, loginAs, type Agent, uploadCsv } from '../helpers/app.js';
import { loadedForm, clashRow } from '../helpers/edit-form.js';
import { listRoutes, routeKey } from '../helpers/routes.js';
import { makeFirm, makeInvestorOrg, makeUser, nextBrn } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import { MatchModel } from '../../models/match.model.js';
import { TargetModel } from '../../models/target.model.js';
import { NotificationModel } from '../../models/notification.model.js';
import {
  FIRM_STAGES,
  FIRM_STATUSES,
  INSTRUMENTS,
  INVESTOR_CONTACT_ROLES,
  INVESTOR_REGIONS,
  INVESTOR_TYPES,
  MATCH_STAGES,
  NOTIFICATION_KINDS,
  PASS_REASONS,
  PERSON_ROLES,
  ROUND_STAGES,
  ROUND_STATUSES,
  SECTORS,
  TARGET_METRICS,
  TIPS_STATUSES,
  TIPS_SUCCESS_CRITERIA,
  TIPS_TRACKS,
} from '../../models/enums.js';
import { createI18n } from '../../server/lib/i18n.js';
import { ENUM_NAMES, labelOf, valuesOf } from '../../server/lib/labels.js';
import { createRound, roundBody } from '../../server/rounds/index.js';
import { recordAudit } from '../../server/audit/index.js';

// Issue 11: no page, in either language, shows an internal code, a raw id or an internal version number. Every GET page
// of the app is rendered with data that uses every allowed value, and its visible text is checked.

type Lang = 'ko' | 'en';
type Who = 'anonymous' | 'staff' | 'admin' | 'investor';

// Routes that are not pages a person reads, with the reason.
const NOT_PAGES: Record<string, string> = {
  'GET /healthz': 'JSON for the load balancer',
  'GET /firms/export.csv': 'CSV download (exports speak the page language: the export helper)',
  'GET /firms/rounds/export.csv': 'CSV download',
  'GET /investors/export.csv': 'CSV download',
  'GET /matches/export.csv': 'CSV download',
  'GET /firms/import/template/:kind.csv': 'CSV template download',
  'GET /reports/:table.csv': 'CSV download',
  'GET /reports/charts/:chart.svg': 'SVG chart (its labels are checked on /reports, which embeds the same text)',
  'GET /api/v1/reports/:table': 'JSON API for machines (codes are its contract)',
};
// A batch's pages (mapping step, preview, result) need an uploaded file: they are checked after the routes below.
const isImportBatchPage = (key: string) => key.startsWith('GET /firms/import/:batchId');

// Pages that document what to type into a file: column codes ("열 코드: headcount") and example figures
// ("1500000000") are their content. Only ids, versions and English labels on a Korean page are checked there.
const FILE_FORMAT_PAGES: Record<string, string> = {
  '/firms/import': 'the upload page: column reference and cell formats (the import work of issue 11)',
};

// Visible text: no scripts, styles, comments, tags or attributes; entities decoded; emails and URLs (typed by people)
// left out. With `typed: false`, <code> (what a person types into a file, such as a CSV column's name) is left out too:
// it is checked for ids and versions, not for codes.
function visibleText(html: string, typed = true): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<code>[\s\S]*?<\/code>/gi, (m) => (typed ? m : ' '))
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\S+@\S+/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\s+/g, ' ');
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const asWord = (s: string) => new RegExp(`(?<![\\w-])${escapeRe(s)}(?![\\w-])`);

type Vocabulary = { name: string; value: string; ko: string; en: string }[];

async function vocabulary(): Promise<Vocabulary> {
  const i18n = await createI18n();
  const ko = i18n.getFixedT('ko');
  const en = i18n.getFixedT('en');
  return ENUM_NAMES.flatMap((name) =>
    valuesOf(name).map((value) => ({ name, value, ko: labelOf(name, value, ko), en: labelOf(name, value, en) })),
  );
}

// What a person would notice on a page: a code where a label belongs, an id, an English label on a Korean page, or a
// version number.
function problemsOf(text: string, lang: Lang, words: Vocabulary, withoutTyped = text): string[] {
  const found = new Set<string>();
  // A code inside a label ("grant" in "Government grant") is the label.
  const labels = [...new Set(words.map((w) => (lang === 'ko' ? w.ko : w.en)))].sort((a, b) => b.length - a.length);
  const withoutLabels = labels.reduce((s, l) => s.split(l).join(' '), withoutTyped);
  for (const w of words) {
    const label = lang === 'ko' ? w.ko : w.en;
    // A code shows as itself only where its label differs. In English a one-word code is often an ordinary word too
    // ("seed", "headcount"): there only hyphenated codes and short abbreviations ("rcps", "vc") count.
    const telling =
      lang === 'ko'
        ? label !== w.value
        : w.value.includes('-') || (w.value.length <= 4 && label.toLowerCase() !== w.value);
    if (telling && asWord(w.value).test(withoutLabels)) found.add(`code "${w.value}" (${w.name})`);
    if (lang === 'ko' && w.en !== w.ko && !w.ko.includes(w.en) && asWord(w.en).test(withoutTyped))
      found.add(`English label "${w.en}" (${w.name}.${w.value})`);
  }
  for (const m of text.matchAll(/(?<![0-9a-f])[0-9a-f]{24}(?![0-9a-f])/gi)) found.add(`id ${m[0]}`);
  for (const m of text.matchAll(/버전\s*\d+|\bversion\s*\d+/gi)) found.add(`version "${m[0]}"`);
  // A figure of five digits or more without grouping ("300000000") is an unformatted amount.
  for (const m of text.matchAll(/(?<![\d,.\w-])\d{5,}(?![\d,.\w])/g)) found.add(`bare number "${m[0]}"`);
  return [...found];
}

const context = (text: string, problem: string) => {
  const needle = /"([^"]+)"|id (\w+)/.exec(problem);
  const at = needle ? text.indexOf((needle[1] ?? needle[2])!) : -1;
  return at < 0 ? '' : `…${text.slice(Math.max(0, at - 60), at + 60)}…`;
};

type Fixture = Awaited<ReturnType<typeof makeFixture>>;

// Data using every allowed value: a firm per status, stage, sector, TIPS value and fundraising choice; a round per
// stage, instrument and status; an investor per type; a person per role; a match per stage; a target per metric; a
// notice per kind; and audit entries of the shapes the app writes.
async function makeFixture(users: Record<'staff' | 'admin', { userId: string; email: string }>, investorOrg: string) {
  const investors = [];
  for (const [i, type] of INVESTOR_TYPES.entries())
    investors.push(await makeInvestorOrg({ nameKo: `가람투자${i}`, nameEn: `Garam Invest ${i}`, type }));
  const investor = investors[0]!;
  await InvestorOrgModel.updateOne(
    { _id: investor._id },
    {
      $set: {
        thesis: {
          sectors: [...SECTORS],
          stages: [...ROUND_STAGES],
          instruments: [...INSTRUMENTS],
          regions: [...INVESTOR_REGIONS],
          ticketMinKrw: 100_000_000,
          ticketMaxKrw: 1_500_000_000,
        },
        funds: [{ name: '가람 1호 펀드', sizeKrw: 30_000_000_000, vintage: '2022-03-01', dryPowderKrw: 5_000_000_000 }],
      },
    },
  );

  const fundId = String((await InvestorOrgModel.findById(investor._id).lean())?.funds?.[0]?._id ?? '');

  const firms = [];
  const count = Math.max(FIRM_STATUSES.length, FIRM_STAGES.length, SECTORS.length, ROUND_STAGES.length);
  for (let i = 0; i < count; i++) {
    const firm = await makeFirm({ nameKo: `나래기업${i}`, nameEn: `Narae Corp ${i}` });
    await FirmModel.updateOne(
      { _id: firm._id },
      {
        $set: {
          status: FIRM_STATUSES[i % FIRM_STATUSES.length],
          stage: FIRM_STAGES[i % FIRM_STAGES.length],
          sectorPrimary: SECTORS[i % SECTORS.length],
          sectorsSecondary: [SECTORS[(i + 1) % SECTORS.length]],
          'tips.track': TIPS_TRACKS[i % TIPS_TRACKS.length],
          'tips.status': TIPS_STATUSES[i % TIPS_STATUSES.length],
          'tips.successCriteria': [TIPS_SUCCESS_CRITERIA[i % TIPS_SUCCESS_CRITERIA.length]],
          'tips.operator': investors[8]!._id,
          'tips.grantKrw': 500_000_000,
          fundraising: {
            raising: true,
            targetKrw: 2_000_000_000,
            stage: ROUND_STAGES[i % ROUND_STAGES.length],
            instrument: INSTRUMENTS[i % INSTRUMENTS.length],
            openToInvestors: true,
          },
          'sharing.orgs': [new Types.ObjectId(investorOrg)],
          'sharing.summaryKo': '투자자용 소개',
          'sharing.summaryEn': 'For investors',
        },
      },
    );
    firms.push(firm);
  }
  const firm = firms[0]!;
  const actor = { id: users.staff.userId, email: users.staff.email };

  const people = [];
  for (const [i, role] of PERSON_ROLES.entries())
    people.push(await PersonModel.create({ name: `홍길동${i}`, firms: [{ firm: firm._id, role }] }));
  await FirmModel.updateOne({ _id: firm._id }, { $set: { contactPerson: people[0]!._id } });
  const contacts = [];
  for (const [i, investorRole] of INVESTOR_CONTACT_ROLES.entries())
    contacts.push(await PersonModel.create({ name: `김담당${i}`, investorOrg: investor._id, investorRole }));

  const rounds = [];
  for (const [i, stage] of ROUND_STAGES.entries()) {
    const status = ROUND_STATUSES[i % ROUND_STATUSES.length];
    const { round } = await createRound(
      String(firm._id),
      roundBody.parse({
        stage,
        instrument: INSTRUMENTS[i % INSTRUMENTS.length],
        status,
        amountKrw: '300000000',
        announcedOn: '2026-01-10',
        closedOn: status === 'closed' ? '2026-02-10' : '',
        participants: [{ investor: String(investor._id), amountKrw: '300000000', lead: 'on' }],
      }),
      actor,
    );
    rounds.push(round);
  }

  const matches = [];
  for (const [i, stage] of MATCH_STAGES.entries()) {
    const reason = stage === 'passed' ? PASS_REASONS[0] : undefined;
    matches.push(
      await MatchModel.create({
        firm: firms[i]!._id,
        investor: investor._id,
        stage,
        open: stage !== 'passed' && stage !== 'invested',
        stageSince: new Date(),
        history: [{ stage, at: new Date(), cycle: 1, byName: '이운영', ...(reason ? { reason } : {}) }],
        owner: new Types.ObjectId(users.staff.userId),
        nextStep: '다음 미팅',
        dueOn: '2026-03-01',
        round: stage === 'invested' ? rounds[0]!._id : undefined,
      }),
    );
  }
  // Every pass reason on some closed match (the same pair cannot hold two matches, so other investors).
  for (const [i, reason] of PASS_REASONS.entries())
    await MatchModel.create({
      firm: firms[i % firms.length]!._id,
      investor: investors[1 + (i % (investors.length - 1))]!._id,
      stage: 'passed',
      open: false,
      stageSince: new Date(),
      history: [{ stage: 'passed', at: new Date(), cycle: 1, reason }],
    });

  const targets = [];
  for (const [i, metric] of TARGET_METRICS.entries())
    targets.push(
      await TargetModel.create({
        nameKo: `목표${i}`,
        nameEn: `Goal ${i}`,
        metric,
        baseline: { value: 1, on: '2025-01-01' },
        target: { value: 10, on: '2027-12-31' },
        order: i,
      }),
    );

  for (const kind of NOTIFICATION_KINDS)
    await NotificationModel.create({
      user: users.staff.userId,
      kind,
      firm: firm._id,
      investor: investor._id,
      match: matches[0]!._id,
      params: { stage: 'meeting', reason: 'valuation', byName: '이운영' },
    });

  // The log as the app writes it: a stage change, an id of another record, a deleted round, an import's counts, a
  // round written before participants were kept by id, a user's role.
  const firmId = firm._id;
  const entries: Omit<Parameters<typeof recordAudit>[0], 'actor'>[] = [
    {
      entity: 'firm',
      entityId: firmId,
      firm: firmId,
      entityLabel: '나래기업0',
      action: 'update',
      changes: [
        { field: 'stage', before: 'seed', after: 'pre-a' },
        { field: 'tips.operator', before: null, after: String(investors[8]!._id) },
        { field: 'fundraising.targetKrw', before: null, after: 2_000_000_000 },
      ],
      version: 3,
    },
    {
      entity: 'person',
      entityId: contacts[0]!._id,
      entityLabel: '김담당0',
      action: 'update',
      changes: [{ field: 'investorOrg', before: String(new Types.ObjectId()), after: String(investor._id) }],
      version: 0,
    },
    {
      entity: 'round',
      entityId: new Types.ObjectId(),
      firm: firmId,
      entityLabel: 'series-a',
      action: 'delete',
      changes: [{ field: 'participants', before: 'BNK Venture Capital 300000000 (lead)', after: null }],
    },
    {
      entity: 'import',
      entityId: new Types.ObjectId(),
      entityLabel: 'firms · 기업.csv',
      action: 'import',
      changes: ['created', 'updated', 'unchanged'].map((field, i) => ({ field, before: null, after: [4, 1, 0][i] })),
    },
    {
      entity: 'user',
      entityId: new Types.ObjectId(users.admin.userId),
      entityLabel: users.admin.email,
      action: 'update',
      changes: [{ field: 'role', before: 'staff', after: 'admin' }],
      version: 1,
    },
    {
      entity: 'match',
      entityId: matches[3]!._id,
      entityLabel: 'x',
      action: 'update',
      changes: [
        { field: 'stage', before: 'introduced', after: 'meeting' },
        { field: 'round', before: null, after: 'series-a' },
      ],
    },
  ];
  for (const e of entries) await recordAudit({ actor, ...e });

  return { fundId, firm, firms, investors, investor, people, contacts, rounds, matches, targets, sharedFirm: firm };
}

// A GET route's path with its parameters filled from the fixture, and who may open it.
function visit(path: string, fx: Fixture, users: { investorUserId: string }): { url: string; who: Who } | undefined {
  const ids: Record<string, string> = {
    roundId: String(fx.rounds[3]!._id),
    personId: String(fx.people[0]!._id),
    contactId: String(fx.contacts[0]!._id),
    fundId: fx.fundId,
    targetId: String(fx.targets[0]!._id),
    // An invitation or reset link that is not (or no longer) valid: the page that says so.
    token: 'no-such-token',
  };
  const idFor = (p: string) => {
    if (p.startsWith('/portal/firms/')) return String(fx.sharedFirm._id);
    if (p.startsWith('/firms/')) return String(fx.firm._id);
    if (p.startsWith('/investors/')) return String(fx.investor._id);
    if (p.startsWith('/matches/')) return String(fx.matches[3]!._id);
    if (p.startsWith('/admin/users/')) return users.investorUserId;
    return undefined;
  };
  let missing = false;
  const url = path.replace(/:(\w+)/g, (_m, name: string) => {
    const v = name === 'id' ? idFor(path) : ids[name];
    if (!v) missing = true;
    return v ?? '';
  });
  if (missing) return undefined;
  const who: Who =
    path === '/login' || path.includes(':token')
      ? 'anonymous'
      : path.startsWith('/portal')
        ? 'investor'
        : path.startsWith('/admin') || path.startsWith('/audit')
          ? 'admin'
          : 'staff';
  return { url, who };
}

describe('no codes, raw ids or internal versions on any page (issue 11)', function () {
  this.timeout(180_000);
  const t = useTestApp({ NODE_ENV: 'development' });
  let words: Vocabulary;
  before(async () => {
    words = await vocabulary();
  });

  it('the check itself: a code, an id, an English label on a Korean page and a version are each caught', () => {
    expect(problemsOf('단계: seed → pre-a', 'ko', words)).to.include('code "pre-a" (firmStages)');
    expect(problemsOf('투자 기관: 6b0ecccb86571e8922ec234e', 'ko', words)).to.include('id 6b0ecccb86571e8922ec234e');
    expect(problemsOf('단계: Series A', 'ko', words).join()).to.contain('English label "Series A"');
    expect(problemsOf('버전 0', 'ko', words)).to.include('version "버전 0"');
    expect(problemsOf('Stage: series-a', 'en', words).join()).to.contain('code "series-a"');
    expect(problemsOf('BNK 300000000 (lead)', 'ko', words)).to.include('bare number "300000000"');
    expect(
      problemsOf('단계: 시드 → 시리즈 A · 부산페이 (Narae Corp) 3억원 ₩1.5B 2026-01-10', 'ko', words),
    ).to.deep.equal([]);
  });

  for (const lang of ['ko', 'en'] as Lang[]) {
    it(`when every page is opened in ${lang === 'ko' ? 'Korean' : 'English'} with data using every allowed value, then none shows a code, an id or a version`, async () => {
      // People's names without role words ("Test staff 1" would read as the code "staff").
      const staff = await loginAs(t.app, 'staff', { name: '이운영' });
      const admin = await loginAs(t.app, 'admin', { name: '박관리' });
      const org = await makeInvestorOrg({ nameKo: '포털투자', nameEn: 'Portal Invest' });
      const investorUser = await loginAs(t.app, 'investor', { investorOrg: String(org._id), name: '최투자' });
      const fx = await makeFixture({ staff, admin }, String(org._id));
      const agents: Record<Who, Agent> = { anonymous: agentOf(t.app), staff, admin, investor: investorUser };

      const routes = listRoutes(t.app).filter((r) => r.method === 'GET');
      const problems: string[] = [];
      const unvisited: string[] = [];
      let visited = 0;
      for (const r of routes) {
        const key = routeKey(r);
        if (NOT_PAGES[key] || isImportBatchPage(key)) continue;
        const target = visit(r.path, fx, { investorUserId: investorUser.userId });
        if (!target) {
          unvisited.push(key);
          continue;
        }
        const res = await agents[target.who].get(target.url).set('Accept-Language', lang);
        if (res.status >= 300 && res.status < 400) continue; // a redirect to a page visited on its own
        // A link that is no longer valid answers with its page and a 4xx status.
        const expected = r.path.includes(':token') ? res.status < 500 : res.status === 200;
        if (!expected) {
          problems.push(
            `${target.url}: status ${res.status} ${res.status === 500 ? visibleText(res.text).slice(0, 1500) : ''}`,
          );
          continue;
        }
        visited += 1;
        const text = visibleText(res.text);
        const formats = Boolean(FILE_FORMAT_PAGES[r.path]);
        for (const p of problemsOf(text, lang, words, visibleText(res.text, false)).filter(
          (x) => !formats || !/^(code|bare number) /.test(x),
        ))
          problems.push(`${target.url}: ${p} ${context(text, p)}`);
      }
      // Each record's own page too: every status, stage and type has its own badges and panels.
      const more = [
        ...fx.firms.map((f) => `/firms/${f._id}`),
        ...fx.matches.map((m) => `/matches/${m._id}`),
        ...fx.investors.map((i) => `/investors/${i._id}`),
        ...fx.firms.map((f) => `/portal/firms/${f._id}`),
      ];
      for (const url of more) {
        const res = await agents[url.startsWith('/portal') ? 'investor' : 'staff']
          .get(url)
          .set('Accept-Language', lang);
        if (res.status !== 200) problems.push(`${url}: status ${res.status}`);
        const text = visibleText(res.text);
        for (const p of problemsOf(text, lang, words, visibleText(res.text, false)))
          problems.push(`${url}: ${p} ${context(text, p)}`);
      }
      // An import's pages: the mapping step (an unknown column), the preview (a new firm, a changed one, a row with
      // errors) and the result after applying the valid rows, from a Korean spreadsheet.
      const changed = await makeFirm({ nameKo: '바뀜기업', nameEn: 'Changed Corp', brn: nextBrn(), stage: 'seed' });
      const rows = [
        ['기업명', '사업자등록번호', '분야', '단계'],
        ['새기업', nextBrn(), '디지털자산', '시드'],
        ['바뀜기업', changed.brn!, '지급결제', '프리 시리즈 A'],
        ['오류기업', '123-45-67890', '우주항공', '시드'],
      ];
      const csv = (extra: boolean) =>
        rows.map((r, i) => [...r, ...(extra ? [i ? '메모' : '담당자 메모'] : [])].join(',')).join('\n');
      const importPages: { url: string; html: string }[] = [];
      const mapping = await uploadCsv(staff, 'firms', csv(true), 'mapping.csv', lang);
      importPages.push({ url: 'mapping step', html: mapping.text });
      const preview = await uploadCsv(staff, 'firms', csv(false), 'preview.csv', lang);
      importPages.push({ url: 'preview', html: preview.text });
      const batchId = /\/firms\/import\/([0-9a-f]{24})\/apply/.exec(preview.text)?.[1];
      expect(batchId, 'the preview offers to apply').to.be.a('string');
      await staff
        .post(`/firms/import/${batchId}/apply`)
        .type('form')
        .send({ _csrf: await staff.csrf(), skipErrors: 'true' });
      const result = await staff.get(`/firms/import/${batchId}`).set('Accept-Language', lang);
      importPages.push({ url: 'result', html: result.text });
      for (const { url, html } of importPages) {
        const text = visibleText(html);
        for (const p of problemsOf(text, lang, words, visibleText(html, false)))
          problems.push(`import ${url}: ${p} ${context(text, p)}`);
      }

      // Home as each role (an investor's is the portal, a viewer's the reports).
      for (const who of ['admin', 'investor'] as const) {
        const res = await agents[who].get('/').redirects(1).set('Accept-Language', lang);
        const text = visibleText(res.text);
        for (const p of problemsOf(text, lang, words)) problems.push(`/ as ${who}: ${p} ${context(text, p)}`);
      }
      expect(problems.join('\n')).to.equal('');
      expect(unvisited, 'GET routes this test does not know how to open: fill their parameters').to.deep.equal([]);
      expect(visited).to.be.greaterThan(30);
    });
  }

  it('when the pages seen in issue 11 are opened in Korean, then they read in words: names, labels, won, sentences', async () => {
    const staff = await loginAs(t.app, 'staff', { name: '이운영' });
    const admin = await loginAs(t.app, 'admin', { name: '박관리' });
    const org = await makeInvestorOrg({ nameKo: '포털투자', nameEn: 'Portal Invest' });
    const fx = await makeFixture({ staff, admin }, String(org._id));
    const firmPage = visibleText((await staff.get(`/firms/${fx.firm._id}`).set('Accept-Language', 'ko')).text);
    expect(firmPage).to.contain('참여 투자사: — → 가람투자0 3억원 (리드)');
    const log = visibleText((await admin.get('/audit').set('Accept-Language', 'ko')).text);
    expect(log).to.contain('단계: 시드 → 프리 시리즈 A');
    expect(log).to.contain('투자 기관: 삭제된 기록 → 가람투자0');
    expect(log).to.contain('TIPS 운영사: — → 가람투자8');
    expect(log).to.contain('가져오기: 스타트업 · 기업.csv');
    expect(log).to.contain('새 기록 4건, 수정 1건, 변경 없음 0건');
    expect(log).to.contain('투자 라운드: 나래기업0 · 시리즈 A');
    expect(log).to.contain('참여 투자사: BNK Venture Capital 3억원 (리드) → —');
    expect(log).to.not.match(/버전/);
    // Reached from a firm's page, the log names its record and asks nobody for an id.
    const narrowed = await admin.get(`/audit?entityId=${fx.firm._id}`).set('Accept-Language', 'ko');
    expect(visibleText(narrowed.text)).to.contain('대상: 나래기업0');
    expect(narrowed.text).to.not.match(
      /<input[^>]*name="entityId"[^>]*type="text"|<input(?![^>]*type="hidden")[^>]*name="entityId"/,
    );
  });

  for (const lang of ['ko', 'en'] as Lang[]) {
    it(`when two people save the same coded field of a record in ${lang === 'ko' ? 'Korean' : 'English'}, then the conflict names the values by their labels`, async () => {
      const firm = await makeFirm({ nameKo: '다온기업', nameEn: 'Daon Corp' });
      const investor = await makeInvestorOrg({ nameKo: '라온투자', nameEn: 'Raon Invest', type: 'vc' });
      const staffA = await loginAs(t.app, 'staff', { name: '가운영' });
      const { round } = await createRound(
        String(firm._id),
        roundBody.parse({ stage: 'seed', instrument: 'rcps', status: 'planned', amountKrw: '100000000' }),
        { id: staffA.userId, email: staffA.email },
      );
      const person = await PersonModel.create({ name: '문인물', firms: [{ firm: firm._id, role: 'founder' }] });
      const user = await makeUser({ role: 'staff', name: '정사용' });
      const cases = [
        { who: 'staff', path: `/firms/${firm._id}`, field: 'stage', first: 'seed', second: 'pre-a' },
        {
          who: 'staff',
          path: `/firms/${firm._id}/rounds/${round._id}`,
          field: 'stage',
          first: 'series-a',
          second: 'bridge',
        },
        { who: 'staff', path: `/investors/${investor._id}`, field: 'type', first: 'cvc', second: 'angel-network' },
        {
          who: 'staff',
          path: `/firms/${firm._id}/people/${person._id}`,
          field: 'title',
          first: '대표',
          second: '이사',
        },
        { who: 'admin', path: `/admin/users/${user._id}`, field: 'role', first: 'viewer', second: 'admin' },
      ] as const;
      for (const c of cases) {
        const first = await loginAs(t.app, c.who, { name: '첫사람' });
        const second = await loginAs(t.app, c.who, { name: '둘사람' });
        const formA = loadedForm((await first.get(`${c.path}/edit`)).text);
        const formB = loadedForm((await second.get(`${c.path}/edit`)).text);
        const save = async (agent: Agent, form: Record<string, unknown>, value: string) =>
          agent
            .post(c.path)
            .set('Accept-Language', lang)
            .type('form')
            .send(formBody({ ...form, [c.field]: value, _csrf: await agent.csrf() }));
        expect((await save(first, formA, c.first)).status, c.path).to.equal(302);
        const late = await save(second, formB, c.second);
        expect(late.status, c.path).to.equal(409);
        const text = visibleText(late.text);
        expect(problemsOf(text, lang, words, visibleText(late.text, false)), c.path).to.deep.equal([]);
        const row = clashRow(late.text, c.field) ?? '';
        if (c.field !== 'title') expect(row, c.path).to.not.contain(c.first).and.not.contain(c.second);
      }
    });
  }
});
