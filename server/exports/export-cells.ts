import type { ImportKind } from '../../models/enums.js';
import { CHOICE_COLUMNS, choiceLabel, columnLabel, localeText, type Vocabulary } from '../imports/index.js';
import type { Lang } from '../lib/money.js';

// How an export writes its cells: with the page's labels (what a person opens in Excel: Korean or English headers,
// choice labels, 예/아니요) or with the codes the import has always read (for re-import, scripts). The import reads both
// back (header-recognition.ts, choice-cells.ts), so either file imports again unchanged.

export const EXPORT_FORMATS = ['labels', 'codes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportMode = { format: ExportFormat; lang: Lang };

// The import's choice columns (one list for both directions) and the export's read-only ones.
const READONLY_CHOICES: Record<ImportKind, Record<string, { vocabulary: Vocabulary; multi?: true }>> = {
  firms: { tipsStatus: { vocabulary: 'tipsStatuses' }, lastRoundStage: { vocabulary: 'roundStages' } },
  investors: {},
  rounds: {},
};

// Yes/no columns (written 'true' or '' in codes).
const BOOLEAN_COLUMNS: Record<ImportKind, readonly string[]> = {
  firms: ['fundraisingRaising', 'fundraisingOpen', 'archived'],
  investors: ['bifcBased'],
  rounds: [],
};

// The words for yes and no in a language (the app's own, common.yes / common.no).
const yesNo = (lang: Lang): [string, string] => [localeText('common.yes', lang), localeText('common.no', lang)];

// A row of code cells → the same row as a person reads it: choice labels (several joined with "; "), yes/no words.
// Names, numbers (plain integers of won, which Excel can sum) and dates (YYYY-MM-DD) are left as they are.
export function labelledCells(kind: ImportKind, cells: Record<string, string>, lang: Lang): Record<string, string> {
  const [yes, no] = yesNo(lang);
  const out = { ...cells };
  for (const [column, { vocabulary, multi }] of Object.entries({
    ...CHOICE_COLUMNS[kind],
    ...READONLY_CHOICES[kind],
  })) {
    const cell = cells[column];
    if (!cell) continue;
    out[column] = (multi ? cell.split(';') : [cell])
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => choiceLabel(vocabulary, v, lang))
      .join('; ');
  }
  for (const column of BOOLEAN_COLUMNS[kind]) if (column in cells) out[column] = cells[column] === 'true' ? yes : no;
  return out;
}

export type CsvColumn = { key: string; header: string };

// The file's columns: codes as headers, or the labels a person sees (which the import recognises back).
export function exportColumns(kind: ImportKind, columns: readonly string[], mode: ExportMode): CsvColumn[] {
  return columns.map((key) => ({
    key,
    header: mode.format === 'codes' ? key : columnLabel(kind, key, mode.lang),
  }));
}
