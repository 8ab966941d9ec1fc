import type { FirmStatus, InvestorType, Sector } from '../../models/enums.js';

export const DEMO_PASSWORD = 'tipstown-demo';

export const DEMO_INVESTORS: {
  nameKo: string;
  nameEn: string;
  type: InvestorType;
  bifcBased: boolean;
  website?: string;
}[] = [
  { nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital', type: 'vc', bifcBased: true },
  { nameKo: '부산기술창업투자원', nameEn: 'Busan Tech Startup Investment', type: 'public-fund', bifcBased: true },
  { nameKo: '해운대엔젤클럽', nameEn: 'Haeundae Angel Club', type: 'angel-network', bifcBased: false },
  { nameKo: '문현액셀러레이터', nameEn: 'Munhyeon Accelerator', type: 'tips-operator', bifcBased: true },
  { nameKo: '한국해양금융증권', nameEn: 'Korea Maritime Securities', type: 'securities', bifcBased: true },
  { nameKo: '동백파트너스', nameEn: 'Dongbaek Partners', type: 'vc', bifcBased: false },
];

// `history`: the firm's status changes with the day each took effect (the reports count residency from them); `status`
// and `since` are its last entry.
type DemoFirm = {
  nameKo: string;
  nameEn: string;
  sector: Sector;
  pitch: string;
  status: FirmStatus;
  since: string;
  tags: string[];
  history: [FirmStatus, string][];
};

// The BIFC startup investment funds of the demo organisations (by English name): ₩1,400억 formed by the baseline
// (2024-12-31), growing toward the plan's ₩2,400억.
export const DEMO_BIFC_FUNDS: Record<
  string,
  { name: string; sizeKrw: number; vintage: string; dryPowderKrw: number }[]
> = {
  'BNK Venture Capital': [
    { name: 'BNK 부산 핀테크 펀드 1호', sizeKrw: 50_000_000_000, vintage: '2022-03-15', dryPowderKrw: 8_000_000_000 },
    { name: 'BNK 부산 핀테크 펀드 2호', sizeKrw: 35_000_000_000, vintage: '2026-06-10', dryPowderKrw: 30_000_000_000 },
  ],
  'Busan Tech Startup Investment': [
    { name: '부산 BIFC 창업투자조합', sizeKrw: 60_000_000_000, vintage: '2023-05-02', dryPowderKrw: 21_000_000_000 },
  ],
  'Munhyeon Accelerator': [
    { name: '문현 TIPS 시드 펀드', sizeKrw: 30_000_000_000, vintage: '2024-06-28', dryPowderKrw: 12_000_000_000 },
  ],
  'Dongbaek Partners': [
    { name: '동백 블록체인 펀드', sizeKrw: 25_000_000_000, vintage: '2025-09-01', dryPowderKrw: 20_000_000_000 },
  ],
};

// Demo history ends here, so the figures read the same whenever the demo is seeded.
export const DEMO_LAST_DAY = '2026-11-30';
export const DEMO_BASELINE_DAY = '2024-12-31';

const RESIDENT_PITCHES: [string, string, Sector, string][] = [
  ['해운페이', 'HaeunPay', 'payments', 'QR payments for Busan port and tourism merchants'],
  ['블록스톤랩스', 'Blockstone Labs', 'digital-assets', 'Institutional custody for tokenised securities'],
  ['문현크레딧', 'Munhyeon Credit', 'lending', 'SME invoice financing with alternative data'],
  ['마린인슈어', 'MarineInsure', 'insurtech', 'Parametric cargo insurance for shipping firms'],
  ['로보자산', 'RoboAsset', 'wealthtech', 'Robo-advice for retirement pension accounts'],
  ['레그체크', 'RegCheck', 'regtech', 'Automated AML reporting for small lenders'],
  ['아이디가드', 'IDGuard', 'security-identity', 'Mobile identity verification with liveness checks'],
  ['데이터스코어', 'DataScore', 'data-ai', 'Credit scoring from telecom and utility data'],
  ['코어뱅크', 'CoreBank API', 'banking-infrastructure', 'Open-banking API gateway for regional banks'],
  ['부산토큰', 'Busan Token', 'digital-assets', 'Local currency on a permissioned blockchain'],
  ['페이브릿지', 'PayBridge', 'payments', 'Cross-border remittance for foreign workers'],
  ['스마트렌드', 'SmartLend', 'lending', 'P2P lending marketplace for logistics firms'],
  ['케어보험', 'CareInsure', 'insurtech', 'Embedded insurance for mobility platforms'],
  ['웰스노트', 'WealthNote', 'wealthtech', 'Portfolio analytics for independent advisers'],
  ['컴플라이랩', 'ComplyLab', 'regtech', 'Regulatory change tracking with NLP'],
  ['시큐키', 'SecuKey', 'security-identity', 'Hardware-backed keys for crypto wallets'],
  ['인사이트AI', 'Insight AI', 'data-ai', 'Fraud detection for card issuers'],
  ['오션레저', 'Ocean Ledger', 'digital-assets', 'Blockchain bills of lading for shipping finance'],
  ['핀브릿지', 'FinBridge', 'banking-infrastructure', 'Core banking as a service for credit unions'],
];

// Firms that arrived after the baseline (one about every month) and firms that had already left by it.
const NEWCOMERS: [string, string, Sector, string][] = [
  ['센텀페이', 'Centum Pay', 'payments', 'Tap-to-pay for convention and exhibition visitors'],
  ['디지털자산원', 'Digital Asset Works', 'digital-assets', 'Tokenised deposits for regional banks'],
  ['해양대출', 'Harbour Loans', 'lending', 'Working-capital loans against shipping receivables'],
  ['펫보험랩', 'PetInsure Lab', 'insurtech', 'Usage-based pet insurance'],
  ['연금봇', 'PensionBot', 'wealthtech', 'Automated rebalancing for personal pensions'],
  ['KYC웍스', 'KYC Works', 'regtech', 'Shared KYC utility for securities firms'],
  ['패스키원', 'PasskeyOne', 'security-identity', 'Passkeys for banking apps'],
  ['신용그래프', 'CreditGraph', 'data-ai', 'Graph analytics for thin-file borrowers'],
  ['오픈코어', 'OpenCore', 'banking-infrastructure', 'Modular core ledger for digital banks'],
  ['수산체인', 'FishChain', 'digital-assets', 'Traceable seafood trade finance on a ledger'],
  ['글로벌송금', 'GlobalRemit', 'payments', 'Remittances for seafarers'],
  ['스마트팩토링', 'SmartFactoring', 'lending', 'Factoring for shipbuilding suppliers'],
  ['여행보험온', 'TravelInsure On', 'insurtech', 'Per-trip insurance for cruise passengers'],
  ['로보펀드', 'RoboFund', 'wealthtech', 'Thematic ETF portfolios for retail investors'],
  ['감사자동화', 'AuditFlow', 'regtech', 'Continuous audit for payment firms'],
  ['보안금고', 'VaultSafe', 'security-identity', 'MPC custody keys for institutions'],
  ['대체데이터랩', 'AltData Lab', 'data-ai', 'Satellite port-traffic data for lenders'],
  ['뱅크링크', 'BankLink', 'banking-infrastructure', 'Account aggregation API for MyData'],
  ['부산STO', 'Busan STO', 'digital-assets', 'Security token offerings for real assets'],
  ['가맹점대출', 'MerchantLoan', 'lending', 'Revenue-based finance for small merchants'],
  ['기후보험', 'ClimateCover', 'insurtech', 'Typhoon cover for coastal businesses'],
  ['AI재무', 'FinanceAI', 'data-ai', 'Cash-flow forecasting for SMEs'],
];
// Each with how it left.
const ALUMNI: [string, string, Sector, string, FirmStatus][] = [
  ['초량페이', 'Choryang Pay', 'payments', 'Prepaid cards for market vendors', 'graduated'],
  ['영도체인', 'Yeongdo Chain', 'digital-assets', 'Ledger for port logistics documents', 'exited'],
  ['남포크레딧', 'Nampo Credit', 'lending', 'Micro-loans for street food vendors', 'withdrawn'],
];

const APPLICANTS: [string, string, Sector, string, FirmStatus][] = [
  ['광안테크', 'Gwangan Tech', 'payments', 'Offline-first payments for traditional markets', 'applicant'],
  ['체인웍스', 'ChainWorks', 'digital-assets', 'Security token issuance platform', 'screening'],
  ['펀드메이트', 'FundMate', 'wealthtech', 'Micro-investing for young professionals', 'applicant'],
  ['보험나우', 'InsureNow', 'insurtech', 'Instant claims for small merchants', 'admitted'],
  ['리스크랩', 'RiskLab', 'data-ai', 'Climate risk data for lenders', 'screening'],
];

const pad = (n: number) => String(n).padStart(2, '0');
// The day in month m (1 = January 2023) of the demo calendar.
const demoDay = (m: number, d: number) => `${2023 + Math.floor((m - 1) / 12)}-${pad(((m - 1) % 12) + 1)}-${pad(d)}`;

// Every firm with its status history: the 19 residents of the baseline admitted over 2023–2024 (four of them leave
// later), newcomers about every month since, alumni who left before the baseline, and a few applicants.
export function demoFirms(): DemoFirm[] {
  const firm = (
    nameKo: string,
    nameEn: string,
    sector: Sector,
    pitch: string,
    history: [FirmStatus, string][],
    tags: string[],
  ): DemoFirm => {
    const [status, since] = history[history.length - 1]!; // every demo firm has a history
    return { nameKo, nameEn, sector, pitch, status, since, tags, history };
  };
  const resident = (admitted: string, resident: string, left?: [FirmStatus, string]): [FirmStatus, string][] => [
    ['applicant', admitted.slice(0, 8) + '01'],
    ['screening', admitted.slice(0, 8) + '10'],
    ['admitted', admitted],
    ['resident', resident],
    ...(left ? [left] : []),
  ];
  // Baseline cohort: admitted months 1–23 (Jan 2023 – Nov 2024), resident the month after; four leave in 2025–2026.
  const departures: Record<number, [FirmStatus, string]> = {
    3: ['graduated', '2025-06-30'],
    8: ['exited', '2025-12-15'],
    13: ['graduated', '2026-03-31'],
    17: ['withdrawn', '2026-09-10'],
  };
  const residents = RESIDENT_PITCHES.map(([nameKo, nameEn, sector, pitch], i) =>
    firm(
      nameKo,
      nameEn,
      sector,
      pitch,
      resident(demoDay(1 + i, 12), demoDay(2 + i, 1 + (i % 20)), departures[i]),
      i % 3 === 0 ? ['bifc', 'blockchain-zone'] : ['bifc'],
    ),
  );
  // Newcomers: resident from months 25–46 (Jan 2025 – Oct 2026); two leave again.
  const newcomers = NEWCOMERS.map(([nameKo, nameEn, sector, pitch], i) =>
    firm(
      nameKo,
      nameEn,
      sector,
      pitch,
      resident(
        demoDay(24 + i, 15),
        demoDay(25 + i, 3 + (i % 25)),
        i === 2 ? ['exited', '2026-05-29'] : i === 6 ? ['withdrawn', '2026-11-02'] : undefined,
      ),
      ['bifc'],
    ),
  );
  const alumni = ALUMNI.map(([nameKo, nameEn, sector, pitch, left], i) =>
    firm(
      nameKo,
      nameEn,
      sector,
      pitch,
      resident(demoDay(1 + i * 2, 20), demoDay(2 + i * 2, 15), [left, demoDay(14 + i * 3, 28)]),
      [],
    ),
  );
  const applicants = APPLICANTS.map(([nameKo, nameEn, sector, pitch, status]) =>
    firm(
      nameKo,
      nameEn,
      sector,
      pitch,
      status === 'applicant'
        ? [['applicant', '2026-10-01']]
        : [
            ['applicant', '2026-09-15'],
            [status, '2026-10-01'],
          ],
      [],
    ),
  );
  return [...residents, ...newcomers, ...alumni, ...applicants];
}

export type DemoRound = {
  stage: 'seed' | 'pre-a' | 'series-a' | 'series-b';
  amountKrw: number;
  preMoneyKrw: number;
  closedOn: string;
};

// A firm's funding rounds: seed, pre-A and series A some months after it became resident (varying by firm), each closed,
// up to the demo's last day. Every fourth firm raises nothing.
export function demoRounds(i: number, residentOn: string): DemoRound[] {
  if (i % 4 === 3) return [];
  const [y, m] = residentOn.split('-').map(Number) as [number, number];
  const at = (months: number) => {
    const total = y * 12 + (m - 1) + months;
    return `${Math.floor(total / 12)}-${pad((total % 12) + 1)}-${pad(5 + ((i * 7) % 22))}`;
  };
  const plan: DemoRound[] = [
    {
      stage: 'seed',
      amountKrw: (3 + (i % 5)) * 100_000_000,
      preMoneyKrw: (25 + (i % 7) * 3) * 100_000_000,
      closedOn: at(3 + (i % 4)),
    },
    {
      stage: 'pre-a',
      amountKrw: (10 + (i % 6) * 2) * 100_000_000,
      preMoneyKrw: (80 + (i % 5) * 10) * 100_000_000,
      closedOn: at(12 + (i % 5)),
    },
    {
      stage: 'series-a',
      amountKrw: (30 + (i % 4) * 10) * 100_000_000,
      preMoneyKrw: (200 + (i % 6) * 20) * 100_000_000,
      closedOn: at(22 + (i % 6)),
    },
  ];
  return plan.filter((r) => r.closedOn <= DEMO_LAST_DAY);
}
