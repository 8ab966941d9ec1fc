import type { FirmFieldsInput } from './firms.schemas.js';
import { derivedFirmFields } from './firm-rules.js';

// Flat form/CSV fields → the stored shape (plus derived search, sort and TIPS status fields).
export function toFirmRecord(f: FirmFieldsInput) {
  const tips = {
    track: f.tipsTrack,
    operator: f.tipsOperator,
    recommendedOn: f.tipsRecommendedOn,
    evaluatedOn: f.tipsEvaluatedOn,
    selectedOn: f.tipsSelectedOn,
    agreementOn: f.tipsAgreementOn,
    completedOn: f.tipsCompletedOn,
    grantKrw: f.tipsGrantKrw,
    addOnKrw: f.tipsAddOnKrw,
    successCriteria: f.tipsSuccessCriteria.length ? f.tipsSuccessCriteria : undefined,
  };
  const derived = derivedFirmFields({ ...f, tips });
  return {
    nameKo: f.nameKo,
    nameEn: f.nameEn,
    sortName: derived.sortName,
    sortNameKo: derived.sortNameKo,
    searchTokens: derived.searchTokens,
    brn: f.brn,
    sectorPrimary: f.sectorPrimary,
    sectorsSecondary: f.sectorsSecondary,
    stage: f.stage,
    founded: f.founded,
    website: f.website,
    pitch: f.pitch,
    description: f.description,
    headcount: f.headcount,
    tags: f.tags,
    contactPerson: f.contactPerson,
    residency: {
      start: f.residencyStart,
      plannedEnd: f.residencyPlannedEnd,
      end: f.residencyEnd,
      space: f.residencySpace,
    },
    tips: { ...tips, status: derived['tips.status'] },
    zoneProject: f.zoneProject,
    fundraising: {
      raising: f.fundraisingRaising,
      targetKrw: f.fundraisingTargetKrw,
      stage: f.fundraisingStage,
      instrument: f.fundraisingInstrument,
      openToInvestors: f.fundraisingOpen,
    },
  };
}

// A stored id (ObjectId) or a value typed in: what prints as itself.
type Printable = { toString(): string };

export type StoredFirm = {
  nameKo?: string | null;
  nameEn?: string | null;
  brn?: string | null;
  sectorPrimary: string;
  sectorsSecondary?: string[] | null;
  stage?: string | null;
  founded?: string | null;
  website?: string | null;
  pitch?: string | null;
  description?: string | null;
  headcount?: number | null;
  tags?: string[] | null;
  contactPerson?: Printable | null;
  zoneProject?: string | null;
  residency?: { start?: string | null; plannedEnd?: string | null; end?: string | null; space?: string | null } | null;
  tips?: {
    track?: string | null;
    operator?: Printable | null;
    recommendedOn?: string | null;
    evaluatedOn?: string | null;
    selectedOn?: string | null;
    agreementOn?: string | null;
    completedOn?: string | null;
    grantKrw?: number | null;
    addOnKrw?: number | null;
    successCriteria?: string[] | null;
  } | null;
  fundraising?: {
    raising?: boolean | null;
    targetKrw?: number | null;
    stage?: string | null;
    instrument?: string | null;
    openToInvestors?: boolean | null;
  } | null;
};

const s = (v: Printable | null | undefined) => (v === null || v === undefined ? '' : String(v));

// Stored firm → flat string values, for the edit form and the CSV export (same names as the import reads).
export function toFirmFields(f: StoredFirm): Record<string, string | string[]> {
  return {
    nameKo: s(f.nameKo),
    nameEn: s(f.nameEn),
    brn: s(f.brn),
    sectorPrimary: s(f.sectorPrimary),
    sectorsSecondary: f.sectorsSecondary ?? [],
    stage: s(f.stage),
    founded: s(f.founded),
    website: s(f.website),
    pitch: s(f.pitch),
    description: s(f.description),
    headcount: s(f.headcount),
    tags: (f.tags ?? []).join(', '),
    contactPerson: s(f.contactPerson),
    residencyStart: s(f.residency?.start),
    residencyPlannedEnd: s(f.residency?.plannedEnd),
    residencyEnd: s(f.residency?.end),
    residencySpace: s(f.residency?.space),
    tipsTrack: s(f.tips?.track),
    tipsOperator: s(f.tips?.operator),
    tipsRecommendedOn: s(f.tips?.recommendedOn),
    tipsEvaluatedOn: s(f.tips?.evaluatedOn),
    tipsSelectedOn: s(f.tips?.selectedOn),
    tipsAgreementOn: s(f.tips?.agreementOn),
    tipsCompletedOn: s(f.tips?.completedOn),
    tipsGrantKrw: s(f.tips?.grantKrw),
    tipsAddOnKrw: s(f.tips?.addOnKrw),
    tipsSuccessCriteria: f.tips?.successCriteria ?? [],
    zoneProject: s(f.zoneProject),
    fundraisingRaising: f.fundraising?.raising ? 'true' : '',
    fundraisingTargetKrw: s(f.fundraising?.targetKrw),
    fundraisingStage: s(f.fundraising?.stage),
    fundraisingInstrument: s(f.fundraising?.instrument),
    fundraisingOpen: f.fundraising?.openToInvestors ? 'true' : '',
  };
}
