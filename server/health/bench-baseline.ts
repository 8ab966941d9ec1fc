import type { Express } from 'express';
import { FIRM_STAGES, FIRM_STATUSES, SECTORS, TIPS_STATUSES } from '../../models/enums.js';
import { requireLogin } from '../auth/index.js';

// 50 firm-like rows built once, in memory: what the firm list renders, without the database.
const ROWS = Array.from({ length: 50 }, (_, i) => ({
  _id: (0x64000000 + i).toString(16).padStart(24, '0'),
  nameKo: `기준회사 ${i + 1}`,
  nameEn: `Baseline Firm ${i + 1}`,
  status: FIRM_STATUSES[i % FIRM_STATUSES.length],
  sectorPrimary: SECTORS[i % SECTORS.length],
  stage: FIRM_STAGES[i % FIRM_STAGES.length],
  tips: { status: TIPS_STATUSES[i % TIPS_STATUSES.length] },
  totals: { raisedKrw: (i + 1) * 150_000_000 },
  lastActivityAt: new Date(Date.UTC(2026, 0, 1 + i)),
}));

// Mounted by server/index.ts only when BENCH_BASELINE=1 (npm run bench): a signed-in page on the same middleware stack as
// every other (helmet, session, user, i18n, CSRF token, layout) rendering a 50-row table, the app time a page costs at least.
export function mountBenchBaseline(app: Express): void {
  app.get('/__bench/baseline', requireLogin(), (req, res) => {
    res.render('bench/baseline', { title: req.t('firms.title'), rows: ROWS });
  });
}
