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
import { COLUMNS, EXPLAINED_COLUMNS } from './import-columns.js';

// The upload page's column reference: each column with its label key, an explanation key where one is needed, and the
// values an enumerated column accepts.
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

function labelKey(kind: ImportKind, column: string): string {
  if (kind === 'firms') return `firms.fields.${column}`;
  if (kind === 'investors') return `investors.${column}`;
  return column === 'roundId' || column === 'firmBrn' || column === 'firmName'
    ? `imports.columnLabels.${column}`
    : `rounds.fields.${column}`;
}

export function columnHelp(kind: ImportKind): ColumnHelp[] {
  return COLUMNS[kind].map((column) => ({
    column,
    label: labelKey(kind, column),
    hint: EXPLAINED_COLUMNS[kind].includes(column) ? `imports.columns.${kind}.${column}` : undefined,
    values: VALUES[kind][column],
  }));
}
