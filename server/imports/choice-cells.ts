import type { ImportKind } from '../../models/enums.js';
import { labelKeyOf, valuesOf, type EnumName } from '../lib/labels.js';
import { CURRENCIES } from '../rounds/index.js';
import { LANGS, localeText } from './column-labels.js';
import type { RowMessage } from './row-decision.js';

// Cells of a choice (sector, stage, status …) as people write them: the code (digital-assets), its label in Korean or
// English (디지털자산, Digital assets), or a common synonym (가상자산, Pre-A) — without case, spaces or punctuation.

export type Vocabulary = EnumName | 'currencies';

// Which columns of a kind hold a choice, from which vocabulary; multi: several values in one cell.
export const CHOICE_COLUMNS: Record<ImportKind, Record<string, { vocabulary: Vocabulary; multi?: true }>> = {
  firms: {
    sectorPrimary: { vocabulary: 'sectors' },
    sectorsSecondary: { vocabulary: 'sectors', multi: true },
    stage: { vocabulary: 'firmStages' },
    tipsTrack: { vocabulary: 'tipsTracks' },
    tipsSuccessCriteria: { vocabulary: 'tipsSuccessCriteria', multi: true },
    fundraisingStage: { vocabulary: 'roundStages' },
    fundraisingInstrument: { vocabulary: 'instruments' },
    status: { vocabulary: 'initialFirmStatuses' },
  },
  investors: {
    type: { vocabulary: 'investorTypes' },
    thesisSectors: { vocabulary: 'sectors', multi: true },
    thesisStages: { vocabulary: 'roundStages', multi: true },
    thesisInstruments: { vocabulary: 'instruments', multi: true },
    thesisRegions: { vocabulary: 'investorRegions', multi: true },
  },
  rounds: {
    stage: { vocabulary: 'roundStages' },
    instrument: { vocabulary: 'instruments' },
    status: { vocabulary: 'roundStatuses' },
    currency: { vocabulary: 'currencies' },
  },
};

function valueKey(cell: string): string {
  return cell
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}+]+/gu, '');
}

// Words people use that are neither a code nor a label (in valueKey form), per vocabulary.
const SYNONYMS: Partial<Record<Vocabulary, Record<string, readonly string[]>>> = {
  sectors: {
    payments: ['결제', '페이먼트', '지급', '간편결제', 'payment', '핀테크결제'],
    'digital-assets': ['디지털자산', '가상자산', '블록체인', '암호화폐', '가상화폐', 'digitalasset', 'blockchain'],
    lending: ['대출', 'p2p', 'p2p대출', '온라인투자연계금융', '여신'],
    insurtech: ['보험', '인슈어테크'],
    wealthtech: ['자산관리', 'wm', '로보어드바이저', 'wealth'],
    regtech: ['레그테크', '규제기술'],
    'security-identity': ['보안', '인증', '보안인증', 'security', 'identity'],
    'data-ai': ['데이터', 'ai', '인공지능', '데이터ai', 'data', 'dataai'],
    'banking-infrastructure': ['금융인프라', '뱅킹인프라', 'bankinginfra'],
    other: ['기타', 'etc'],
  },
  firmStages: {},
  // "선정" was the Korean label of admitted before it became "입주 확정" (TIPS has its own "선정"): older files still read.
  initialFirmStatuses: { admitted: ['선정', '입주선정'] },
  roundStages: {},
  instruments: {
    common: ['보통주', '보통', 'commonstock'],
    preferred: ['우선주', 'cps', '전환우선주', 'preferredstock'],
    rcps: ['상환전환우선주'],
    'convertible-bond': ['전환사채', 'cb'],
    'convertible-note': ['전환증권', 'cn'],
    safe: ['조건부지분인수계약', '세이프'],
    grant: ['지원금', '보조금', '출연금'],
    loan: ['대출', '융자', '차입'],
  },
  roundStatuses: {
    planned: ['예정', '계획'],
    open: ['진행', '진행중', '모집중', 'ongoing'],
    closed: ['완료', '종료', '마감', '클로징', 'done', 'completed'],
    cancelled: ['취소', '철회', 'canceled'],
  },
  investorTypes: {
    vc: ['벤처캐피탈', '벤처캐피털', '창투사', '창업투자회사', '신기사', '신기술사업금융회사', 'vc', 'venturecapital'],
    cvc: ['기업형벤처캐피탈', 'corporatevc'],
    'angel-network': ['엔젤클럽', '엔젤네트워크', '엔젤투자클럽'],
    angel: ['엔젤', '개인엔젤', '개인투자자', 'angelinvestor'],
    bank: ['은행'],
    securities: ['증권', '증권사', '증권회사'],
    insurer: ['보험사', '보험회사', 'insurance'],
    'public-fund': ['공공펀드', '정책펀드', '공공기관'],
    'tips-operator': ['팁스운영사', 'tips운영사'],
    accelerator: ['액셀러레이터', '엑셀러레이터', 'ac', '창업기획자'],
  },
  investorRegions: {
    busan: ['부산'],
    'capital-area': ['수도권', '서울', '서울수도권', 'seoul'],
    korea: ['국내', '전국', '국내전역', '한국', 'nationwide'],
    asia: ['아시아'],
    global: ['글로벌', '해외', '전세계', 'worldwide'],
  },
  tipsTracks: {
    tips: ['팁스', '일반팁스'],
    'pre-tips': ['프리팁스'],
    'post-tips': ['포스트팁스'],
    'scale-up-tips': ['스케일업팁스'],
  },
  currencies: {
    KRW: ['원', '₩', 'won', '원화', '한국원'],
    USD: ['달러', '미국달러', '$', 'usd', 'dollar', 'us$'],
    EUR: ['유로', '€', 'euro'],
    JPY: ['엔', '엔화', '일본엔', '¥', 'yen'],
    CNY: ['위안', '위안화', 'rmb', 'yuan'],
    SGD: ['싱가포르달러'],
    HKD: ['홍콩달러'],
    GBP: ['파운드', '£', 'pound'],
  },
};

// Stage words people use for both firm and round stages.
const STAGE_SYNONYMS: Record<string, readonly string[]> = {
  idea: ['아이디어', '예비창업'],
  'pre-seed': ['프리시드', '프리씨드', 'preseed'],
  seed: ['시드', '씨드'],
  'pre-a': ['pre-a', '프리a', '프리시리즈a', 'preseriesa', 'prea'],
  'series-a': ['시리즈a', 'seriesa', 'a라운드', 'a'],
  'series-b': ['시리즈b', 'seriesb', 'b라운드', 'b'],
  'series-c-plus': ['시리즈c', 'seriesc', '시리즈c+', 'seriesc+', 'c+', 'c', 'c라운드', '시리즈d', 'seriesd'],
  'pre-ipo': ['프리ipo', 'preipo'],
  public: ['상장', 'ipo', 'listed'],
  bridge: ['브릿지', '브리지'],
  grant: ['정부지원금', '지원금', 'governmentgrant'],
  'tips-rnd': ['팁스rd', 'tipsrd'],
};

export function valuesOfVocabulary(vocabulary: Vocabulary): readonly string[] {
  return vocabulary === 'currencies' ? Object.keys(CURRENCIES) : valuesOf(vocabulary);
}

// A value's label in a language (currencies are their codes).
export function choiceLabel(vocabulary: Vocabulary, value: string, lang: 'ko' | 'en'): string {
  if (vocabulary === 'currencies') return value;
  return localeText(labelKeyOf(vocabulary, value), lang) || value;
}

const lexicons = new Map<Vocabulary, Map<string, string>>();

// valueKey → value: codes, then labels in both languages (whole, without their bracket, the bracket alone: "RCPS"),
// then synonyms; the first claim of a key wins.
function lexiconOf(vocabulary: Vocabulary): Map<string, string> {
  let lex = lexicons.get(vocabulary);
  if (lex) return lex;
  const map = new Map<string, string>();
  lex = map;
  const claim = (word: string, value: string) => {
    const key = valueKey(word);
    if (key && !map.has(key)) map.set(key, value);
  };
  const values = valuesOfVocabulary(vocabulary);
  for (const v of values) claim(v, v);
  for (const lang of LANGS)
    for (const v of values) {
      const label = choiceLabel(vocabulary, v, lang);
      claim(label, v);
      claim(label.replace(/\s*[(（][^)）]*[)）]/g, ''), v);
      const inner = /[(（]([^)）]+)[)）]/.exec(label)?.[1];
      if (inner) claim(inner, v);
    }
  const synonyms = {
    ...(vocabulary === 'firmStages' || vocabulary === 'roundStages' ? STAGE_SYNONYMS : {}),
    ...SYNONYMS[vocabulary],
  };
  for (const [value, words] of Object.entries(synonyms))
    if (values.includes(value)) for (const w of words) claim(w, value);
  lexicons.set(vocabulary, lex);
  return lex;
}

// One value as written → its code; undefined when the vocabulary has no such value.
export function choiceOf(vocabulary: Vocabulary, cell: string): string | undefined {
  return lexiconOf(vocabulary).get(valueKey(cell));
}

// Several values in one cell: separated by ; | or a comma (no label holds one).
function splitChoices(cell: string): string[] {
  return cell
    .split(/[;|,，、]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

// A row's choice cells as codes; a value the vocabulary does not know is left out of the cell and reported with the
// value found and the vocabulary (the message lists its labels in the reader's language).
export function choiceCells(
  kind: ImportKind,
  cells: Record<string, string>,
): { cells: Record<string, string>; messages: RowMessage[] } {
  const out = { ...cells };
  const messages: RowMessage[] = [];
  for (const [column, { vocabulary, multi }] of Object.entries(CHOICE_COLUMNS[kind])) {
    const raw = cells[column];
    if (raw === undefined || raw.trim() === '') continue;
    const parts = multi ? splitChoices(raw) : [raw.trim()];
    const codes: string[] = [];
    for (const part of parts) {
      const code = choiceOf(vocabulary, part);
      if (code) codes.push(code);
      else messages.push({ field: column, message: 'imports.errors.choice', params: { value: part, vocabulary } });
    }
    out[column] = multi ? codes.join('; ') : (codes[0] ?? '');
  }
  return { cells: out, messages };
}
