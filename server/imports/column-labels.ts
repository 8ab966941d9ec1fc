import type { ImportKind } from '../../models/enums.js';
import { valueAt } from '../lib/dotted-path.js';
import { loadLocale } from '../lib/i18n.js';
import type { Lang } from '../lib/money.js';
import { COLUMNS, IGNORABLE_COLUMNS } from './import-columns.js';

// The headers a person sees for an import or export column, from the labels the app shows elsewhere (locale keys).
// The first key of each column gives its header (what a template or an export writes); every key is read back by the
// header recogniser (header-recognition.ts), in both languages.
const FIRM_LABELS: Record<string, readonly string[]> = {
  nameKo: ['firms.fields.nameKo', 'fieldLabels.nameKo'],
  nameEn: ['firms.fields.nameEn', 'fieldLabels.nameEn'],
  brn: ['firms.fields.brn', 'fieldLabels.brn'],
  sectorPrimary: ['fieldLabels.sectorPrimary', 'firms.fields.sectorPrimary'],
  sectorsSecondary: ['fieldLabels.sectorsSecondary', 'firms.fields.sectorsSecondary'],
  stage: ['fieldLabels.stage', 'firms.fields.stage'],
  founded: ['fieldLabels.founded', 'firms.fields.founded'],
  website: ['fieldLabels.website', 'firms.fields.website'],
  pitch: ['firms.fields.pitch', 'fieldLabels.pitch'],
  description: ['fieldLabels.description', 'firms.fields.description'],
  headcount: ['fieldLabels.headcount', 'firms.fields.headcount'],
  tags: ['fieldLabels.tags', 'firms.fields.tags'],
  contactPerson: ['fieldLabels.contactPerson', 'firms.fields.contactPerson'],
  residencyStart: ['fieldLabels.residency.start', 'firms.fields.residencyStart'],
  residencyPlannedEnd: ['fieldLabels.residency.plannedEnd', 'firms.fields.residencyPlannedEnd'],
  residencyEnd: ['fieldLabels.residency.end', 'firms.fields.residencyEnd'],
  residencySpace: ['fieldLabels.residency.space', 'firms.fields.residencySpace'],
  tipsTrack: ['fieldLabels.tips.track', 'firms.fields.tipsTrack'],
  tipsOperator: ['fieldLabels.tips.operator', 'firms.fields.tipsOperator'],
  tipsRecommendedOn: ['fieldLabels.tips.recommendedOn', 'firms.fields.tipsRecommendedOn'],
  tipsEvaluatedOn: ['fieldLabels.tips.evaluatedOn', 'firms.fields.tipsEvaluatedOn'],
  tipsSelectedOn: ['fieldLabels.tips.selectedOn', 'firms.fields.tipsSelectedOn'],
  tipsAgreementOn: ['fieldLabels.tips.agreementOn', 'firms.fields.tipsAgreementOn'],
  tipsCompletedOn: ['fieldLabels.tips.completedOn', 'firms.fields.tipsCompletedOn'],
  tipsGrantKrw: ['fieldLabels.tips.grantKrw', 'firms.fields.tipsGrantKrw'],
  tipsAddOnKrw: ['fieldLabels.tips.addOnKrw', 'firms.fields.tipsAddOnKrw'],
  tipsSuccessCriteria: ['fieldLabels.tips.successCriteria', 'firms.fields.tipsSuccessCriteria'],
  zoneProject: ['fieldLabels.zoneProject', 'firms.fields.zoneProject'],
  fundraisingRaising: ['fieldLabels.fundraising.raising', 'firms.fields.fundraisingRaising'],
  fundraisingTargetKrw: ['fieldLabels.fundraising.targetKrw', 'firms.fields.fundraisingTargetKrw'],
  fundraisingStage: ['fieldLabels.fundraising.stage', 'firms.fields.fundraisingStage'],
  fundraisingInstrument: ['fieldLabels.fundraising.instrument', 'firms.fields.fundraisingInstrument'],
  fundraisingOpen: ['fieldLabels.fundraising.openToInvestors', 'firms.fields.fundraisingOpen'],
  status: ['fieldLabels.status', 'firms.fields.status'],
  // Read-only columns of the export (the import accepts and ignores them).
  tipsStatus: ['imports.columnLabels.tipsStatus', 'firms.fields.tipsStatus'],
  raisedKrw: ['imports.columnLabels.raisedKrw', 'firms.fields.raised'],
  roundCount: ['imports.columnLabels.roundCount'],
  lastRoundOn: ['imports.columnLabels.lastRoundOn'],
  lastRoundStage: ['imports.columnLabels.lastRoundStage'],
  lastRoundKrw: ['imports.columnLabels.lastRoundKrw'],
  lastValuationKrw: ['imports.columnLabels.lastValuationKrw', 'rounds.fields.valuation'],
  archived: ['imports.columnLabels.archived', 'fieldLabels.archived'],
};

const INVESTOR_LABELS: Record<string, readonly string[]> = {
  nameKo: ['investors.nameKo'],
  nameEn: ['investors.nameEn'],
  type: ['investors.type', 'fieldLabels.type'],
  website: ['investors.website', 'fieldLabels.website'],
  bifcBased: ['investors.bifcBased', 'fieldLabels.bifcBased'],
  thesisSectors: ['investors.thesisSectors', 'fieldLabels.thesis.sectors'],
  thesisStages: ['investors.thesisStages', 'fieldLabels.thesis.stages'],
  thesisInstruments: ['investors.thesisInstruments', 'fieldLabels.thesis.instruments'],
  thesisRegions: ['investors.thesisRegions', 'fieldLabels.thesis.regions'],
  ticketMinKrw: ['investors.ticketMinKrw', 'fieldLabels.thesis.ticketMinKrw'],
  ticketMaxKrw: ['investors.ticketMaxKrw', 'fieldLabels.thesis.ticketMaxKrw'],
  thesisNotes: ['investors.thesisNotes', 'fieldLabels.thesis.notes'],
};

const ROUND_LABELS: Record<string, readonly string[]> = {
  roundId: ['imports.columnLabels.roundId'],
  firmBrn: ['imports.columnLabels.firmBrn'],
  firmName: ['imports.columnLabels.firmName'],
  stage: ['rounds.fields.stage', 'fieldLabels.stage'],
  instrument: ['rounds.fields.instrument', 'fieldLabels.instrument'],
  status: ['rounds.fields.status', 'fieldLabels.status'],
  amountKrw: ['rounds.fields.amountKrw', 'fieldLabels.amountKrw'],
  currency: ['rounds.fields.currency', 'fieldLabels.currency'],
  amountForeign: ['rounds.fields.amountForeign'],
  preMoneyKrw: ['rounds.fields.preMoneyKrw', 'fieldLabels.preMoneyKrw'],
  announcedOn: ['rounds.fields.announcedOn', 'fieldLabels.announcedOn'],
  closedOn: ['rounds.fields.closedOn', 'fieldLabels.closedOn'],
  valuationCapKrw: ['rounds.fields.valuationCapKrw', 'fieldLabels.terms.valuationCapKrw'],
  discountPct: ['rounds.fields.discountPct', 'fieldLabels.terms.discountPct'],
  interestPct: ['rounds.fields.interestPct', 'fieldLabels.terms.interestPct'],
  redemptionYears: ['rounds.fields.redemptionYears', 'fieldLabels.terms.redemptionYears'],
  conversionPriceKrw: ['rounds.fields.conversionPriceKrw', 'fieldLabels.terms.conversionPriceKrw'],
  refixingFloorPct: ['rounds.fields.refixingFloorPct', 'fieldLabels.terms.refixingFloorPct'],
  note: ['rounds.fields.note', 'fieldLabels.note'],
  participants: ['rounds.fields.participants', 'fieldLabels.participants'],
};

export const COLUMN_LABEL_KEYS: Record<ImportKind, Record<string, readonly string[]>> = {
  firms: FIRM_LABELS,
  investors: INVESTOR_LABELS,
  rounds: ROUND_LABELS,
};

export const LANGS: readonly Lang[] = ['ko', 'en'];

const locales = new Map<Lang, Record<string, unknown>>();
function localeOf(lang: Lang): Record<string, unknown> {
  let strings = locales.get(lang);
  if (!strings) {
    strings = loadLocale(lang);
    locales.set(lang, strings);
  }
  return strings;
}

// A locale string by its key ('' when there is none).
export function localeText(key: string, lang: Lang): string {
  const v = valueAt(localeOf(lang), key);
  return typeof v === 'string' ? v : '';
}

// A bracketed unit at the end of a header or label: "(원)", "[KRW]", "（won）", "(%)", "(년)".
export const UNIT_BRACKET = /\s*[([{（［]\s*(원|krw|won|₩|%|년|years?|명|개)\s*[)\]}）］]/giu;

const WON_BRACKET = /\s*[([{（［]\s*(원|krw|won|₩)\s*[)\]}）］]/giu;

// Won amounts say their unit in the header, so a person knows 15억 and 1500000000 both mean won.
const isWon = (column: string) => /Krw$/.test(column);
const UNIT: Record<Lang, string> = { ko: '원', en: 'KRW' };

// The header a person sees for an import or export column in a language: the column's first label, with "(원)" /
// "(KRW)" for amounts in won. Unknown columns are returned as they are.
export function columnLabel(kind: ImportKind, column: string, lang: 'ko' | 'en'): string {
  const key = COLUMN_LABEL_KEYS[kind][column]?.[0];
  const label = key ? localeText(key, lang).replace(WON_BRACKET, '').trim() : '';
  if (!label) return column;
  return isWon(column) ? `${label} (${UNIT[lang]})` : label;
}

// Every column of a kind with a header: the importable ones and the export's read-only ones.
export function labelledColumns(kind: ImportKind): string[] {
  return [...COLUMNS[kind], ...IGNORABLE_COLUMNS[kind]];
}
