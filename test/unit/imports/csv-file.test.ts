import { expect } from 'chai';
import { decodeCsv, detectDelimiter, readCsv, unguardCell, MAX_ROWS } from '../../../server/imports/csv-file.js';
import { encodeCp949 } from '../../fixtures/cp949.js';

const COLUMNS = ['nameKo', 'nameEn', 'brn', 'description'];

describe('reading a CSV file', () => {
  describe('encoding', () => {
    it('when the file is UTF-8 with a BOM, then the BOM is dropped and Korean is intact', () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('nameKo\n부산페이\n', 'utf8')]);
      const { text, encoding } = decodeCsv(bytes);
      expect(encoding).to.equal('utf-8');
      expect(text).to.equal('nameKo\n부산페이\n');
    });

    it('when the file is UTF-8 without a BOM, then it is read as UTF-8', () => {
      expect(decodeCsv(Buffer.from('nameKo\n해운대핀테크\n', 'utf8'))).to.deep.equal({
        text: 'nameKo\n해운대핀테크\n',
        encoding: 'utf-8',
      });
    });

    it('when Excel saved it as CP949 ("CSV (쉼표로 분리)"), then it is decoded as Korean', () => {
      const bytes = encodeCp949('nameKo,nameEn\r\n동백페이,Dongbaek Pay\r\n');
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).to.throw();
      const { text, encoding } = decodeCsv(bytes);
      expect(encoding).to.equal('cp949');
      expect(text).to.equal('nameKo,nameEn\r\n동백페이,Dongbaek Pay\r\n');
    });
  });

  describe('delimiters and layout', () => {
    it('when the header uses semicolons, then semicolons split the cells', () => {
      expect(detectDelimiter('nameKo;nameEn;brn\r\na;b;c')).to.equal(';');
      expect(detectDelimiter('nameKo,nameEn\n')).to.equal(',');
      const table = readCsv('nameKo;nameEn\r\n부산페이;"Busan; Pay"\r\n', COLUMNS);
      expect(table).to.not.have.property('error');
      if ('error' in table) return;
      expect(table.rows[0]?.cells).to.deep.equal({ nameKo: '부산페이', nameEn: 'Busan; Pay' });
    });

    it('when cells are quoted with line breaks and the file ends in blank lines, then rows are numbered as in the spreadsheet', () => {
      const text = 'nameKo,description\r\n가,"첫 줄\r\n둘째 줄"\r\n\r\n나,설명\r\n,\r\n\r\n\r\n';
      const table = readCsv(text, COLUMNS);
      if ('error' in table) throw new Error(table.error.message);
      // Header = row 1; the empty row 3 is skipped but still counted; the trailing empty rows are dropped.
      expect(table.rows.map((r) => r.line)).to.deep.equal([2, 4]);
      expect(table.rows[0]?.cells.description).to.equal('첫 줄\r\n둘째 줄');
    });

    it('when header names differ in case or have unknown or read-only columns, then known ones are matched and the unknown reported', () => {
      const table = readCsv('NAMEKO,Remarks,raisedKrw,brn\nA,x,1,\n', COLUMNS, ['raisedKrw']);
      if ('error' in table) throw new Error(table.error.message);
      expect(table.columns).to.deep.equal(['nameKo', 'brn']);
      expect(table.ignoredColumns).to.deep.equal(['Remarks']);
      expect(table.rows[0]?.cells).to.deep.equal({ nameKo: 'A', brn: '' });
    });

    it('when a row has more filled cells than the header, then that row is flagged', () => {
      const table = readCsv('nameKo,nameEn\na,b,c\nd,e,\n', COLUMNS);
      if ('error' in table) throw new Error(table.error.message);
      expect(table.extraCells).to.deep.equal([2]);
    });

    it('when a cell was guarded against formulas by the export, then the apostrophe is removed', () => {
      expect(unguardCell("'=SUM(A1)")).to.equal('=SUM(A1)');
      expect(unguardCell("'plain")).to.equal("'plain");
    });
  });

  describe('files that cannot be imported', () => {
    it('when the file is empty, has no known column, repeats a column, has no rows or too many, then it is refused with a reason', () => {
      const error = (text: string) => {
        const r = readCsv(text, COLUMNS);
        return 'error' in r ? r.error.message : undefined;
      };
      expect(error('')).to.equal('imports.fileErrors.empty');
      expect(error('foo,bar\n1,2\n')).to.equal('imports.fileErrors.noKnownColumns');
      expect(error('nameKo,NAMEKO\n1,2\n')).to.equal('imports.fileErrors.duplicateColumn');
      expect(error('nameKo\r\n\r\n')).to.equal('imports.fileErrors.noRows');
      expect(error('nameKo,description\n"unclosed,x\n')).to.equal('imports.fileErrors.unreadable');
      expect(error(`nameKo\n${'x\n'.repeat(MAX_ROWS + 1)}`)).to.equal('imports.fileErrors.tooManyRows');
    });
  });
});

describe('CP949 beyond EUC-KR', () => {
  it('reads the extended Hangul syllables Korean Excel writes (똠, 쌰, 햏, 뷁)', async () => {
    const iconv = (await import('iconv-lite')).default;
    const bytes = iconv.encode('nameKo\r\n똠얌쌰페이\r\n햏뷁랩스\r\n', 'cp949');
    const { text, encoding } = decodeCsv(new Uint8Array(bytes));
    expect(encoding).to.equal('cp949');
    expect(text).to.equal('nameKo\r\n똠얌쌰페이\r\n햏뷁랩스\r\n');
  });
});
