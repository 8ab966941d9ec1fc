import { expect } from 'chai';
import { useTestApp, loginAs } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg } from '../helpers/factories.js';

// The error summary at the top of a rejected form: its attributes, and each error's link (href) and text.
function summaryOf(html: string) {
  const box = /<div class="error-summary"([^>]*)>([\s\S]*?)<\/div>/.exec(html);
  if (!box) return undefined;
  const links = [...box[2]!.matchAll(/<a href="#([^"]+)">([\s\S]*?)<\/a>/g)].map((m) => ({
    target: m[1]!,
    text: m[2]!.replace(/<[^>]+>/g, '').trim(),
  }));
  return { attrs: box[1], links, at: box.index };
}

describe('the error summary after a rejected form', () => {
  const t = useTestApp();

  it('when a firm is registered without a name or sector, then the page starts with a focused summary whose links lead to each field', async () => {
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    const res = await staff.post('/firms').type('form').send({ _csrf: token, website: 'not a url', headcount: '-3' });
    expect(res.status).to.equal(422);
    const summary = summaryOf(res.text)!;
    expect(summary.attrs).to.contain('role="alert"').and.contain('tabindex="-1"').and.contain('autofocus');
    // Before the form itself, so a phone user does not scroll for it.
    expect(summary.at).to.be.below(res.text.indexOf('<form method="post" action="/firms"'));
    const byTarget = Object.fromEntries(summary.links.map((l) => [l.target, l.text]));
    for (const field of ['nameKo', 'sectorPrimary', 'website', 'headcount']) {
      expect(byTarget, field).to.have.property(`f-${field}`);
      // Each link's target is a field on the page.
      expect(res.text, field).to.contain(`id="f-${field}"`);
    }
    expect(byTarget['f-sectorPrimary']).to.match(/^주 분야: /);
    // The typed value is kept.
    expect(res.text).to.contain('value="not a url"');
  });

  it('when the language is switched on a rejected form, then it returns to the form page, not to the address the form posted to', async () => {
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    const nextOf = (html: string) =>
      /<form method="post" action="\/lang"[\s\S]*?name="next" value="([^"]*)"/.exec(html)?.[1];
    const fromForm = await staff
      .post('/firms')
      .set('Host', 'crm.test')
      .set('Referer', 'http://crm.test/firms/new')
      .type('form')
      .send({ _csrf: token, website: 'not a url' });
    expect(fromForm.status).to.equal(422);
    expect(nextOf(fromForm.text)).to.equal('/firms/new');
    // Without a page of ours to return to, the home page (never the POST address, which is no page: a 404).
    const elsewhere = await staff
      .post('/firms')
      .set('Referer', 'https://elsewhere.example/x')
      .type('form')
      .send({ _csrf: token });
    expect(nextOf(elsewhere.text)).to.equal('/');
    expect(nextOf((await staff.get('/firms?q=pay')).text)).to.equal('/firms?q=pay');
  });

  it('when a valid form is shown or saved, then there is no summary', async () => {
    const staff = await loginAs(t.app, 'staff');
    expect(summaryOf((await staff.get('/firms/new')).text)).to.equal(undefined);
  });

  it('when any other form of the registry is rejected, then it has the summary too, in English on an English page', async () => {
    const firm = await makeFirm();
    const org = await makeInvestorOrg();
    const admin = await loginAs(t.app, 'admin');
    const token = await admin.csrf();
    for (const [path, body, field] of [
      [`/firms/${firm._id}/rounds`, { amountKrw: 'lots' }, 'f-amountKrw'],
      [`/firms/${firm._id}/people`, { email: 'nope' }, 'f-name'],
      ['/investors', {}, 'f-type'],
      [`/investors/${org._id}/contacts`, {}, 'f-name'],
      [`/investors/${org._id}/funds`, {}, 'f-name'],
      ['/admin/users', { email: 'nope' }, 'f-email'],
      ['/admin/targets', {}, 'f-baselineValue'],
    ] as const) {
      const res = await admin
        .post(path)
        .set('Accept-Language', 'en')
        .type('form')
        .send({ _csrf: token, ...body });
      expect(res.status, path).to.equal(422);
      const summary = summaryOf(res.text);
      expect(summary, path).to.not.equal(undefined);
      expect(summary!.attrs, path).to.contain('autofocus');
      expect(
        summary!.links.map((l) => l.target),
        path,
      ).to.include(field);
      expect(res.text, path).to.contain(`id="${field}"`);
      expect(res.text, path).to.contain('Please correct the highlighted fields.');
    }
  });
});
