import { IMPORT_KINDS, type ImportKind } from '../../models/enums.js';
import { COLUMN_LABEL_KEYS, LANGS, UNIT_BRACKET, columnLabel, localeText } from './column-labels.js';
import { COLUMNS, IGNORABLE_COLUMNS } from './import-columns.js';
import { participantColumnOf } from './participant-columns.js';

// Which column a header of a file means: the column code (nameKo, brn), any label the app shows for the field in
// Korean or English, or a common synonym — compared without case, spaces, punctuation or a bracketed unit ("(원)").

// "사업자 등록번호", "Business Registration No." and "BRN" alike: NFKC, lowercase, without a bracketed unit, then
// letters and digits only (Hangul included).
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/^\uFEFF/, '')
    .replace(UNIT_BRACKET, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

// Headers people write that the app's labels do not (already in headerKey form).
const SYNONYMS: Record<ImportKind, Record<string, readonly string[]>> = {
  firms: {
    nameKo: [
      '회사명',
      '기업명',
      '상호',
      '상호명',
      '업체명',
      '기업',
      '회사',
      '스타트업',
      '스타트업명',
      '기업이름',
      '회사이름',
      '국문명',
      '한글명',
      '기업명국문',
      '기업명한글',
      '회사명국문',
      '이름',
      'name',
      'company',
      'companyname',
      'startup',
      'firm',
      'firmname',
      'koreanname',
      'namekorean',
      'nameko',
    ],
    nameEn: [
      '영문명',
      '영문회사명',
      '영문기업명',
      '기업명영문',
      '회사명영문',
      '영문상호',
      'englishname',
      'nameenglish',
    ],
    brn: [
      '사업자번호',
      '사업자등록번호',
      '사업자',
      '사업자등록',
      '등록번호',
      'brn',
      'bizno',
      'businessno',
      'businessnumber',
      'businessregistrationnumber',
      'businessregistrationno',
      'registrationnumber',
      'registrationno',
    ],
    sectorPrimary: [
      '업종',
      '분야',
      '주업종',
      '주분야',
      '산업',
      '산업분야',
      '사업분야',
      'sector',
      'industry',
      'primarysector',
    ],
    sectorsSecondary: ['부분야', '보조분야', '세부분야', '기타분야', '기타업종', 'secondarysectors', 'othersectors'],
    stage: ['단계', '성장단계', '기업단계', '투자단계', 'stage'],
    founded: [
      '설립일',
      '설립일자',
      '설립연월일',
      '설립년월일',
      '설립',
      '창업일',
      '개업일',
      'foundedon',
      'established',
      'foundingdate',
    ],
    website: ['홈페이지', '웹사이트', '사이트', '웹', '홈페이지주소', 'url', 'homepage', 'web', 'site'],
    pitch: [
      '한줄소개',
      '소개',
      '한줄설명',
      '기업소개',
      '회사소개',
      '간단소개',
      'pitch',
      'tagline',
      'oneliner',
      'onelinepitch',
    ],
    description: ['상세설명', '설명', '사업내용', '상세소개', '주요사업', 'description', 'details'],
    headcount: [
      '인원',
      '인원수',
      '직원수',
      '임직원수',
      '종업원수',
      '고용인원',
      '직원',
      'employees',
      'staff',
      'headcount',
    ],
    tags: ['태그', '키워드', 'tags', 'keywords'],
    residencyStart: ['입주일', '입주일자', '입주시작일', '입주개시일', 'residencystart', 'movedin'],
    residencyPlannedEnd: ['입주종료예정일', '입주만료일', '입주만료예정일', '계약만료일', 'plannedend'],
    residencyEnd: ['퇴거일', '실제퇴거일', '입주종료일', 'movedout', 'actualend'],
    residencySpace: ['공간', '좌석', '호실', '입주공간', '사무실', 'space', 'desk', 'office'],
    tipsTrack: ['팁스트랙', 'tips트랙', '트랙'],
    tipsOperator: ['팁스운영사', '운영사', 'operator'],
    tipsRecommendedOn: ['팁스추천일', '추천일'],
    tipsEvaluatedOn: ['팁스평가일', '평가일'],
    tipsSelectedOn: ['팁스선정일', '선정일'],
    tipsAgreementOn: ['팁스협약일', '협약일'],
    tipsCompletedOn: ['팁스완료일'],
    tipsGrantKrw: ['팁스지원금', 'tips지원금', 'rd지원금', '팁스rd지원금'],
    tipsAddOnKrw: ['팁스연계지원금', '연계지원금'],
    tipsSuccessCriteria: ['팁스성공기준', '성공기준'],
    fundraisingRaising: ['투자유치중', '투자유치여부', '유치중', 'raising', 'fundraising'],
    fundraisingTargetKrw: ['투자유치목표', '투자유치목표금액', '목표금액', '유치목표금액', '유치목표'],
    fundraisingStage: ['유치단계', '유치라운드', '유치라운드단계'],
    fundraisingInstrument: ['유치투자방식', '유치방식'],
    fundraisingOpen: ['투자자공개', '공개', 'open'],
    status: ['상태', '입주상태', '진행상태', '선정상태', 'status'],
  },
  investors: {
    nameKo: [
      '국문명',
      '기관명',
      '투자사',
      '투자사명',
      '투자기관',
      '투자기관명',
      '회사명',
      '기업명',
      '상호',
      '이름',
      '한글명',
      'name',
      'investor',
      'koreanname',
      'namekorean',
    ],
    nameEn: ['영문명', '영문기관명', '영문투자사명', '투자사영문명', 'englishname', 'nameenglish'],
    type: ['유형', '구분', '투자사유형', '기관유형', '투자자유형', '투자기관유형', 'type', 'investortype'],
    website: ['홈페이지', '웹사이트', '사이트', 'url', 'homepage', 'web'],
    bifcBased: ['bifc', 'bifc입주', 'bifc입주여부', '입주', '입주여부', 'bifcbased', 'basedatbifc'],
    thesisSectors: ['투자분야', '관심분야', '분야', '업종', 'sectors', 'sector'],
    thesisStages: ['투자단계', '단계', 'stages', 'stage'],
    thesisInstruments: ['투자방식', '투자형태', 'instruments', 'instrument'],
    thesisRegions: ['투자지역', '지역', 'regions', 'region'],
    ticketMinKrw: ['최소투자금액', '최소투자액', '최소금액', '최소티켓', 'minticket', 'ticketmin', 'minimumticket'],
    ticketMaxKrw: ['최대투자금액', '최대투자액', '최대금액', '최대티켓', 'maxticket', 'ticketmax', 'maximumticket'],
    thesisNotes: ['투자전략메모', '투자전략', '메모', '비고', 'notes', 'note', 'memo'],
  },
  rounds: {
    roundId: ['라운드id', '라운드아이디', 'roundid', 'id'],
    firmBrn: [
      '사업자번호',
      '사업자등록번호',
      '기업사업자등록번호',
      '스타트업사업자등록번호',
      'brn',
      'businessregistrationno',
    ],
    firmName: [
      '기업명',
      '회사명',
      '상호',
      '업체명',
      '기업',
      '회사',
      '스타트업',
      '스타트업명',
      '스타트업이름',
      '피투자사',
      '피투자기업',
      '투자대상',
      '투자대상기업',
      'company',
      'companyname',
      'startup',
      'firm',
      'firmname',
    ],
    stage: ['단계', '라운드', '투자단계', '라운드단계', 'round', 'stage'],
    instrument: ['투자방식', '투자유형', '투자형태', '증권종류', '증권', 'instrument', 'security'],
    status: ['상태', '진행상태', '라운드상태', 'status'],
    amountKrw: [
      '금액',
      '투자금액',
      '투자금',
      '투자액',
      '라운드금액',
      '총투자금액',
      '유치금액',
      'amount',
      'roundamount',
    ],
    currency: ['통화', '화폐', 'currency'],
    amountForeign: ['해당통화금액', '외화금액', 'foreignamount', 'amountincurrency'],
    preMoneyKrw: ['투자전기업가치', '프리머니', '프리밸류', '프리머니밸류', 'premoney', 'premoneyvaluation'],
    announcedOn: ['발표일', '발표일자', '공시일', 'announced', 'announcedon'],
    closedOn: [
      '완료일',
      '종료일',
      '투자일',
      '투자일자',
      '납입일',
      '클로징일',
      '마감일',
      'closed',
      'closedon',
      'closingdate',
    ],
    valuationCapKrw: ['밸류에이션캡', '캡', 'valuationcap', 'cap'],
    discountPct: ['할인율', 'discount'],
    interestPct: ['이자율', '금리', 'interest'],
    redemptionYears: ['상환기간', '만기', 'redemption'],
    conversionPriceKrw: ['전환가격', '전환가액', 'conversionprice'],
    refixingFloorPct: ['리픽싱하한', '리픽싱', 'refixingfloor', 'refixing'],
    note: ['메모', '비고', 'note', 'notes', 'memo'],
    participants: ['참여투자사', '투자사', '투자자', '참여기관', '투자기관', 'participants', 'investors'],
  },
};

// Columns people keep beside the data that the import does not read: recognised (so they need no mapping) and ignored.
const IGNORED_HEADERS = [
  '번호',
  '순번',
  '연번',
  'no',
  'number',
  '대표자',
  '대표',
  '대표이사',
  '대표자명',
  'ceo',
  '주소',
  '소재지',
  'address',
  '연락처',
  '전화',
  '전화번호',
  'phone',
  '이메일',
  'email',
];

type Lexicon = Map<string, string>;
const lexicons = new Map<ImportKind, { known: Lexicon; ignorable: Set<string> }>();

// The headerKey → column table of a kind: codes, then every locale label in both languages, then synonyms (the first
// claim of a key wins, so a label the app shows outranks a synonym).
function lexiconOf(kind: ImportKind) {
  let lex = lexicons.get(kind);
  if (lex) return lex;
  const known: Lexicon = new Map();
  const claim = (key: string, column: string) => {
    if (key && !known.has(key)) known.set(key, column);
  };
  const ignorable = new Set<string>();
  for (const column of COLUMNS[kind]) claim(headerKey(column), column);
  for (const column of IGNORABLE_COLUMNS[kind]) ignorable.add(headerKey(column));
  for (const lang of LANGS) {
    for (const column of COLUMNS[kind]) claim(headerKey(columnLabel(kind, column, lang)), column);
    for (const column of IGNORABLE_COLUMNS[kind]) ignorable.add(headerKey(columnLabel(kind, column, lang)));
  }
  for (const lang of LANGS)
    for (const column of COLUMNS[kind])
      for (const key of COLUMN_LABEL_KEYS[kind][column] ?? []) claim(headerKey(localeText(key, lang)), column);
  for (const [column, words] of Object.entries(SYNONYMS[kind])) for (const w of words) claim(headerKey(w), column);
  for (const column of IGNORABLE_COLUMNS[kind])
    for (const lang of LANGS)
      for (const key of COLUMN_LABEL_KEYS[kind][column] ?? []) {
        const k = headerKey(localeText(key, lang));
        if (!known.has(k)) ignorable.add(k);
      }
  for (const w of IGNORED_HEADERS) if (!known.has(w)) ignorable.add(w);
  lex = { known, ignorable };
  lexicons.set(kind, lex);
  return lex;
}

// What a header is for a kind: a column (its code; participant columns as participant<n>, participant<n>AmountKrw,
// participant<n>Lead), a column the import knowingly ignores, a blank header, or unknown.
export type HeaderMatch =
  { header: string; status: 'column'; column: string } | { header: string; status: 'ignored' | 'blank' | 'unknown' };

function participantCode(n: number, field: 'name' | 'amountKrw' | 'lead'): string {
  return field === 'name'
    ? `participant${n}`
    : field === 'amountKrw'
      ? `participant${n}AmountKrw`
      : `participant${n}Lead`;
}

export function recogniseHeader(kind: ImportKind, header: string): HeaderMatch {
  const key = headerKey(header);
  if (!key) return { header, status: 'blank' };
  const { known, ignorable } = lexiconOf(kind);
  const column = known.get(key);
  if (column) return { header, status: 'column', column };
  if (kind === 'rounds') {
    const p = participantColumnOf(header);
    if (p) return { header, status: 'column', column: participantCode(p.n, p.field) };
  }
  if (ignorable.has(key)) return { header, status: 'ignored' };
  return { header, status: 'unknown' };
}

// Each header of a file for a kind; a column already claimed by an earlier header is not claimed twice (the later one
// is unknown, for the person to map).
export function recogniseHeaders(kind: ImportKind, headers: readonly string[]): HeaderMatch[] {
  const taken = new Set<string>();
  return headers.map((h) => {
    const m = recogniseHeader(kind, h);
    if (m.status !== 'column') return m;
    if (taken.has(m.column)) return { header: h, status: 'unknown' };
    taken.add(m.column);
    return m;
  });
}

// The columns a file of a kind cannot do without: any one of each group.
const REQUIRED: Record<ImportKind, readonly (readonly string[])[]> = {
  firms: [['nameKo', 'nameEn', 'brn']],
  investors: [['nameKo', 'nameEn']],
  rounds: [['roundId', 'firmBrn', 'firmName'], ['stage']],
};

// The required groups a mapping leaves without a column (each group named by its first column).
export function missingRequired(kind: ImportKind, columns: readonly (string | undefined)[]): string[] {
  return REQUIRED[kind].filter((group) => !group.some((c) => columns.includes(c))).map((group) => group[0]!);
}

type HeaderFit = { kind: ImportKind; known: number; unknown: number; missing: number };

function fitOf(kind: ImportKind, headers: readonly string[]): HeaderFit {
  const matches = recogniseHeaders(kind, headers);
  return {
    kind,
    known: matches.filter((m) => m.status === 'column').length,
    unknown: matches.filter((m) => m.status === 'unknown').length,
    missing: missingRequired(
      kind,
      matches.map((m) => (m.status === 'column' ? m.column : undefined)),
    ).length,
  };
}

// Another kind the headers fit clearly better (more columns recognised, fewer unknown, nothing required missing), if any:
// a rounds file uploaded as startups.
export function betterKind(kind: ImportKind, headers: readonly string[]): ImportKind | undefined {
  const own = fitOf(kind, headers);
  if (own.unknown === 0 && own.missing === 0) return undefined;
  const better = IMPORT_KINDS.filter((k) => k !== kind)
    .map((k) => fitOf(k, headers))
    .filter((f) => f.missing === 0 && f.known > own.known && f.unknown < own.unknown)
    .sort((a, b) => b.known - a.known || a.unknown - b.unknown);
  return better[0]?.kind;
}
