import { expect } from 'chai';
import type { Types } from 'mongoose';
import { parse } from 'csv-parse/sync';
import { useTestApp, agentOf, loginAs, csrfFrom, type Agent } from '../helpers/app.js';
import { download } from '../helpers/download.js';
import { makeInvestorOrg } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { TargetModel } from '../../models/target.model.js';
import { ApiTokenModel } from '../../models/api-token.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { PersonModel } from '../../models/person.model.js';
import { NoteModel } from '../../models/note.model.js';
import type { FirmStatus, RoundStage, Sector } from '../../models/enums.js';
import { createFirm, changeStatus } from '../../server/firms/firms.service.js';
import { createFirmBody } from '../../server/firms/firms.schemas.js';
import { createRound } from '../../server/rounds/rounds.service.js';
import { roundBody } from '../../server/rounds/rounds.schemas.js';
import { refreshReportMonths } from '../../server/reports/index.js';
import { brnWithCheckDigit, searchTokensOf, sortNameKoOf, sortNameOf } from '../../server/firms/firm-rules.js';
import { seoulToday } from '../../server/lib/dates.js';
import { formatKrwEn } from '../../server/lib/money.js';
import { CHART_NAMES } from '../../server/reports/report-tables.js';
import { malformedTags } from '../helpers/svg.js';
import { captureCommands } from '../helpers/commands.js';

let brn = 0;
// A firm with a status history written as it stood on those days (what the services would have recorded over time),
// then its part of the monthly summaries refreshed as every write does.
async function firmWith(
  nameEn: string,
  history: [FirmStatus, string][],
  over: { sector?: Sector; headcount?: number } = {},
) {
  brn += 1;
  const base = { nameEn, nameKo: `${nameEn} 한글`, brn: brnWithCheckDigit(String(555_000_000 + brn)) };
  const at = new Date();
  const firm = await FirmModel.create({
    ...base,
    sortName: sortNameOf(base),
    sortNameKo: sortNameKoOf(base),
    searchTokens: searchTokensOf(base),
    sectorPrimary: over.sector ?? 'payments',
    headcount: over.headcount ?? 5,
    status: history.at(-1)![0],
    statusHistory: history.map(([status, on]) => ({ status, on, at })),
    lastActivityAt: at,
  });
  await refreshReportMonths(firm._id);
  return firm;
}

async function closedRound(firmId: Types.ObjectId, stage: RoundStage, amountKrw: number, closedOn: string) {
  await FundingRoundModel.create({ firm: firmId, stage, instrument: 'rcps', amountKrw, closedOn, status: 'closed' });
  await refreshReportMonths(String(firmId));
}

// A ₩400M seed round of the firm closed today, through the rounds service (its summaries refreshed as every write does).
async function closeSeedRoundToday(firmId: Types.ObjectId, actor: { id: string; email: string }) {
  await createRound(
    String(firmId),
    roundBody.parse({ stage: 'seed', instrument: 'safe', status: 'closed', amountKrw: '4억', closedOn: seoulToday() }),
    actor,
  );
}

// The cohort of the tests: resident firms from 2024 to 2025, one leaving, rounds closed while resident and after leaving.
async function cohort() {
  await TargetModel.create([
    {
      nameEn: 'Resident firms 2 → 10',
      nameKo: '입주 기업',
      metric: 'resident-firms',
      baseline: { value: 2, on: '2024-12-31' },
      target: { value: 10, on: '2026-12-31' },
      order: 1,
    },
    {
      nameEn: 'Capital raised',
      nameKo: '투자 유치',
      metric: 'capital-raised-resident',
      baseline: { value: 0, on: '2024-12-31' },
      target: { value: 5_000_000_000, on: '2026-12-31' },
      order: 2,
    },
    {
      nameEn: 'TIPS selections',
      nameKo: 'TIPS 선정',
      metric: 'tips-selections',
      baseline: { value: 0, on: '2024-12-31' },
      target: { value: 5, on: '2026-12-31' },
      order: 3,
    },
  ]);
  const a = await firmWith(
    'Alpha Pay',
    [
      ['applicant', '2024-01-10'],
      ['resident', '2024-03-01'],
    ],
    { headcount: 10 },
  );
  const b = await firmWith(
    'Beta Chain',
    [
      ['applicant', '2024-05-01'],
      ['resident', '2024-06-15'],
      ['graduated', '2025-09-30'],
    ],
    { sector: 'digital-assets', headcount: 7 },
  );
  const c = await firmWith(
    'Gamma Lend',
    [
      ['applicant', '2025-01-05'],
      ['resident', '2025-02-10'],
    ],
    { sector: 'lending', headcount: 3 },
  );
  const d = await firmWith(
    'Delta Insure',
    [
      ['applicant', '2025-06-01'],
      ['resident', '2025-07-01'],
    ],
    { sector: 'insurtech', headcount: 4 },
  );
  await firmWith('Epsilon Apply', [['applicant', '2025-03-01']]);
  await closedRound(c._id, 'seed', 300_000_000, '2025-05-20');
  await closedRound(a._id, 'pre-a', 1_000_000_000, '2025-08-01');
  // Closed after Beta left: not raised by a resident firm.
  await closedRound(b._id, 'seed', 200_000_000, '2025-10-15');
  return { a, b, c, d };
}

type Json = { asOf: string; columns: { key: string }[]; rows: Record<string, string | number | null>[] };
type ApiError = { error: string; message: string };
const api = async (agent: Agent, path: string) =>
  (await agent.get(path).set('Accept', 'application/json')).body as Json;
const targetRow = (json: Json, metric: string) => json.rows.find((r) => r.metric === metric)!;

// The cells of one report table on a page, as text.
function pageTable(html: string, name: string): string[][] {
  const m = new RegExp(`<table class="report-table" id="table-${name}">([\\s\\S]*?)</table>`).exec(html);
  if (!m) throw new Error(`no table ${name} on the page`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(m[1]!)![1]!;
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) =>
      c[1]!
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .trim(),
    ),
  );
}

describe('reports: targets, figures as of a day, charts, CSV and the API', () => {
  const t = useTestApp();
  let staff: Agent & { userId: string; email: string };

  beforeEach(async () => {
    staff = await loginAs(t.app, 'staff');
  });

  describe('figures as of a day', () => {
    it("when the firms and rounds change later, then the figures of past days read the same, and today's move", async () => {
      const { c, d } = await cohort();
      const before = {
        mid2025: await api(staff, '/api/v1/reports/targets?as_of=2025-06-30'),
        end2025: await api(staff, '/api/v1/reports/targets?as_of=2025-12-31'),
        page: pageTable((await staff.get('/reports?as_of=2025-12-31').set('Accept-Language', 'en')).text, 'residents'),
      };
      expect(targetRow(before.mid2025, 'resident-firms').value).to.equal(3);
      expect(targetRow(before.mid2025, 'capital-raised-resident').value).to.equal(300_000_000);
      expect(targetRow(before.end2025, 'resident-firms').value).to.equal(3);
      expect(targetRow(before.end2025, 'capital-raised-resident').value).to.equal(1_300_000_000);

      // Later: Gamma leaves today, a new resident arrives today, Delta closes a round today.
      const actor = { id: staff.userId, email: staff.email };
      await changeStatus(String(c._id), { status: 'graduated', on: seoulToday() }, actor);
      await createFirm(
        createFirmBody.parse({ nameEn: 'Zeta New', sectorPrimary: 'regtech', status: 'resident' }),
        actor,
      );
      await closeSeedRoundToday(d._id, actor);

      expect(await api(staff, '/api/v1/reports/targets?as_of=2025-06-30')).to.deep.equal(before.mid2025);
      expect(await api(staff, '/api/v1/reports/targets?as_of=2025-12-31')).to.deep.equal(before.end2025);
      expect(
        pageTable((await staff.get('/reports?as_of=2025-12-31').set('Accept-Language', 'en')).text, 'residents'),
      ).to.deep.equal(before.page);
      const now = await api(staff, '/api/v1/reports/targets');
      expect(now.asOf).to.equal(seoulToday());
      // A, D and Zeta are resident today; C graduated today and still counts on its last day.
      expect(targetRow(now, 'resident-firms').value).to.equal(4);
      expect(targetRow(now, 'capital-raised-resident').value).to.equal(1_700_000_000);
    });

    it('when the report of a day is read again, then its tables are one read by _id, the same page, and a round closed since or a target edited shows at once', async () => {
      const { d } = await cohort();
      const page = async () => (await staff.get('/reports').set('Accept-Language', 'en')).text;
      const fresh = await page();
      const { commands } = await captureCommands(() => staff.get('/reports').set('Accept-Language', 'en'));
      const read = commands.filter((c) => !['sessions', 'users'].includes(c.collection ?? ''));
      expect(read.map((c) => c.collection)).to.deep.equal(['targets', 'computed']);
      expect(await page(), 'the kept tables show the same page').to.equal(fresh);
      const valueOf = (html: string, target: string) => pageTable(html, 'targets').find((r) => r[0] === target)![6];
      expect(valueOf(fresh, 'Capital raised')).to.equal('₩1.3B');

      const actor = { id: staff.userId, email: staff.email };
      await closeSeedRoundToday(d._id, actor);
      expect(valueOf(await page(), 'Capital raised')).to.equal('₩1.7B');
      await TargetModel.updateOne({ metric: 'tips-selections' }, { $set: { nameEn: 'TIPS picks' } });
      expect(pageTable(await page(), 'targets').map((r) => r[0])).to.include('TIPS picks');
      // The summaries mark the kept tables themselves: a firm written outside the models (no mark of its own), then its
      // summaries refreshed, shows too.
      expect(valueOf(await page(), 'Resident firms 2 → 10')).to.equal('3');
      const at = new Date();
      await FirmModel.collection.updateOne(
        { _id: d._id },
        {
          $set: {
            status: 'graduated',
            statusHistory: [
              { status: 'applicant', on: '2025-06-01', at },
              { status: 'resident', on: '2025-07-01', at },
              { status: 'graduated', on: '2026-01-31', at },
            ],
          },
        },
      );
      await refreshReportMonths(String(d._id));
      expect(valueOf(await page(), 'Resident firms 2 → 10')).to.equal('2');
    });

    it("when staff have opened the report of a day, then a viewer is shown the same day with the links a viewer may follow, not the registry's", async () => {
      await cohort();
      const ofStaff = (await staff.get('/reports').set('Accept-Language', 'en')).text;
      expect(ofStaff).to.contain('href="/firms?status=resident"');
      const viewer = await loginAs(t.app, 'viewer');
      const ofViewer = (await viewer.get('/reports').set('Accept-Language', 'en')).text;
      expect(ofViewer).to.not.contain('href="/firms?');
      expect(ofViewer).to.contain('/reports/quarterly?as_of=');
      expect(pageTable(ofViewer, 'targets')).to.deep.equal(pageTable(ofStaff, 'targets'));
    });

    it('when the dashboard is asked for a day, then each target shows its value, progress, the pace needed against the pace achieved, and a projection', async () => {
      await cohort();
      const page = await staff.get('/reports?as_of=2025-12-31').set('Accept-Language', 'en');
      expect(page.status).to.equal(200);
      const rows = pageTable(page.text, 'targets');
      const resident = rows.find((r) => r[0] === 'Resident firms 2 → 10')!;
      // value 3 of 2 → 10: 12.5 %; needed (10 − 3) / 12 months; achieved over 6 months (3 − 3) / 6 and 12 months (3 − 2) / 12.
      expect(resident.slice(6, 11)).to.deep.equal(['3', '12.5%', '0.58', '0', '0.08']);
      // At one firm a year, seven more firms take 84 months.
      expect(resident[11]).to.equal('31 Dec 2032');
      expect(page.text).to.contain('Reached around 31 Dec 2032 at the last 12 months&#39; pace');
      const tips = rows.find((r) => r[0] === 'TIPS selections')!;
      expect(tips[11]).to.equal('Not on the current pace');
      expect(page.text).to.contain('How this is counted');
      // Korean too.
      const ko = await staff.get('/reports?as_of=2025-12-31').set('Accept-Language', 'ko');
      expect(ko.text).to.contain('현재 속도로는 달성하지 못함');
      expect(ko.text).to.contain('입주 기업 수');
    });
  });

  describe('the same numbers on the page, in CSV and in JSON', () => {
    it("when a table is downloaded as CSV or read from the API, then its numbers are the page's", async () => {
      await cohort();
      const page = (await staff.get('/reports?as_of=2025-12-31').set('Accept-Language', 'en')).text;
      for (const name of ['moves', 'residents', 'capital', 'sectors', 'tips', 'targets']) {
        const json = await api(staff, `/api/v1/reports/${name}?as_of=2025-12-31&lang=en`);
        const file = await download(staff, `/reports/${name}.csv?as_of=2025-12-31&lang=en`);
        expect(file.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
        expect([...file.body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
        const csv = parse(file.body.toString('utf8'), { bom: true });
        expect(csv.length - 1, name).to.equal(json.rows.length);
        expect(pageTable(page, name).length, name).to.equal(json.rows.length);
        json.rows.forEach((row, i) => {
          json.columns.forEach((col, j) => {
            const v = row[col.key];
            if (typeof v === 'number') expect(Number(csv[i + 1]?.[j]), `${name} ${col.key}`).to.equal(v);
          });
        });
      }
      // Moves: plain counts, the same cells on the page.
      const moves = await api(staff, '/api/v1/reports/moves?as_of=2025-12-31&lang=en');
      const pageMoves = pageTable(page, 'moves');
      expect(moves.rows.map((r) => [r.admissions, r.departures, r.net].map(String))).to.deep.equal(
        pageMoves.map((r) => r.slice(1)),
      );
      expect(pageMoves.map((r) => r[0])).to.include('Q3 2025');
      // Capital: won in won in CSV and JSON, the same amount on the page.
      const capital = await api(staff, '/api/v1/reports/capital?as_of=2025-12-31&lang=en');
      const q3 = capital.rows.find((r) => r.quarter === '2025-Q3')!;
      expect(q3.total).to.equal(1_000_000_000);
      expect(
        pageTable(page, 'capital')
          .find((r) => r[0] === 'Q3 2025')!
          .at(-1),
      ).to.equal(formatKrwEn(1_000_000_000));
      // Text cells are quoted in the CSV.
      const raw = (await download(staff, '/reports/sectors.csv?as_of=2025-12-31&lang=en')).body.toString('utf8');
      expect(raw).to.contain('"Payments"');
    });
  });

  describe('charts', () => {
    it('when a chart is asked for, then it is an SVG image without any script, drawn in the language asked', async () => {
      await cohort();
      // An SVG answer read as text (supertest parses only what it knows).
      const svgOf = (path: string) =>
        staff
          .get(path)
          .buffer(true)
          .parse((r, cb) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => (text += c));
            r.on('end', () => cb(null, text));
          });
      for (const name of CHART_NAMES) {
        const res = await svgOf(`/reports/charts/${name}.svg?as_of=2025-12-31&lang=en`);
        expect(res.status, name).to.equal(200);
        expect(res.headers['content-type'], name).to.match(/^image\/svg\+xml/);
        const svg = res.body as string;
        expect(svg, name).to.match(/^<svg/);
        expect(svg.toLowerCase(), name).to.not.contain('<script');
        expect(svg, name).to.not.match(/\son[a-z]+=/i);
        expect(malformedTags(svg), name).to.deep.equal([]);
      }
      const moves = await svgOf('/reports/charts/moves.svg?as_of=2025-12-31&lang=ko');
      expect(moves.body as string).to.contain('입주');
      // The months of the residents chart read as months in the page language, never as 2025-12.
      const residents = async (lang: string) =>
        (await svgOf(`/reports/charts/residents.svg?as_of=2025-12-31&lang=${lang}`)).body as string;
      const [ko, en] = [await residents('ko'), await residents('en')];
      expect(ko).to.contain('2025년 12월').and.not.contain('2025-12');
      expect(en).to.contain('Dec 2025').and.not.contain('2025-12');
      // A phone gets each chart drawn narrow (its text at a size it can read), through <picture> without JavaScript.
      const narrow = await staff.get('/reports/charts/residents.svg?as_of=2025-12-31&size=narrow').buffer(true);
      expect(narrow.status).to.equal(200);
      expect(String(narrow.body)).to.match(/^<svg[^>]* width="400"/);
      const page = await staff.get('/reports?as_of=2025-12-31');
      expect(page.text).to.contain(
        '<source media="(max-width: 40em)" srcset="/reports/charts/residents.svg?as_of=2025-12-31&amp;lang=ko&amp;size=narrow"',
      );
    });

    it('when the page shows a chart, then the image is served from the app and the figure links to its list', async () => {
      await cohort();
      const page = (await staff.get('/reports?as_of=2025-12-31').set('Accept-Language', 'en')).text;
      expect(page).to.contain('<img src="/reports/charts/residents.svg?as_of=2025-12-31&amp;lang=en"');
      expect(page).to.contain('<a href="/firms?status=resident"><picture><source');
      expect(page).to.contain('href="/firms?status=resident&amp;sector=lending"');
    });
  });

  describe('who may read the reports', () => {
    it("when a viewer signs in, then their home is the reports, and they see the figures and the cohort list but no one's contact details or notes", async () => {
      const { c } = await cohort();
      await PersonModel.create({
        name: 'Kim Founder',
        email: 'founder@gamma.example',
        phone: '010-1234-5678',
        firms: [{ firm: c._id, role: 'founder' }],
      });
      await NoteModel.create({ firm: c._id, body: 'Confidential staff note', byEmail: 'staff@x.example' });
      const viewer = await loginAs(t.app, 'viewer');
      const home = await viewer.get('/');
      expect(home.status).to.equal(302);
      expect(home.headers.location).to.equal('/reports');
      const page = await viewer.get('/reports?as_of=2025-12-31').set('Accept-Language', 'en');
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('href="/reports"');
      // Viewers do not see the registry: their figures of firms link to the cohort list of the printable report; a figure
      // with no list a viewer may open (capital raised by quarter) has no "list behind it" link, only its table and CSV.
      expect(page.text).to.not.contain('href="/firms');
      const figure = (name: string) =>
        page.text.slice(
          page.text.indexOf(`id="${name}"`),
          page.text.indexOf('</figure>', page.text.indexOf(`id="${name}"`)),
        );
      expect(figure('residents'))
        .to.contain('href="/reports/quarterly?as_of=2025-12-31#cohort"')
        .and.contain('See the list behind it.');
      expect(figure('capital')).to.not.contain('See the list behind it.').and.not.contain('<a ');
      const quarterly = await viewer.get('/reports/quarterly?as_of=2025-12-31').set('Accept-Language', 'en');
      expect(quarterly.status).to.equal(200);
      // The A4 report gives each target as a card; the fourteen-column targets table (wider than the page) stays on
      // the reports page and in its CSV.
      expect(quarterly.text).to.contain('class="card target-card"').and.not.contain('id="table-targets"');
      expect(page.text).to.contain('id="table-targets"');
      expect(pageTable(quarterly.text, 'cohort').map((r) => r[0])).to.deep.equal([
        'Alpha Pay',
        'Delta Insure',
        'Gamma Lend',
      ]);
      const cohortJson = await api(viewer, '/api/v1/reports/cohort?as_of=2025-12-31');
      expect(Object.keys(cohortJson.rows[0] ?? {}).sort()).to.deep.equal([
        'name',
        'raisedKrw',
        'rounds',
        'sector',
        'stage',
        'status',
      ]);
      for (const text of [
        quarterly.text,
        page.text,
        JSON.stringify(cohortJson),
        (await download(viewer, '/reports/cohort.csv?as_of=2025-12-31')).body.toString('utf8'),
      ]) {
        expect(text).to.not.contain('founder@gamma.example');
        expect(text).to.not.contain('010-1234-5678');
        expect(text).to.not.contain('Confidential staff note');
      }
      expect((await viewer.get('/firms')).status).to.equal(403);
    });

    it('when an investor asks for a report page, file, chart or the API, then it is refused (403)', async () => {
      const org = await makeInvestorOrg();
      const investor = await loginAs(t.app, 'investor', { investorOrg: String(org._id) });
      for (const path of [
        '/reports',
        '/reports/quarterly',
        '/reports/targets.csv',
        '/reports/charts/residents.svg',
        '/api/v1/reports/targets',
      ]) {
        expect((await investor.get(path).set('Accept', 'text/html')).status, path).to.equal(403);
      }
      const nav = (await investor.get('/account/password')).text;
      expect(nav).to.not.contain('href="/reports"');
    });

    it('when the API is called without credentials or with an unknown token, then it answers 401 in JSON', async () => {
      const anonymous = await agentOf(t.app).get('/api/v1/reports/targets');
      expect(anonymous.status).to.equal(401);
      expect(anonymous.headers['www-authenticate']).to.equal('Bearer');
      expect(anonymous.body).to.include({ error: 'unauthorized' });
      const unknown = await agentOf(t.app)
        .get('/api/v1/reports/targets')
        .set('Authorization', 'Bearer tt_not-a-real-token');
      expect(unknown.status).to.equal(401);
      expect(unknown.body).to.include({ error: 'invalid_token' });
    });
  });

  describe('API tokens', () => {
    it('when an admin issues a token, then it is shown once, stored hashed, works as a bearer token with its last use recorded, and once revoked answers 401', async () => {
      await cohort();
      const admin = await loginAs(t.app, 'admin');
      const issued = await admin
        .post('/admin/tokens')
        .type('form')
        .send({ _csrf: await admin.csrf(), name: 'City dashboard' });
      expect(issued.status).to.equal(200);
      expect(issued.headers['cache-control']).to.equal('no-store');
      const token = /<p class="token-once" id="new-token">([^<]+)<\/p>/.exec(issued.text)![1];
      expect(token).to.match(/^tt_[A-Za-z0-9_-]{43}$/);
      const stored = await ApiTokenModel.findOne({ name: 'City dashboard' }).lean();
      expect(JSON.stringify(stored)).to.not.contain(token);
      expect(stored!.hash).to.have.length(64);
      expect(stored!.lastUsedAt).to.equal(undefined);
      // The example call is to this app's own address (the one the admin is using), for today.
      const example = /<pre class="stack">curl -H "Authorization: Bearer [^"]+" "([^"]+)"<\/pre>/.exec(
        issued.text,
      )?.[1];
      expect(example).to.match(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/reports\/targets\?as_of=\d{4}-\d{2}-\d{2}$/);
      expect(example).to.contain(`as_of=${seoulToday()}`);
      // Never shown again.
      expect((await admin.get('/admin/tokens')).text).to.not.contain(token);

      const client = agentOf(t.app);
      const res = await client.get('/api/v1/reports/targets?as_of=2025-12-31').set('Authorization', `Bearer ${token}`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/json/);
      expect(targetRow(res.body as Json, 'resident-firms').value).to.equal(3);
      expect((await ApiTokenModel.findById(stored!._id).lean())!.lastUsedAt).to.be.instanceOf(Date);
      // A bad day is a 400 with the reason, in JSON.
      const bad = await client.get('/api/v1/reports/targets?as_of=2031-01-01').set('Authorization', `Bearer ${token}`);
      expect(bad.status).to.equal(400);
      expect(bad.body).to.include({ error: 'bad_as_of' });

      const page = await admin.get('/admin/tokens');
      const revoke = await admin
        .post(`/admin/tokens/${String(stored!._id)}/revoke`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      expect(revoke.status).to.equal(302);
      const after = await client.get('/api/v1/reports/targets').set('Authorization', `Bearer ${token}`);
      expect(after.status).to.equal(401);
      const audit = await AuditEntryModel.find({ entity: 'api-token', entityId: stored!._id }).sort({ at: 1 }).lean();
      expect(audit.map((e) => e.action)).to.deep.equal(['create', 'status']);
      expect(JSON.stringify(audit)).to.not.contain(token);
    });

    it('when staff try to issue or revoke tokens, then they are refused', async () => {
      const res = await staff
        .post('/admin/tokens')
        .type('form')
        .send({ _csrf: await staff.csrf(), name: 'Mine' });
      expect(res.status).to.equal(403);
      expect(await ApiTokenModel.countDocuments()).to.equal(0);
    });
  });

  describe('a day that cannot be reported on', () => {
    for (const [what, asOf, message] of [
      ['not a real date', '2025-02-30', 'The date is not valid'],
      ['in the future', '2099-01-01', 'The date is in the future'],
      ['before the earliest baseline', '2024-06-30', 'before the first target'],
    ] as const) {
      it(`when ?as_of= is ${what}, then the page explains it (400) and the file, chart and API refuse it`, async () => {
        await cohort();
        const page = await staff.get(`/reports?as_of=${asOf}`).set('Accept-Language', 'en');
        expect(page.status).to.equal(400);
        expect(page.text).to.contain(message);
        expect(page.text).to.contain('name="as_of"');
        expect(page.text).to.not.contain('id="table-targets"');
        const file = await staff.get(`/reports/targets.csv?as_of=${asOf}&lang=en`);
        expect(file.status).to.equal(400);
        expect(file.text).to.contain(message);
        expect((await staff.get(`/reports/charts/residents.svg?as_of=${asOf}`)).status).to.equal(400);
        const json = await staff.get(`/api/v1/reports/targets?as_of=${asOf}&lang=en`);
        expect(json.status).to.equal(400);
        expect((json.body as ApiError).message).to.contain(message);
      });
    }
  });

  describe('admin: targets', () => {
    const valid = {
      nameKo: '입주 기업 40개',
      nameEn: '40 resident firms',
      metric: 'resident-firms',
      baselineValue: '19',
      baselineOn: '2024-12-31',
      targetValue: '40',
      targetOn: '2027-06-30',
    };

    it('when a target is saved with its target date before the baseline, no positive value and a half milestone, then the form comes back (422) with each message and nothing is saved', async () => {
      const admin = await loginAs(t.app, 'admin');
      const res = await admin
        .post('/admin/targets')
        .set('Accept-Language', 'en')
        .type('form')
        .send({
          ...valid,
          _csrf: await admin.csrf(),
          targetOn: '2024-01-01',
          targetValue: '0',
          m1On: '2025-06-30',
          baselineOn: '2099-01-01',
        });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('The target date must be after the baseline date.');
      expect(res.text).to.contain('The target value must be greater than zero.');
      expect(res.text).to.contain('The baseline date cannot be in the future.');
      expect(res.text).to.contain('Give a milestone both a date and a value');
      // What was typed comes back.
      expect(res.text).to.contain('value="40 resident firms"');
      expect(await TargetModel.countDocuments()).to.equal(0);
      expect(await AuditEntryModel.countDocuments({ entity: 'target' })).to.equal(0);
    });

    it('when an admin creates and edits a target (amounts as people type them), then it is saved, audited and shown on the dashboard', async () => {
      const admin = await loginAs(t.app, 'admin');
      const created = await admin
        .post('/admin/targets')
        .type('form')
        .send({ ...valid, _csrf: await admin.csrf(), m1On: '2025-12-31', m1Value: '25' });
      expect(created.status).to.equal(302);
      const target = await TargetModel.findOne({ nameEn: '40 resident firms' }).lean();
      expect(target).to.deep.include({
        metric: 'resident-firms',
        baseline: { value: 19, on: '2024-12-31' },
        target: { value: 40, on: '2027-06-30' },
      });
      expect(target!.milestones).to.deep.equal([{ value: 25, on: '2025-12-31' }]);
      const form = await admin.get(`/admin/targets/${String(target!._id)}/edit`);
      const edited = await admin
        .post(`/admin/targets/${String(target!._id)}`)
        .type('form')
        .send({
          ...valid,
          _csrf: csrfFrom(form.text),
          _version: '0',
          metric: 'bifc-fund-capital',
          baselineValue: '1,400억',
          targetValue: '2,400억',
        });
      expect(edited.status).to.equal(302);
      const saved = await TargetModel.findById(target!._id).lean();
      expect(saved!.baseline.value).to.equal(140_000_000_000);
      expect(saved!.target.value).to.equal(240_000_000_000);
      expect(saved!.milestones).to.deep.equal([]);
      const audit = await AuditEntryModel.find({ entity: 'target' }).sort({ at: 1 }).lean();
      expect(audit.map((e) => e.action)).to.deep.equal(['create', 'update']);
      expect(audit[1]?.changes.map((c) => c.field)).to.include.members(['metric', 'baseline.value', 'target.value']);
      const dashboard = await admin.get('/reports').set('Accept-Language', 'en');
      expect(dashboard.text).to.contain('40 resident firms');
      expect(dashboard.text).to.contain('BIFC startup fund capital');
    });
  });
});

describe('reports API rate limit', () => {
  const t = useTestApp({ API_RATE_LIMIT: '3' });

  it('when a token makes more requests in a minute than allowed, then the extra ones get 429 with Retry-After', async () => {
    const admin = await loginAs(t.app, 'admin');
    const issued = await admin
      .post('/admin/tokens')
      .type('form')
      .send({ _csrf: await admin.csrf(), name: 'Busy client' });
    const token = /<p class="token-once" id="new-token">([^<]+)<\/p>/.exec(issued.text)![1];
    const client = agentOf(t.app);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof client.get>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await client.get('/api/v1/reports/residents').set('Authorization', `Bearer ${token}`);
      statuses.push(last.status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    expect(Number(last!.headers['retry-after'])).to.be.within(1, 60);
    // Another caller has its own allowance.
    expect((await admin.get('/api/v1/reports/residents')).status).to.equal(200);
  });
});
