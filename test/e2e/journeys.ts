import { readFile } from 'node:fs/promises';
import mongoose from 'mongoose';
import { expect } from 'chai';
import type { TFunction } from 'i18next';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { UserModel } from '../../models/user.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { createI18n } from '../../server/lib/i18n.js';
import { nameKeyOf } from '../../server/investors/index.js';
import { currentDatabaseUri } from '../helpers/root-hooks.js';
import {
  AccessibilityLog,
  DEVICES,
  SCREENSHOT_DIR,
  Screenshots,
  browserMissing,
  buildAppOnce,
  launchBrowser,
  startBuiltApp,
  type BuiltApp,
  type Lang,
} from './harness.js';

// The journeys of a new user, in a real browser against the built app (production mode, its own throw-away database):
// each in Korean on a 390 px phone and in English on a 1280 px desktop, with axe-core on every page passed and
// screenshots at the key steps.

const PASSWORD = 'e2e correct horse battery';
const STAFF = { email: 'staff@e2e.example', name: '김스태프' };
const ADMIN = { email: 'admin@e2e.example', name: '관리자' };
const INVESTORS = [
  { nameKo: '부산벤처스', nameEn: 'Busan Ventures' },
  { nameKo: '해운대파트너스', nameEn: 'Haeundae Partners' },
  { nameKo: '광안캐피탈', nameEn: 'Gwangan Capital' },
  { nameKo: '동백인베스트', nameEn: 'Dongbaek Invest' },
  { nameKo: '영도엔젤클럽', nameEn: 'Yeongdo Angels' },
];

// Per language, distinct data so the two journeys never meet (registration numbers from different ranges).
// The import file is Korean in both: headers and values as a Korean user types them in Excel.
type ImportRow = { nameKo: string; nameEn: string; sector: string; founded: string; stage: string; memo: string };
const DATA: Record<
  Lang,
  { firm: { nameKo: string; nameEn: string; brnBase: string }; importBase: number; imports: ImportRow[] }
> = {
  ko: {
    firm: { nameKo: '블록체인랩', nameEn: 'Blockchain Lab', brnBase: '617810001' },
    importBase: 617820000,
    imports: [
      {
        nameKo: '부산페이',
        nameEn: 'Busan Pay',
        sector: '디지털자산',
        founded: '2021-05-10',
        stage: '시드',
        memo: '첫 미팅 좋음',
      },
      {
        nameKo: '해운대체인',
        nameEn: 'Haeundae Chain',
        sector: '지급결제',
        founded: '2022-11-01',
        stage: '프리시드',
        memo: '',
      },
    ],
  },
  en: {
    firm: { nameKo: '페이플로우', nameEn: 'Payflow', brnBase: '617830001' },
    importBase: 617840000,
    imports: [
      {
        nameKo: '광안페이',
        nameEn: 'Gwangan Pay',
        sector: '디지털자산',
        founded: '2020-01-15',
        stage: '시드',
        memo: '첫 미팅 좋음',
      },
      {
        nameKo: '서면체인',
        nameEn: 'Seomyeon Chain',
        sector: '지급결제',
        founded: '2019-07-01',
        stage: '시리즈 A',
        memo: '',
      },
    ],
  },
};

const digitsOnly = (s: string) => s.replace(/\D/g, '');
const dashed = (digits: string) => `${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`;
// The same number with a wrong check digit.
const badBrn = (brn: string) => {
  const digits = digitsOnly(brn);
  return digits.slice(0, 9) + String((Number(digits[9]) + 1) % 10);
};

// One language's journeys, with its own app, browser and database: the two languages are two test files, which a
// parallel run (npm test) runs side by side.
export function describeJourneys(lang: Lang): void {
  describe(`browser journeys (e2e), ${lang === 'ko' ? 'Korean, 390 px phone' : 'English, 1280 px desktop'}`, function () {
    this.timeout(120_000);
    let app: BuiltApp | undefined;
    let browser: Browser | undefined;
    let e2eDb: mongoose.Connection | undefined;
    const axe = new AccessibilityLog();
    let i18n: Awaited<ReturnType<typeof createI18n>>;

    before(async function () {
      const notice = browserMissing();
      if (notice) {
        console.log(notice);
        this.skip();
      }
      this.timeout(600_000);
      Screenshots.reset(lang);
      await buildAppOnce();
      // This run's database server, another database on it: the app's own, dropped afterwards.
      const testUri = currentDatabaseUri();
      if (!testUri) throw new Error('no test database: the root hooks did not start one');
      const dbName = `tipstown_e2e_${lang}_${process.pid}`;
      const uri = testUri
        .replace(/[?&]monitorCommands=true/, '')
        .replace(/\/([^/?]*)(\?|$)/, `/${dbName}$2`)
        .replace(/\?$/, '');
      e2eDb = mongoose.connection.useDb(dbName, { useCache: false });
      await seed(e2eDb);
      i18n = await createI18n();
      [app, browser] = await Promise.all([startBuiltApp(uri), launchBrowser()]);
    });

    after(async function () {
      this.timeout(60_000);
      await browser?.close();
      await app?.stop();
      await e2eDb?.dropDatabase();
      if (app) console.log(`[e2e] axe-core checked ${axe.pages.length} pages; screenshots: ${SCREENSHOT_DIR}`);
    });

    describe('journeys', function () {
      let context: BrowserContext;
      let page: Page;
      let t: TFunction;
      let shots: Screenshots;
      let firmUrl = '';
      const data = DATA[lang];
      const goodBrn = brnWithCheckDigit(data.firm.brnBase);

      // Visit (or arrive at) a page: wait for it, run axe on it.
      const visited = async (step: string) => {
        await page.waitForLoadState('load');
        await axe.check(page, `${lang} ${step}`);
      };

      before(async function () {
        if (!browser) return this.skip();
        t = i18n.getFixedT(lang);
        shots = new Screenshots(lang);
        context = await browser.newContext({ ...DEVICES[lang], baseURL: app!.baseUrl });
        context.setDefaultTimeout(15_000);
        page = await context.newPage();
      });

      // A failed step leaves its page as a screenshot, with its address in the report.
      afterEach(async function () {
        if (this.currentTest?.state !== 'failed' || !page) return;
        await shots.take(page, 'FAILED').catch(() => undefined);
        const log = app?.output().trim();
        if (log) console.log(`[e2e] the app's log (warnings and errors):\n${log.slice(-4000)}`);
        if (this.currentTest.err) this.currentTest.err.message += `\n    on ${page.url()}`;
      });

      after(async () => {
        await context?.close();
      });

      it('(a) when staff sign in and register a startup with a wrong registration number, then the form comes back with a summary, the error beside the field and the input kept; corrected, it saves', async () => {
        await signIn(page, t, STAFF.email);
        await visited('home');
        await navigateTo(page, t, t('nav.firms'));
        await visited('firm list');
        await page.getByRole('link', { name: t('firms.new') }).click();
        await visited('new firm form');

        await field(page, t('firms.fields.nameKo')).fill(data.firm.nameKo);
        await field(page, t('firms.fields.nameEn')).fill(data.firm.nameEn);
        await field(page, t('firms.fields.brn')).fill(dashed(badBrn(goodBrn)));
        await field(page, t('firms.fields.sectorPrimary')).selectOption({ label: t('enums.sectors.digital-assets') });
        await field(page, t('firms.fields.founded')).fill('2023-03-02');
        await page.getByRole('button', { name: t('common.save'), exact: true }).click();

        // The summary at the top names the field and takes the focus; the field keeps what was typed.
        const summary = page.locator('.error-summary');
        await summary.waitFor();
        expect(await summary.getByRole('heading').innerText()).to.equal(t('common.fixErrors'));
        const summaryLink = summary.getByRole('link', { name: new RegExp(t('firms.fields.brn')) });
        expect(await summaryLink.count()).to.equal(1);
        expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).to.equal(true);
        const brnField = field(page, t('firms.fields.brn'));
        expect(await brnField.inputValue()).to.equal(dashed(badBrn(goodBrn)));
        expect(await brnField.getAttribute('aria-invalid')).to.equal('true');
        expect(await field(page, t('firms.fields.nameKo')).inputValue()).to.equal(data.firm.nameKo);
        const fieldError = page.locator('.field.has-error .error');
        expect(await fieldError.count()).to.equal(1);
        await shots.take(page, 'firm-rejected');
        await visited('rejected firm form');

        // Following the summary's link lands on the field.
        await summaryLink.click();
        expect(await page.evaluate(() => location.hash)).to.equal('#f-brn');

        await brnField.fill(digitsOnly(goodBrn));
        await page.getByRole('button', { name: t('common.save'), exact: true }).click();
        await page.waitForURL(/\/firms\/[0-9a-f]{24}$/);
        firmUrl = new URL(page.url()).pathname;
        await page
          .getByRole('heading', { level: 1, name: new RegExp(lang === 'ko' ? data.firm.nameKo : data.firm.nameEn) })
          .waitFor();
        // The notice of the save is there (it was missing in about one run in five before the session was stored ahead
        // of the redirect; test/http/notice-after-redirect.test.ts).
        await page.locator('.flash-success', { hasText: t('firms.created') }).waitFor();
        await shots.take(page, 'firm-saved');
        await visited('firm page');

        const stored = await e2eDb!.model('Firm', FirmModel.schema).findOne({ brn: goodBrn }).lean();
        expect(stored?.nameKo).to.equal(data.firm.nameKo);
        expect(stored?.sectorPrimary).to.equal('digital-assets');
      });

      it('(b) when staff record a round with five participants, adding rows with the "add a participant" button, then the firm page lists all five', async () => {
        await page.goto(firmUrl);
        await page
          .locator('#rounds')
          .getByRole('link', { name: t('rounds.new') })
          .click();
        await visited('new round form');
        await field(page, t('rounds.fields.stage')).selectOption({ label: t('enums.stages.seed') });
        await field(page, t('rounds.fields.instrument')).selectOption({ label: t('enums.instruments.rcps') });
        await field(page, t('rounds.fields.amountKrw')).fill('1,500,000,000');
        await field(page, t('rounds.fields.closedOn')).fill('2025-06-30');

        const investorSelect = (i: number) =>
          page.getByLabel(`${t('rounds.fields.investor')} ${i + 1}`, { exact: true });
        const amount = (i: number) =>
          page.getByLabel(`${t('rounds.fields.participantAmount')} ${i + 1}`, { exact: true });
        let added = 0;
        for (const [i, inv] of INVESTORS.entries()) {
          if ((await investorSelect(i).count()) === 0) {
            await page.getByRole('button', { name: t('rounds.addParticipant') }).click();
            await investorSelect(i).waitFor();
            added += 1;
          }
          await investorSelect(i).selectOption({ label: lang === 'ko' ? inv.nameKo : inv.nameEn });
          await amount(i).fill('300,000,000');
          if (i === 0) await page.getByLabel(`${t('rounds.lead')} 1`, { exact: true }).check();
        }
        expect(added, 'rows added with the button').to.be.greaterThan(0);
        // What was chosen before adding rows is still there.
        expect(await amount(0).inputValue()).to.equal('300,000,000');
        await shots.take(page, 'round-five-participants');
        await visited('round form with five rows');

        await page
          .getByRole('button', { name: t('common.save'), exact: true })
          .last()
          .click();
        await page.waitForURL(new RegExp(`${firmUrl}(#rounds)?$`));
        await visited('firm page with round');
        const rounds = page.locator('#rounds');
        for (const inv of INVESTORS) {
          expect(await rounds.getByRole('link', { name: lang === 'ko' ? inv.nameKo : inv.nameEn }).count()).to.equal(1);
        }
        await shots.take(page, 'round-saved');

        const firm = await e2eDb!.model('Firm', FirmModel.schema).findOne({ brn: goodBrn }).lean();
        const round = await e2eDb!.model('FundingRound', FundingRoundModel.schema).findOne({ firm: firm!._id }).lean();
        expect(round?.participants).to.have.length(5);
        expect(round?.amountKrw).to.equal(1_500_000_000);
      });

      it('(c) when staff import a CSV with Korean headers and an unknown column, then the mapping step shows it ignored, and once applied the firms are listed', async () => {
        const rows = data.imports.map((r, i) => ({ ...r, brn: brnWithCheckDigit(String(data.importBase + i + 1)) }));
        const csv =
          '\uFEFF기업명,영문명,사업자등록번호,분야,설립일,단계,담당자 메모\r\n' +
          rows.map((r) => [r.nameKo, r.nameEn, r.brn, r.sector, r.founded, r.stage, r.memo].join(',')).join('\r\n') +
          '\r\n';
        await page.goto('/firms/import');
        await visited('import upload');
        await page.getByRole('radio', { name: t('imports.kinds.firms') }).check();
        await page.getByLabel(t('imports.file')).setInputFiles({
          name: `신규기업-${lang}.csv`,
          mimeType: 'text/csv',
          buffer: Buffer.from(csv, 'utf8'),
        });
        await page.getByRole('button', { name: t('imports.upload') }).click();

        // The mapping step: every column with samples; the unknown one ignored.
        await page.getByRole('heading', { level: 1, name: t('imports.mapping.title') }).waitFor();
        await shots.take(page, 'import-mapping');
        await visited('import mapping');
        const memo = page.getByLabel(`${t('imports.mapping.field')}: 담당자 메모`);
        expect(await memo.inputValue(), 'the unknown column is ignored').to.equal('');
        expect(await page.getByText('첫 미팅 좋음').count()).to.be.greaterThan(0);
        await page.getByRole('button', { name: t('imports.mapping.submit') }).click();

        await page.locator('[data-count="create"]').waitFor();
        expect(digitsOnly(await page.locator('[data-count="create"] .big').innerText())).to.equal('2');
        expect(digitsOnly(await page.locator('[data-count="error"] .big').innerText())).to.equal('0');
        expect(await page.getByText('담당자 메모').count(), 'the preview lists the ignored column').to.be.greaterThan(
          0,
        );
        await shots.take(page, 'import-preview');
        await visited('import preview');
        await page.getByRole('button', { name: t('imports.preview.apply') }).click();
        await page.getByRole('heading', { level: 1, name: t('imports.result.appliedTitle') }).waitFor();
        expect(
          await page.getByText(t('imports.result.appliedFlash', { create: 2, update: 0, unchanged: 0 })).count(),
        ).to.equal(1);
        await visited('import result');

        await page.goto('/firms');
        for (const r of rows) {
          await page
            .getByRole('link', { name: lang === 'ko' ? r.nameKo : r.nameEn })
            .first()
            .waitFor();
        }
        await shots.take(page, 'firms-after-import');
        const imported = await e2eDb!
          .model('Firm', FirmModel.schema)
          .find({ brn: { $in: rows.map((r) => r.brn) } })
          .lean<{ sectorPrimary: string }[]>();
        expect(imported.map((f) => f.sectorPrimary).sort()).to.deep.equal(['digital-assets', 'payments']);
      });

      it('(d) when staff export the firm list from the page and import the file again, then the preview says nothing changes', async () => {
        await page.goto('/firms');
        await visited('firm list before export');
        const downloading = page.waitForEvent('download');
        await page.getByRole('link', { name: t('firms.exportCsv'), exact: true }).click();
        const download = await downloading;
        const file = await download.path();
        const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
        const header = text.split(/\r?\n/, 1)[0];
        // The page's language: Korean headers from the Korean page, English from the English one.
        if (lang === 'ko') expect(header).to.match(/기업명/);
        else
          expect(header)
            .to.match(/Name/i)
            .and.not.match(/[가-힣]/);

        await page.goto('/firms/import');
        await page.getByRole('radio', { name: t('imports.kinds.firms') }).check();
        // The file as saved, under the name the app gave it.
        await page.getByLabel(t('imports.file')).setInputFiles({
          name: download.suggestedFilename(),
          mimeType: 'text/csv',
          buffer: await readFile(file),
        });
        await page.getByRole('button', { name: t('imports.upload') }).click();
        await page.locator('[data-count="unchanged"]').waitFor();
        await shots.take(page, 'reimport-preview');
        await visited('re-import preview');
        expect(digitsOnly(await page.locator('[data-count="create"] .big').innerText())).to.equal('0');
        expect(digitsOnly(await page.locator('[data-count="update"] .big').innerText())).to.equal('0');
        expect(digitsOnly(await page.locator('[data-count="error"] .big').innerText())).to.equal('0');
        const stored = await e2eDb!.model('Firm', FirmModel.schema).countDocuments();
        expect(Number(digitsOnly(await page.locator('[data-count="unchanged"] .big').innerText()))).to.equal(stored);
        expect(await page.getByText(t('imports.preview.nothingToDo')).count()).to.equal(1);
      });

      it('(e) when an admin creates a user, the invitee opens the link shown, sets a password and can sign in with it', async () => {
        const admin = await browser!.newContext({ ...DEVICES[lang], baseURL: app!.baseUrl });
        const invitee = await browser!.newContext({ ...DEVICES[lang], baseURL: app!.baseUrl });
        admin.setDefaultTimeout(15_000);
        invitee.setDefaultTimeout(15_000);
        try {
          const adminPage = await admin.newPage();
          await signIn(adminPage, t, ADMIN.email);
          await adminPage.goto('/admin/users');
          await axe.check(adminPage, `${lang} user list`);
          await adminPage.goto('/admin/users/new');
          await axe.check(adminPage, `${lang} new user form`);
          const email = `invitee-${lang}@e2e.example`;
          await field(adminPage, t('users.email')).fill(email);
          await field(adminPage, t('users.name')).fill(lang === 'ko' ? '박초대' : 'Invited Person');
          await field(adminPage, t('users.role')).selectOption({ label: t('enums.roles.staff') });
          await adminPage.getByRole('button', { name: t('common.save'), exact: true }).click();
          const linkField = adminPage.getByRole('textbox', { name: t('account.access.title') });
          await linkField.waitFor();
          await shots.take(adminPage, 'invitation-issued');
          await axe.check(adminPage, `${lang} user page with link`);
          const link = new URL(await linkField.inputValue());
          expect(link.pathname).to.match(/^\/account\/invite\/[^/]+$/);

          const page2 = await invitee.newPage();
          await page2.goto(link.pathname);
          await page2.getByRole('heading', { level: 1, name: t('account.invite.title') }).waitFor();
          await axe.check(page2, `${lang} set password`);
          await field(page2, t('account.newPassword')).fill('too short');
          await field(page2, t('account.confirmPassword')).fill('too short');
          await page2.getByRole('button', { name: t('account.setPassword.submit') }).click();
          await page2.locator('.has-error').first().waitFor();
          await axe.check(page2, `${lang} set password rejected`);
          await shots.take(page2, 'set-password-rejected');
          const chosen = 'my own long password 2026';
          await field(page2, t('account.newPassword')).fill(chosen);
          await field(page2, t('account.confirmPassword')).fill(chosen);
          await page2.getByRole('button', { name: t('account.setPassword.submit') }).click();
          await page2.waitForURL((u) => !u.pathname.startsWith('/account/'));
          // Signed in: the dashboard, with the notice that the password is set.
          await page2.getByRole('heading', { level: 1, name: t('home.title') }).waitFor();
          await page2.locator('.flash-success', { hasText: t('account.invite.done') }).waitFor();
          await shots.take(page2, 'invitation-accepted');
          await axe.check(page2, `${lang} signed in after invitation`);

          // Signed out, the new password signs in; the link does not work a second time.
          await openMenu(page2, t);
          await page2.getByRole('button', { name: t('nav.logout') }).click();
          await page2.waitForURL(/\/login/);
          await signIn(page2, t, email, chosen);
          await openMenu(page2, t);
          expect(await page2.getByRole('button', { name: t('nav.logout') }).count()).to.equal(1);
          const again = await page2.goto(link.pathname);
          expect(again?.status()).to.equal(410);
        } finally {
          await admin.close();
          await invitee.close();
        }
      });
    });

    // Declared after the journeys, so it runs after them.
    describe('accessibility', () => {
      it('has no serious or critical violations on any page the journeys passed', function () {
        if (!axe.pages.length) return this.skip();
        expect(axe.violations, `axe on ${axe.pages.length} pages:\n${axe.report()}`).to.deep.equal([]);
      });
    });
  });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// A form field by its label, exactly, whether or not the label carries the required-field mark.
const field = (scope: Page | Locator, label: string) => scope.getByLabel(new RegExp(`^${escapeRegExp(label)}( \\*)?$`));

// On a phone the navigation is behind the menu button.
async function openMenu(page: Page, t: TFunction) {
  const menu = page.getByText(t('nav.menu'), { exact: true });
  if (await menu.isVisible()) await menu.click();
}

// A link of the main navigation, opening the menu first on a phone.
async function navigateTo(page: Page, t: TFunction, name: string) {
  await openMenu(page, t);
  await page
    .getByRole('navigation', { name: t('nav.main') })
    .getByRole('link', { name, exact: true })
    .click();
}

async function signIn(page: Page, t: TFunction, email: string, password = PASSWORD) {
  await page.goto('/login');
  // On a phone every control of the sign-in page is a tap target of at least 44 px.
  if ((page.viewportSize()?.width ?? 1280) < 600) {
    for (const control of await page.locator('main a, main button, main input').all()) {
      const box = await control.boundingBox();
      if (box) expect(box.height, `${await control.evaluate((e) => e.outerHTML.slice(0, 80))}`).to.be.at.least(44);
    }
  }
  await field(page, t('auth.email')).fill(email);
  await field(page, t('auth.password')).fill(password);
  await page.getByRole('button', { name: t('auth.login'), exact: true }).click();
  await page.waitForURL((u) => u.pathname !== '/login');
}

// The e2e database before the app starts: a staff member and an admin (so the app seeds nothing), and five investors.
async function seed(db: mongoose.Connection) {
  const passwordHash = await hashPassword(PASSWORD);
  const User = db.model(UserModel.modelName, UserModel.schema);
  const Investor = db.model(InvestorOrgModel.modelName, InvestorOrgModel.schema);
  await User.create([
    { ...STAFF, role: 'staff', passwordHash },
    { ...ADMIN, role: 'admin', passwordHash },
  ]);
  await Investor.create(INVESTORS.map((i) => ({ ...i, nameKey: nameKeyOf(i), type: 'vc' as const })));
}
