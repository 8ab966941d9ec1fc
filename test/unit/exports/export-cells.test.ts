import { expect } from 'chai';
import { exportColumns, labelledCells } from '../../../server/exports/export-cells.js';
import {
  FIRM_EXPORT_COLUMNS,
  INVESTOR_EXPORT_COLUMNS,
  ROUND_EXPORT_COLUMNS,
} from '../../../server/exports/exports.service.js';
import { recogniseHeader } from '../../../server/imports/header-recognition.js';
import { choiceCells } from '../../../server/imports/choice-cells.js';
import { FIRM_READONLY_COLUMNS } from '../../../server/imports/import-columns.js';
import type { ImportKind } from '../../../models/enums.js';

const COLUMNS: Record<ImportKind, readonly string[]> = {
  firms: FIRM_EXPORT_COLUMNS,
  investors: INVESTOR_EXPORT_COLUMNS,
  rounds: ROUND_EXPORT_COLUMNS,
};

describe('export cells', () => {
  it('when a firm row is written with Korean labels, then choices, several choices and yes/no read as words', () => {
    const row = labelledCells(
      'firms',
      {
        nameKo: '해운대체인',
        sectorPrimary: 'digital-assets',
        sectorsSecondary: 'data-ai; regtech',
        stage: 'seed',
        status: 'resident',
        tipsStatus: 'recommended',
        fundraisingRaising: 'true',
        fundraisingOpen: '',
        fundraisingTargetKrw: '3000000000',
        founded: '2021-03-15',
        tipsTrack: '',
      },
      'ko',
    );
    expect(row).to.deep.include({
      nameKo: '해운대체인',
      sectorPrimary: '디지털자산',
      stage: '시드',
      status: '입주',
      tipsStatus: '추천',
      fundraisingRaising: '예',
      fundraisingOpen: '아니요',
      fundraisingTargetKrw: '3000000000',
      founded: '2021-03-15',
      tipsTrack: '',
    });
    expect(row.sectorsSecondary?.split('; ')).to.have.length(2);
    expect(row.sectorsSecondary).to.not.match(/[a-z]/);
  });

  it('when an investor row is written in English, then its thesis choices are English labels', () => {
    const row = labelledCells('investors', { type: 'vc', thesisStages: 'seed; pre-a', bifcBased: '' }, 'en');
    expect(row).to.deep.equal({ type: 'Venture capital', thesisStages: 'Seed; Pre-Series A', bifcBased: 'No' });
  });

  it('when labelled cells are read back by the import, then they give the same codes', () => {
    const codes = {
      sectorPrimary: 'digital-assets',
      sectorsSecondary: 'data-ai; regtech',
      stage: 'pre-a',
      status: 'applicant',
    };
    for (const lang of ['ko', 'en'] as const) {
      const { cells, messages } = choiceCells('firms', labelledCells('firms', codes, lang));
      expect(messages, lang).to.deep.equal([]);
      expect(cells, lang).to.deep.equal(codes);
    }
  });

  it('when headers are written in either language, then each is distinct and the import recognises it', () => {
    for (const kind of ['firms', 'investors', 'rounds'] as const)
      for (const lang of ['ko', 'en'] as const) {
        const columns = exportColumns(kind, COLUMNS[kind], { format: 'labels', lang });
        expect(new Set(columns.map((c) => c.header)).size, `${kind} ${lang}`).to.equal(columns.length);
        for (const { key, header } of columns) {
          const match = recogniseHeader(kind, header);
          // The export's read-only figures are recognised and knowingly ignored.
          const expected = (FIRM_READONLY_COLUMNS as readonly string[]).includes(key)
            ? { header, status: 'ignored' }
            : { header, status: 'column', column: key };
          expect(match, `${kind} ${lang} ${header}`).to.deep.equal(expected);
        }
      }
  });

  it('when codes are asked for, then the headers are the column codes', () => {
    expect(exportColumns('rounds', ['stage', 'amountKrw'], { format: 'codes', lang: 'ko' })).to.deep.equal([
      { key: 'stage', header: 'stage' },
      { key: 'amountKrw', header: 'amountKrw' },
    ]);
  });
});
