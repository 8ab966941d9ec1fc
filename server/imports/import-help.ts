import {
  FIRM_STAGES,
  INSTRUMENTS,
  INVESTOR_REGIONS,
  INVESTOR_TYPES,
  ROUND_STAGES,
  ROUND_STATUSES,
  SECTORS,
  TIPS_SUCCESS_CRITERIA,
  TIPS_TRACKS,
} from '../../models/enums.js';
import type { ImportKind } from '../../models/enums.js';
import { CURRENCIES } from '../rounds/index.js';
import type { Lang } from '../lib/money.js';
import { COLUMNS, EXPLAINED_COLUMNS } from './import-columns.js';
import { CHOICE_COLUMNS, choiceLabel } from './choice-cells.js';
import { columnLabel } from './column-labels.js';

// The upload page's column reference.
export type ColumnHelp = { column: string; label: string; hint?: string; values?: readonly string[] };

const VALUES: Record<ImportKind, Record<string, readonly string[]>> = {
  firms: {
    sectorPrimary: SECTORS,
    sectorsSecondary: SECTORS,
    stage: FIRM_STAGES,
    tipsTrack: TIPS_TRACKS,
    tipsSuccessCriteria: TIPS_SUCCESS_CRITERIA,
    fundraisingStage: ROUND_STAGES,
    fundraisingInstrument: INSTRUMENTS,
    status: ['applicant', 'screening', 'admitted', 'resident'],
  },
  investors: {
    type: INVESTOR_TYPES,
    thesisSectors: SECTORS,
    thesisStages: ROUND_STAGES,
    thesisInstruments: INSTRUMENTS,
    thesisRegions: INVESTOR_REGIONS,
  },
  rounds: { stage: ROUND_STAGES, instrument: INSTRUMENTS, status: ROUND_STATUSES, currency: Object.keys(CURRENCIES) },
};

// Each column with the header a template in the reader's language writes (codes are read too), an explanation where
// one is needed, and the labels of the values an enumerated column accepts.
export function columnHelp(kind: ImportKind, lang: Lang): ColumnHelp[] {
  return COLUMNS[kind].map((column) => {
    const choice = CHOICE_COLUMNS[kind][column];
    return {
      column,
      label: columnLabel(kind, column, lang),
      hint: EXPLAINED_COLUMNS[kind].includes(column) ? `imports.columns.${kind}.${column}` : undefined,
      values: VALUES[kind][column]?.map((v) => (choice ? choiceLabel(choice.vocabulary, v, lang) : v)),
    };
  });
}
