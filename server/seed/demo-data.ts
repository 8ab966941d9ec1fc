import type { FirmStatus, InvestorType, Sector } from '../../models/enums.js';

export const DEMO_PASSWORD = 'tipstown-demo';

export const DEMO_INVESTORS: { nameKo: string; nameEn: string; type: InvestorType; bifcBased: boolean; website?: string }[] = [
  { nameKo: 'BNK벤처투자', nameEn: 'BNK Venture Capital', type: 'vc', bifcBased: true },
  { nameKo: '부산기술창업투자원', nameEn: 'Busan Tech Startup Investment', type: 'public-fund', bifcBased: true },
  { nameKo: '해운대엔젤클럽', nameEn: 'Haeundae Angel Club', type: 'angel-network', bifcBased: false },
  { nameKo: '문현액셀러레이터', nameEn: 'Munhyeon Accelerator', type: 'tips-operator', bifcBased: true },
  { nameKo: '한국해양금융증권', nameEn: 'Korea Maritime Securities', type: 'securities', bifcBased: true },
  { nameKo: '동백파트너스', nameEn: 'Dongbaek Partners', type: 'vc', bifcBased: false },
];

type DemoFirm = { nameKo: string; nameEn: string; sector: Sector; pitch: string; status: FirmStatus; since: string; tags: string[] };

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

const APPLICANTS: [string, string, Sector, string, FirmStatus][] = [
  ['광안테크', 'Gwangan Tech', 'payments', 'Offline-first payments for traditional markets', 'applicant'],
  ['체인웍스', 'ChainWorks', 'digital-assets', 'Security token issuance platform', 'screening'],
  ['펀드메이트', 'FundMate', 'wealthtech', 'Micro-investing for young professionals', 'applicant'],
  ['보험나우', 'InsureNow', 'insurtech', 'Instant claims for small merchants', 'admitted'],
  ['리스크랩', 'RiskLab', 'data-ai', 'Climate risk data for lenders', 'screening'],
];

export function demoFirms(): DemoFirm[] {
  const residents = RESIDENT_PITCHES.map(([nameKo, nameEn, sector, pitch], i): DemoFirm => ({
    nameKo, nameEn, sector, pitch, status: 'resident',
    since: `2025-${String((i % 9) + 1).padStart(2, '0')}-${String((i % 20) + 1).padStart(2, '0')}`,
    tags: i % 3 === 0 ? ['bifc', 'blockchain-zone'] : ['bifc'],
  }));
  const applicants = APPLICANTS.map(([nameKo, nameEn, sector, pitch, status]): DemoFirm => ({ nameKo, nameEn, sector, pitch, status, since: '2026-10-01', tags: [] }));
  return [...residents, ...applicants];
}
