import {
  FIRM_STAGES,
  FIRM_STATUSES,
  INITIAL_FIRM_STATUSES,
  INSTRUMENTS,
  INVESTOR_CONTACT_ROLES,
  INVESTOR_REGIONS,
  INVESTOR_TYPES,
  MATCH_STAGES,
  PASS_REASONS,
  PERSON_ROLES,
  ROLES,
  ROUND_STAGES,
  ROUND_STATUSES,
  SECTORS,
  TARGET_METRICS,
  TIPS_STATUSES,
  TIPS_SUCCESS_CRITERIA,
  TIPS_TRACKS,
} from '../../models/enums.js';

// The allowed values of a choice come from models/enums.ts; their labels from one locale key per value,
// enums.<vocabulary>.<value> (server/locales/<lang>/enums.json). Firm and round stages share one vocabulary, so
// "pre-a" reads the same wherever it appears.
const ENUMS = {
  roles: { values: ROLES, labels: 'roles' },
  firmStatuses: { values: FIRM_STATUSES, labels: 'firmStatuses' },
  initialFirmStatuses: { values: INITIAL_FIRM_STATUSES, labels: 'firmStatuses' },
  sectors: { values: SECTORS, labels: 'sectors' },
  firmStages: { values: FIRM_STAGES, labels: 'stages' },
  roundStages: { values: ROUND_STAGES, labels: 'stages' },
  instruments: { values: INSTRUMENTS, labels: 'instruments' },
  roundStatuses: { values: ROUND_STATUSES, labels: 'roundStatuses' },
  investorTypes: { values: INVESTOR_TYPES, labels: 'investorTypes' },
  investorRegions: { values: INVESTOR_REGIONS, labels: 'investorRegions' },
  investorContactRoles: { values: INVESTOR_CONTACT_ROLES, labels: 'investorContactRoles' },
  tipsTracks: { values: TIPS_TRACKS, labels: 'tipsTracks' },
  tipsStatuses: { values: TIPS_STATUSES, labels: 'tipsStatuses' },
  tipsSuccessCriteria: { values: TIPS_SUCCESS_CRITERIA, labels: 'tipsSuccessCriteria' },
  personRoles: { values: PERSON_ROLES, labels: 'personRoles' },
  matchStages: { values: MATCH_STAGES, labels: 'matchStages' },
  passReasons: { values: PASS_REASONS, labels: 'passReasons' },
  targetMetrics: { values: TARGET_METRICS, labels: 'targetMetrics' },
} as const satisfies Record<string, { values: readonly string[]; labels: string }>;

export type EnumName = keyof typeof ENUMS;
export const ENUM_NAMES = Object.keys(ENUMS) as EnumName[];
export type Translate = (key: string, options?: { defaultValue?: string }) => string;
export type Option = { value: string; label: string };

export function valuesOf<N extends EnumName>(name: N): (typeof ENUMS)[N]['values'] {
  return ENUMS[name].values;
}

export function labelKeyOf(name: EnumName, value: string): string {
  return `enums.${ENUMS[name].labels}.${value}`;
}

// A stored value's label; '' for no value, the value itself for one the vocabulary no longer has.
export function labelOf(name: EnumName, value: string | null | undefined, t: Translate): string {
  if (value === null || value === undefined || value === '') return '';
  return t(labelKeyOf(name, value), { defaultValue: value });
}

// The choices of a select or checkbox group in the vocabulary's order; `blank` adds a first, empty choice.
export function optionsOf(name: EnumName, t: Translate, blank?: string): Option[] {
  const options = ENUMS[name].values.map((value) => ({ value, label: labelOf(name, value, t) }));
  return blank === undefined ? options : [{ value: '', label: blank }, ...options];
}

// Which vocabulary an audited or edited field holds, so change lists and edit conflicts show labels rather than codes.
const FIELD_ENUMS: Record<string, EnumName> = {
  status: 'firmStatuses',
  sectorPrimary: 'sectors',
  sectorsSecondary: 'sectors',
  stage: 'firmStages',
  instrument: 'instruments',
  'fundraising.stage': 'roundStages',
  'fundraising.instrument': 'instruments',
  'tips.track': 'tipsTracks',
  'tips.status': 'tipsStatuses',
  'tips.successCriteria': 'tipsSuccessCriteria',
  role: 'personRoles',
  type: 'investorTypes',
  // The same fields as the firm form names them (an edit conflict lists form fields).
  fundraisingStage: 'roundStages',
  fundraisingInstrument: 'instruments',
  tipsTrack: 'tipsTracks',
  tipsSuccessCriteria: 'tipsSuccessCriteria',
  // An investor's thesis, stored and as its form names it; a contact's role at the organisation.
  'thesis.sectors': 'sectors',
  'thesis.stages': 'roundStages',
  'thesis.instruments': 'instruments',
  'thesis.regions': 'investorRegions',
  thesisSectors: 'sectors',
  thesisStages: 'roundStages',
  thesisInstruments: 'instruments',
  thesisRegions: 'investorRegions',
  investorRole: 'investorContactRoles',
};
const ENTITY_FIELD_ENUMS: Record<string, Record<string, EnumName>> = {
  round: { status: 'roundStatuses', stage: 'roundStages' },
  user: { role: 'roles' },
  match: { stage: 'matchStages', passReason: 'passReasons', round: 'roundStages' },
  target: { metric: 'targetMetrics' },
};

export function enumOfField(entity: string | undefined, field: string): EnumName | undefined {
  return ENTITY_FIELD_ENUMS[entity ?? '']?.[field] ?? FIELD_ENUMS[field];
}
