import { FirmModel } from '../../models/firm.model.js';
import { readComputed } from '../lib/computed.service.js';

const COHORT_BASELINE = 19;
const COHORT_TARGET = 60;

type DashboardFigures = { residents: number; pipeline: number; raisedKrw: number };

// Counted over every firm: read from the computed figures (one document by _id), recounted only after a firm write
// that may change them (models/firm.model.ts marks them stale).
export async function dashboardSummary() {
  const { residents, pipeline, raisedKrw } = await readComputed('firms', 'dashboard', countDashboardFigures);
  return {
    residents,
    pipeline,
    raisedKrw,
    baseline: COHORT_BASELINE,
    target: COHORT_TARGET,
    progressPct: Math.min(100, Math.round((residents / COHORT_TARGET) * 100)),
  };
}

// From scratch: index-shaped counts ({archived, status}); the residents' raised totals summed in one $group.
export async function countDashboardFigures(): Promise<DashboardFigures> {
  const [residents, pipeline, raised] = await Promise.all([
    FirmModel.countDocuments({ archived: false, status: 'resident' }),
    FirmModel.countDocuments({ archived: false, status: { $in: ['applicant', 'screening', 'admitted'] } }),
    FirmModel.aggregate<{ _id: null; total: number }>([
      { $match: { archived: false, status: 'resident' } },
      { $group: { _id: null, total: { $sum: '$totals.raisedKrw' } } },
    ]),
  ]);
  return { residents, pipeline, raisedKrw: raised[0]?.total ?? 0 };
}
