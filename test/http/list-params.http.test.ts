import { expect } from 'chai';
import { useTestApp, loginAs } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';

// The names the firm list shows (each row's link to its firm).
const namesOn = (html: string) =>
  [...html.matchAll(/<a href="\/firms\/[0-9a-f]{24}"><strong>([^<]+)<\/strong>/g)].map((m) => m[1]);

describe('list URLs with parameters the app does not know or values it cannot use', () => {
  const t = useTestApp();

  it('when a shared link carries fbclid and utm_* parameters, then every list and page answers as without them, with no notice', async () => {
    await makeFirm({ nameEn: 'Shared Pay' });
    const staff = await loginAs(t.app, 'staff');
    const tracking = 'fbclid=IwAR0abc&utm_source=kakao&utm_medium=share&x[$ne]=1';
    for (const path of [
      '/firms',
      '/investors',
      '/matches',
      '/matches/list',
      '/matches/mine',
      '/notifications',
      '/reports',
    ]) {
      const res = await staff.get(`${path}?${tracking}`);
      expect(res.status, path).to.equal(200);
      expect(res.text, path).to.not.contain('Unrecognized key');
      expect(res.text, path).to.not.contain('알 수 없는 필터 값');
    }
    const admin = await loginAs(t.app, 'admin');
    expect((await admin.get(`/audit?${tracking}`)).status).to.equal(200);
    expect(namesOn((await staff.get(`/firms?${tracking}`).set('Accept-Language', 'en')).text)).to.deep.equal([
      'Shared Pay',
    ]);
  });

  it('when a filter value is not one the list knows, then the list is shown unfiltered for it, the other filters kept, with a notice naming the filter in Korean', async () => {
    await makeFirm({ nameEn: 'Seed Pay', stage: 'seed' });
    await makeFirm({ nameEn: 'Series Pay', stage: 'series-a', sectorPrimary: 'insurtech' });
    const staff = await loginAs(t.app, 'staff');
    const res = await staff.get('/firms?stage=nonsense&sector=payments&sort=bad');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('알 수 없는 필터 값을 무시했습니다: 단계, 정렬');
    // The valid sector filter still applies; the stage filter is dropped.
    expect(res.text).to.contain('Seed Pay');
    expect(res.text).to.not.contain('Series Pay');
  });

  it('when the page is English, then the notice is in English', async () => {
    const staff = await loginAs(t.app, 'staff');
    const res = await staff.get('/matches/list?stage=nope&overdue=maybe').set('Accept-Language', 'en');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Unknown filter values were ignored: overdue, stage');
  });

  it('when the audit log gets a date that does not exist, then it lists everything with a notice naming the date filter', async () => {
    const admin = await loginAs(t.app, 'admin');
    const res = await admin.get('/audit?from=2026-02-30');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('알 수 없는 필터 값을 무시했습니다: 시작일');
  });

  it('when a page link is malformed or made for another sort, then the first page of the list is shown with a notice', async () => {
    await makeFirm({ nameEn: 'Cursor Pay' });
    await makeInvestorOrg();
    const staff = await loginAs(t.app, 'staff');
    const wrongKind = Buffer.from(JSON.stringify([42, '000000000000000000000000'])).toString('base64url');
    for (const url of [
      '/firms?sector=payments&after=garbage',
      `/firms?sort=name&before=${wrongKind}`,
      '/investors?after=%7B',
    ]) {
      const res = await staff.get(url);
      expect(res.status, url).to.equal(303);
      const first = await staff.get(res.headers.location!);
      expect(first.status, url).to.equal(200);
      expect(first.text, url).to.contain('이 페이지 링크는 더 이상 맞지 않아 첫 페이지를 보여 드립니다.');
    }
    expect((await staff.get('/firms?sector=payments&after=garbage')).headers.location).to.equal(
      '/firms?sector=payments',
    );
  });

  it('when a CSV export gets a bad filter value, then it is still refused (a file cannot carry the notice), but unknown parameters are ignored', async () => {
    const staff = await loginAs(t.app, 'staff');
    expect((await staff.get('/firms/export.csv?sector=banking')).status).to.equal(400);
    expect((await staff.get('/firms/export.csv?fbclid=abc')).status).to.equal(200);
  });

  it('when a bad form body is posted, then it is still refused (body validation stays strict)', async () => {
    const staff = await loginAs(t.app, 'staff');
    const token = await staff.csrf();
    const res = await staff.post('/firms').type('form').send({ _csrf: token, nameEn: 'X', sectorPrimary: 'nope' });
    expect(res.status).to.equal(422);
  });

  describe('a search that matches only archived firms', () => {
    it('when the search finds only archived firms, then the list says how many and links to show them', async () => {
      const a = await makeFirm({ nameEn: 'Hidden Ledger One' });
      const b = await makeFirm({ nameEn: 'Hidden Ledger Two' });
      await makeFirm({ nameEn: 'Visible Pay' });
      await FirmModel.updateMany({ _id: { $in: [a._id, b._id] } }, { $set: { archived: true } });
      const staff = await loginAs(t.app, 'staff');
      const res = await staff.get('/firms?q=hidden');
      expect(res.text).to.contain('보관된 기업 2곳이 검색어와 일치합니다');
      const link = /<a href="([^"]+)">보기<\/a>/.exec(res.text)![1]!.replaceAll('&amp;', '&');
      expect(link).to.contain('archived=1').and.contain('q=hidden');
      expect(namesOn((await staff.get(link).set('Accept-Language', 'en')).text)).to.have.members([
        'Hidden Ledger One',
        'Hidden Ledger Two',
      ]);
      const en = await staff.get('/firms?q=hidden').set('Accept-Language', 'en');
      expect(en.text).to.contain('2 archived startups match the search');
    });

    it('when the search finds nothing archived either, then the list just says nothing matches', async () => {
      await makeFirm({ nameEn: 'Visible Pay' });
      const staff = await loginAs(t.app, 'staff');
      const res = await staff.get('/firms?q=nowhere');
      expect(res.text).to.contain('조건에 맞는 스타트업이 없습니다.');
      expect(res.text).to.not.contain('검색어와 일치합니다');
    });
  });

  it('when the dashboard is open, then each card links to the list behind it, and the pipeline link lists the firms in selection', async () => {
    await makeFirm({ nameEn: 'Applying Pay', status: 'applicant' });
    await makeFirm({ nameEn: 'Screened Pay', status: 'screening' });
    const staff = await loginAs(t.app, 'staff');
    const home = await staff.get('/');
    for (const href of ['/firms?status=resident', '/firms?status=pipeline', '/firms?status=resident&amp;sort=raised'])
      expect(home.text).to.contain(`href="${href}"`);
    const pipeline = await staff.get('/firms?status=pipeline').set('Accept-Language', 'en');
    expect(namesOn(pipeline.text)).to.have.members(['Applying Pay', 'Screened Pay']);
  });
});
