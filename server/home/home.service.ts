import { FirmModel } from '../../models/firm.model.js';

const COHORT_BASELINE = 19;
const COHORT_TARGET = 60;

export async function dashboardSummary() {
  // Index-shaped counts ({archived, status}); the residents' raised totals summed in one $group.
  const [residents, pipeline, raised] = await Promise.all([
    FirmModel.countDocuments({ archived: false, status: 'resident' }),
    FirmModel.countDocuments({ archived: false, status: { $in: ['applicant', 'screening', 'admitted'] } }),
    FirmModel.aggregate<{ _id: null; total: number }>([
      { $match: { archived: false, status: 'resident' } },
      { $group: { _id: null, total: { $sum: '$totals.raisedKrw' } } },
    ]),
  ]);
  return {
    residents,
    pipeline,
    raisedKrw: raised[0]?.total ?? 0,
    baseline: COHORT_BASELINE,
    target: COHORT_TARGET,
    progressPct: Math.min(100, Math.round((residents / COHORT_TARGET) * 100)),
  };
}
