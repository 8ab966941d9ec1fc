import type { ImportKind } from '../../models/enums.js';
import { firmFields } from '../firms/index.js';

// The CSV columns per kind: the same flat names as the forms, so an export can be imported again.
export const FIRM_FIELD_COLUMNS = Object.keys(firmFields) as (keyof typeof firmFields)[];
export const FIRM_COLUMNS: readonly string[] = [...FIRM_FIELD_COLUMNS, 'status'];
// Written by the export for reading; the import accepts and ignores them.
export const FIRM_READONLY_COLUMNS = [
  'tipsStatus',
  'raisedKrw',
  'roundCount',
  'lastRoundOn',
  'lastRoundStage',
  'lastRoundKrw',
  'lastValuationKrw',
  'archived',
] as const;

export const INVESTOR_COLUMNS = [
  'nameKo',
  'nameEn',
  'type',
  'website',
  'bifcBased',
  'thesisSectors',
  'thesisStages',
  'thesisInstruments',
  'thesisRegions',
  'ticketMinKrw',
  'ticketMaxKrw',
  'thesisNotes',
] as const;

export const ROUND_FIELD_COLUMNS = [
  'stage',
  'instrument',
  'status',
  'amountKrw',
  'currency',
  'amountForeign',
  'preMoneyKrw',
  'announcedOn',
  'closedOn',
  'valuationCapKrw',
  'discountPct',
  'interestPct',
  'redemptionYears',
  'conversionPriceKrw',
  'refixingFloorPct',
  'note',
  'participants',
] as const;
// roundId (as exported) pins a row to its round, so correcting a round's date or stage in Excel updates it instead of adding one.
export const ROUND_COLUMNS: readonly string[] = ['roundId', 'firmBrn', 'firmName', ...ROUND_FIELD_COLUMNS];

export const COLUMNS: Record<ImportKind, readonly string[]> = {
  firms: FIRM_COLUMNS,
  investors: INVESTOR_COLUMNS,
  rounds: ROUND_COLUMNS,
};
export const IGNORABLE_COLUMNS: Record<ImportKind, readonly string[]> = {
  firms: FIRM_READONLY_COLUMNS,
  investors: [],
  rounds: [],
};

// Columns whose meaning the upload page explains beyond the field label (i18n keys under imports.columns).
export const EXPLAINED_COLUMNS: Record<ImportKind, readonly string[]> = {
  firms: [
    'brn',
    'nameKo',
    'sectorPrimary',
    'sectorsSecondary',
    'tags',
    'founded',
    'tipsOperator',
    'contactPerson',
    'fundraisingRaising',
    'tipsGrantKrw',
    'status',
  ],
  investors: ['nameKo', 'type', 'bifcBased', 'thesisSectors', 'ticketMinKrw', 'ticketMaxKrw'],
  rounds: ['roundId', 'firmBrn', 'firmName', 'stage', 'status', 'amountKrw', 'closedOn', 'participants'],
};

// One example row per kind for the downloadable template.
export const TEMPLATE_EXAMPLES: Record<ImportKind, Record<string, string>> = {
  firms: {
    nameKo: '부산페이',
    nameEn: 'Busan Pay',
    brn: '617-86-00011',
    sectorPrimary: 'payments',
    sectorsSecondary: 'data-ai; regtech',
    stage: 'seed',
    founded: '2021-03-15',
    website: 'https://busanpay.example',
    pitch: '가맹점 정산 자동화',
    headcount: '12',
    tags: 'bifc, tips',
    residencyStart: '2024-03-01',
    residencyPlannedEnd: '2026-02-28',
    residencySpace: 'BIFC 63F',
    tipsTrack: 'tips',
    tipsRecommendedOn: '2024-04-01',
    fundraisingRaising: 'TRUE',
    fundraisingTargetKrw: '3000000000',
    fundraisingStage: 'pre-a',
    fundraisingInstrument: 'rcps',
    fundraisingOpen: 'TRUE',
    status: 'applicant',
  },
  investors: {
    nameKo: 'BNK벤처투자',
    nameEn: 'BNK Venture Capital',
    type: 'vc',
    website: 'https://www.bnkvc.co.kr',
    bifcBased: 'TRUE',
    thesisSectors: 'payments; digital-assets',
    thesisStages: 'seed; pre-a',
    thesisInstruments: 'rcps; safe',
    thesisRegions: 'busan; korea',
    ticketMinKrw: '300000000',
    ticketMaxKrw: '30억',
    thesisNotes: '부산 소재 핀테크 초기 투자',
  },
  rounds: {
    firmBrn: '617-86-00011',
    firmName: '부산페이',
    stage: 'seed',
    instrument: 'rcps',
    status: 'closed',
    amountKrw: '1500000000',
    currency: 'KRW',
    announcedOn: '2024-05-15',
    closedOn: '2024-06-30',
    preMoneyKrw: '6000000000',
    participants: 'BNK Venture Capital:1000000000:lead; Dongbaek Partners:500000000',
  },
};
