import type {
  Instrument,
  InvestorContactRole,
  InvestorRegion,
  MatchStage,
  PassReason,
  RoundStage,
  Sector,
} from '../../models/enums.js';

// The demo's deal flow: what each demo organisation invests in, its other (not BIFC) funds, its people, matches with
// startups at several stages (with their histories), and firms shared with investors with a summary for them. Keyed by
// the organisations' English names (demo-data.ts DEMO_INVESTORS) and the firms' positions in demoFirms().

export type DemoThesis = {
  sectors: Sector[];
  stages: RoundStage[];
  instruments: Instrument[];
  regions: InvestorRegion[];
  ticketMinKrw?: number;
  ticketMaxKrw?: number;
  notes: string;
};

export const DEMO_THESES: Record<string, DemoThesis> = {
  'BNK Venture Capital': {
    sectors: ['payments', 'lending', 'data-ai', 'digital-assets'],
    stages: ['seed', 'pre-a', 'series-a'],
    instruments: ['rcps', 'convertible-bond'],
    regions: ['busan', 'korea'],
    ticketMinKrw: 300_000_000,
    ticketMaxKrw: 3_000_000_000,
    notes: '부산·경남 핀테크 초기 기업 우선. BNK금융그룹 계열사와의 협업(PoC) 가능성을 함께 봅니다.',
  },
  'Busan Tech Startup Investment': {
    sectors: ['payments', 'insurtech', 'regtech', 'banking-infrastructure'],
    stages: ['pre-seed', 'seed', 'pre-a'],
    instruments: ['common', 'rcps', 'safe'],
    regions: ['busan'],
    ticketMinKrw: 100_000_000,
    ticketMaxKrw: 1_000_000_000,
    notes: '부산 소재 또는 부산 이전 예정 기업. 시 정책 펀드로 고용 창출을 중시합니다.',
  },
  'Haeundae Angel Club': {
    sectors: ['payments', 'wealthtech', 'data-ai'],
    stages: ['pre-seed', 'seed'],
    instruments: ['common', 'safe', 'convertible-note'],
    regions: ['busan'],
    ticketMinKrw: 20_000_000,
    ticketMaxKrw: 300_000_000,
    notes: 'Members co-invest in small tickets; they like founders they can meet in Haeundae.',
  },
  'Munhyeon Accelerator': {
    sectors: ['digital-assets', 'security-identity', 'regtech', 'data-ai'],
    stages: ['pre-seed', 'seed'],
    instruments: ['common', 'safe'],
    regions: ['busan', 'capital-area'],
    ticketMinKrw: 100_000_000,
    ticketMaxKrw: 200_000_000,
    notes: 'TIPS 운영사: 선투자 1–2억 후 TIPS 추천. 블록체인 규제자유특구 실증 기업 우대.',
  },
  'Korea Maritime Securities': {
    sectors: ['digital-assets', 'wealthtech', 'banking-infrastructure'],
    stages: ['series-a', 'series-b', 'pre-ipo'],
    instruments: ['rcps', 'convertible-bond', 'preferred'],
    regions: ['korea', 'asia'],
    ticketMinKrw: 2_000_000_000,
    notes: 'Growth rounds with a path to listing; tokenised securities and shipping finance are a focus.',
  },
  'Dongbaek Partners': {
    sectors: ['digital-assets', 'security-identity', 'insurtech'],
    stages: ['pre-a', 'series-a', 'series-b'],
    instruments: ['rcps', 'convertible-note'],
    regions: ['korea', 'global'],
    ticketMinKrw: 1_000_000_000,
    ticketMaxKrw: 5_000_000_000,
    notes: '블록체인 인프라와 보안. 해외 진출 계획이 있는 팀.',
  },
};

// Funds that are not BIFC startup investment funds (those are demo-data.ts DEMO_BIFC_FUNDS, the city's target).
export const DEMO_OTHER_FUNDS: Record<
  string,
  { name: string; sizeKrw: number; vintage: string; dryPowderKrw: number }[]
> = {
  'BNK Venture Capital': [
    { name: 'BNK 동남권 혁신성장 펀드', sizeKrw: 40_000_000_000, vintage: '2021-08-20', dryPowderKrw: 5_000_000_000 },
  ],
  'Haeundae Angel Club': [
    { name: '해운대 개인투자조합 3호', sizeKrw: 2_000_000_000, vintage: '2024-02-15', dryPowderKrw: 600_000_000 },
  ],
  'Korea Maritime Securities': [
    {
      name: 'KMS Maritime Scale-up Fund',
      sizeKrw: 80_000_000_000,
      vintage: '2023-11-01',
      dryPowderKrw: 45_000_000_000,
    },
  ],
};

// The organisations' people. BNK's partner signs in to the portal as the demo investor (investor@example.org), so the
// investor page marks that contact as holding a login.
export const DEMO_INVESTOR_CONTACTS: {
  investor: string;
  name: string;
  title: string;
  email: string;
  role: InvestorContactRole;
}[] = [
  {
    investor: 'BNK Venture Capital',
    name: '정민호',
    title: '투자본부장',
    email: 'investor@example.org',
    role: 'partner',
  },
  {
    investor: 'BNK Venture Capital',
    name: '오지현',
    title: '심사역',
    email: 'jihyun.oh@bnkvc.example',
    role: 'associate',
  },
  {
    investor: 'Busan Tech Startup Investment',
    name: '한승우',
    title: '수석심사역',
    email: 'seungwoo.han@btsi.example',
    role: 'principal',
  },
  {
    investor: 'Munhyeon Accelerator',
    name: 'Sarah Kim',
    title: 'Managing Partner',
    email: 'sarah.kim@munhyeon.example',
    role: 'partner',
  },
  {
    investor: 'Dongbaek Partners',
    name: '배도현',
    title: 'IR 매니저',
    email: 'dohyun.bae@dongbaek.example',
    role: 'investor-relations',
  },
];

// A match's history as [stage, day (Asia/Seoul), pass reason]; a second cycle starts again at "suggested".
type Step = [MatchStage, string] | [MatchStage, string, PassReason];
export type DemoMatch = { firm: number; investor: string; cycles: Step[][]; nextStep?: string; dueOn?: string };

export const DEMO_MATCHES: DemoMatch[] = [
  {
    firm: 0,
    investor: 'BNK Venture Capital',
    nextStep: '투자 조건(밸류에이션·RCPS 조건) 협의',
    dueOn: '2026-12-10',
    cycles: [
      [
        ['suggested', '2026-06-02'],
        ['introduced', '2026-06-10'],
        ['meeting', '2026-07-01'],
        ['due-diligence', '2026-08-20'],
        ['term-sheet', '2026-10-15'],
      ],
    ],
  },
  {
    // Passed on valuation in the spring, talked again after the firm's traction grew.
    firm: 1,
    investor: 'Dongbaek Partners',
    nextStep: 'Second partner meeting',
    dueOn: '2026-12-03',
    cycles: [
      [
        ['suggested', '2026-03-11'],
        ['intro-requested', '2026-03-20'],
        ['introduced', '2026-04-01'],
        ['meeting', '2026-04-25'],
        ['passed', '2026-05-30', 'valuation'],
      ],
      [
        ['suggested', '2026-10-05'],
        ['introduced', '2026-10-20'],
        ['meeting', '2026-11-12'],
      ],
    ],
  },
  {
    firm: 7,
    investor: 'Busan Tech Startup Investment',
    nextStep: '소개 메일 발송',
    dueOn: '2026-11-20',
    cycles: [
      [
        ['suggested', '2026-09-01'],
        ['intro-requested', '2026-09-08'],
      ],
    ],
  },
  {
    firm: 10,
    investor: 'Haeundae Angel Club',
    cycles: [
      [
        ['suggested', '2026-03-02'],
        ['introduced', '2026-03-15'],
        ['meeting', '2026-04-01'],
        ['due-diligence', '2026-04-20'],
        ['term-sheet', '2026-05-10'],
        ['invested', '2026-06-05'],
      ],
    ],
  },
  {
    firm: 4,
    investor: 'Korea Maritime Securities',
    nextStep: 'Check back after their Q4 figures',
    dueOn: '2027-01-15',
    cycles: [
      [
        ['suggested', '2026-07-01'],
        ['introduced', '2026-07-15'],
        ['on-hold', '2026-08-30'],
      ],
    ],
  },
  {
    firm: 6,
    investor: 'Munhyeon Accelerator',
    nextStep: 'TIPS 추천 가능성 검토',
    dueOn: '2026-12-15',
    cycles: [[['suggested', '2026-10-20']]],
  },
  {
    firm: 2,
    investor: 'BNK Venture Capital',
    cycles: [
      [
        ['suggested', '2026-04-01'],
        ['introduced', '2026-04-10'],
        ['passed', '2026-05-02', 'stage-mismatch'],
      ],
    ],
  },
];

// Firms shared with investors, with the summary they read in the portal: shared with every investor (open to investors)
// or with chosen organisations only.
export const DEMO_SHARED_FIRMS: {
  firm: number;
  openToInvestors: boolean;
  orgs: string[];
  summaryKo: string;
  summaryEn: string;
}[] = [
  {
    firm: 0,
    openToInvestors: true,
    orgs: [],
    summaryKo: '부산항·관광 가맹점 QR 결제. 월 거래액 120억, 가맹점 3,400곳. 후속 투자 10억 모집 중.',
    summaryEn:
      'QR payments for Busan port and tourism merchants: ₩12B monthly volume, 3,400 merchants. Raising a ₩1B follow-on.',
  },
  {
    firm: 1,
    openToInvestors: false,
    orgs: ['BNK Venture Capital', 'Dongbaek Partners'],
    summaryKo: '토큰증권 기관 커스터디. 규제자유특구 실증 완료, 증권사 2곳과 PoC 진행 중.',
    summaryEn:
      'Institutional custody for tokenised securities; regulation-free zone pilot completed, PoCs with two brokers.',
  },
  {
    firm: 7,
    openToInvestors: false,
    orgs: ['BNK Venture Capital'],
    summaryKo: '통신·공공요금 데이터 기반 신용평가. 지방은행 1곳 도입, 승인율 18% 개선.',
    summaryEn:
      'Credit scoring from telecom and utility data; live at one regional bank with an 18% better approval rate.',
  },
];
