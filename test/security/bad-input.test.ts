import { expect } from 'chai';
import type { Response } from 'supertest';
import { useTestApp, loginAs, type Agent } from '../helpers/app.js';
import { makeFirm, makeInvestorOrg } from '../helpers/factories.js';
import { FirmModel } from '../../models/firm.model.js';
import { ImportBatchModel } from '../../models/import-batch.model.js';

const cursor = (json: unknown) => Buffer.from(JSON.stringify(json)).toString('base64url');
const ZERO_ID = '000000000000000000000000';

// A refused request is a page a person can read: a 4xx HTML page, never a 500 and never a stack trace.
function expectClearRefusal(res: Response, status: number | RegExp = /^4\d\d$/) {
  if (typeof status === 'number') expect(res.status, res.text).to.equal(status);
  else expect(String(res.status), res.text).to.match(status);
  expect(res.headers['content-type']).to.match(/^text\/html/);
  expect(res.text).to.not.match(/^\s+at \S/m);
  expect(res.text).to.not.contain('Error:');
}

describe('bad input gets a clear 4xx page', () => {
  const t = useTestApp();
  let staff: Agent;
  let token: string;

  beforeEach(async () => {
    staff = await loginAs(t.app, 'staff');
    token = await staff.csrf();
  });

  describe('a broken upload', () => {
    const BOUNDARY = 'XyZ123boundary';
    const part = (name: string, value: string, file?: string) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: text/csv` : ''}\r\n\r\n${value}\r\n`;
    const post = (contentType: string, body: string | Buffer) =>
      staff
        .post('/firms/import')
        .set('Accept', 'text/html')
        .set('X-CSRF-Token', token)
        .set('Content-Type', contentType)
        .send(body);

    it('when a multipart request has no boundary, then it is a 400 page', async () => {
      const res = await post('multipart/form-data', 'garbage');
      expectClearRefusal(res, 400);
      expect(await ImportBatchModel.countDocuments({})).to.equal(0);
    });

    it('when a multipart body is cut short, then it is a 400 page', async () => {
      const body =
        part('_csrf', token) +
        part('kind', 'firms') +
        part('file', 'nameKo,sectorPrimary\r\n해운대페이,payments', 'firms.csv').slice(0, -10);
      const res = await post(`multipart/form-data; boundary=${BOUNDARY}`, body);
      expectClearRefusal(res, 400);
      expect(await ImportBatchModel.countDocuments({})).to.equal(0);
    });

    it('when a part header is malformed, then it is a 400 page', async () => {
      const body = `--${BOUNDARY}\r\n${'x'.repeat(20)}\r\nContent-Disposition form-data\r\n\r\nfirms\r\n--${BOUNDARY}--\r\n`;
      const res = await post(`multipart/form-data; boundary=${BOUNDARY}`, body);
      expectClearRefusal(res, 400);
    });
  });

  describe('a crafted page cursor', () => {
    for (const [what, path] of [
      ['a string cursor on the activity (date) sort', `/firms?sort=activity&after=${cursor(['zzz', ZERO_ID])}`],
      [
        'a date cursor with a bad date on the raised (number) sort',
        `/firms?sort=raised&after=${cursor([{ d: 'x' }, ZERO_ID])}`,
      ],
      [
        'a date cursor with a bad date on the activity sort',
        `/firms?sort=activity&before=${cursor([{ d: 'x' }, ZERO_ID])}`,
      ],
      ['a number cursor on the name (string) sort', `/firms?sort=name&after=${cursor([42, ZERO_ID])}`],
      ['an operator object as the cursor value', `/firms?sort=name&after=${cursor([{ $gt: '' }, ZERO_ID])}`],
      ['a number cursor on the investor list', `/investors?after=${cursor([42, ZERO_ID])}`],
    ] as const) {
      it(`when the list gets ${what}, then it leads to the list's first page with a notice`, async () => {
        await makeFirm();
        await makeInvestorOrg();
        const res = await staff.get(path).set('Accept', 'text/html');
        expect(res.status, res.text).to.equal(303);
        expect(res.headers.location).to.not.match(/after=|before=/);
        const first = await staff.get(res.headers.location!).set('Accept', 'text/html');
        expect(first.status).to.equal(200);
        expect(first.text).to.contain('첫 페이지를 보여 드립니다');
      });
    }

    it('when the cursor is one the list itself made, then the next page is served', async () => {
      for (let i = 0; i < 26; i += 1) await makeFirm();
      const first = await staff.get('/firms?sort=activity').set('Accept', 'text/html');
      const next = /href="(\/firms\?[^"]*after=[^"]+)"/.exec(first.text)![1]!.replaceAll('&amp;', '&');
      expect((await staff.get(next).set('Accept', 'text/html')).status).to.equal(200);
    });
  });

  describe('NUL bytes and text that is not UTF-8', () => {
    const fieldError = /class="error"[^>]*>[^<]*(허용되지 않는 문자|not allowed)/;

    it("when a new firm's name holds a NUL byte, then the form comes back with 422 and a field error, and nothing is stored", async () => {
      const res = await staff
        .post('/firms')
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: token, nameEn: 'Null\u0000Pay', sectorPrimary: 'payments' });
      expectClearRefusal(res, 422);
      expect(res.text).to.match(fieldError);
      expect(await FirmModel.countDocuments({})).to.equal(0);
    });

    it("when a new firm's name holds bytes that are not UTF-8, then the form comes back with 422 and nothing is stored", async () => {
      const body = Buffer.concat([
        Buffer.from(`_csrf=${encodeURIComponent(token)}&sectorPrimary=payments&nameEn=Bad`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('Pay'),
      ]);
      // Written as the raw bytes (send() would encode a Buffer as a form).
      const req = staff.post('/firms').set('Accept', 'text/html').type('form');
      req.write(body);
      const res = await req;
      expectClearRefusal(res, 422);
      expect(res.text).to.match(fieldError);
      expect(await FirmModel.countDocuments({})).to.equal(0);
    });

    it('when a firm is edited with a NUL byte in its name, then the form comes back with 422 and the firm is unchanged', async () => {
      const firm = await makeFirm({ nameEn: 'Clean Pay' });
      const before = await FirmModel.findById(firm._id).lean();
      const res = await staff
        .post(`/firms/${firm._id}`)
        .set('Accept', 'text/html')
        .type('form')
        .send({ _csrf: token, _version: String(before!.__v), nameEn: 'Clean\u0000Pay', sectorPrimary: 'payments' });
      expectClearRefusal(res, 422);
      expect(res.text).to.match(fieldError);
      expect(await FirmModel.findById(firm._id).lean()).to.deep.equal(before);
    });

    it('when a JSON body holds a lone surrogate, then it is refused', async () => {
      const res = await staff
        .post('/firms')
        .set('Accept', 'text/html')
        .set('X-CSRF-Token', token)
        .type('json')
        .send('{"nameEn":"Half\\ud800Pay","sectorPrimary":"payments"}');
      expectClearRefusal(res, 422);
      expect(await FirmModel.countDocuments({})).to.equal(0);
    });

    it('when the search holds a NUL byte or bytes that are not UTF-8, then the list is a 400 page', async () => {
      expectClearRefusal(await staff.get('/firms?q=a%00b').set('Accept', 'text/html'), 400);
      expectClearRefusal(await staff.get('/firms?q=a%FFb').set('Accept', 'text/html'), 400);
      expectClearRefusal(await staff.get('/investors?q=%00').set('Accept', 'text/html'), 400);
    });
  });
});
