import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { markComputedStaleOnWrite } from './computed.model.js';

// One firm's contribution to a month's figures: the day it happens and the changes (server/reports/report-figures.ts).
const entrySchema = new Schema(
  {
    firm: { type: Schema.Types.ObjectId, ref: 'Firm', required: true },
    day: { type: String, required: true },
    f: { type: Schema.Types.Mixed, required: true },
  },
  { _id: false },
);

// Computed pattern: the reports' monthly summary, maintained at write time (server/reports/report-months.service.ts).
// `_id` is the month, YYYY-MM. `figures` sums `entries` (admissions, departures, net change of residents and jobs,
// capital raised by round stage, TIPS selections, …); the entries keep the days, so a figure on any day is the months
// before it plus that month's entries up to the day. One firm's refresh replaces only its own entries, so months never
// depend on each other and the running totals are summed when read. `rev` guards each rewrite (optimistic concurrency);
// `v` is the version of the computation that wrote the month (a new one triggers a rebuild at start-up).
const reportMonthSchema = new Schema(
  {
    _id: { type: String, required: true },
    figures: { type: Schema.Types.Mixed, required: true },
    entries: { type: [entrySchema], default: [] },
    rev: { type: Number, required: true, default: 0 },
    v: { type: Number, required: true },
  },
  { timestamps: true, minimize: false },
);
reportMonthSchema.index({ 'entries.firm': 1 });

export type ReportMonth = InferSchemaType<typeof reportMonthSchema>;
export const ReportMonthModel = mongoose.model('ReportMonth', reportMonthSchema);

// The subsets the reports page reads, copied from each month document after every write to it
// (server/reports/report-months.service.ts): a month document holds every firm's entries (85 KB a month at ten times
// the town's size), while the page needs the figures of every month (reportfigures, a few hundred bytes each) and the
// figures summed per day of only the few months its days fall in (reportdays). A copy that missed a write (a crash
// between the two) is repaired at the next start from the month's revision.
const reportFiguresSchema = new Schema(
  {
    _id: { type: String, required: true },
    figures: { type: Schema.Types.Mixed, required: true },
    rev: { type: Number, required: true },
  },
  { minimize: false, versionKey: false },
);

// The reports kept whole (server/reports/reports.service.ts) are stale once a summary they read is written: marked after
// the write, so a report computed from the summaries before it is not kept as current.
markComputedStaleOnWrite(reportFiguresSchema, 'reports');
export const ReportFiguresModel = mongoose.model('ReportFigures', reportFiguresSchema, 'reportfigures');

const reportDaysSchema = new Schema(
  {
    _id: { type: String, required: true },
    days: { type: [{ _id: false, day: String, f: Schema.Types.Mixed }], default: [] },
    rev: { type: Number, required: true },
  },
  { minimize: false, versionKey: false },
);

markComputedStaleOnWrite(reportDaysSchema, 'reports');
export const ReportDaysModel = mongoose.model('ReportDays', reportDaysSchema, 'reportdays');
