import mongoose, { Schema, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { markComputedStaleOnWrite } from './computed.model.js';
import {
  FIRM_STAGES,
  FIRM_STATUSES,
  INSTRUMENTS,
  ROUND_STAGES,
  SECTORS,
  TIPS_STATUSES,
  TIPS_SUCCESS_CRITERIA,
  TIPS_TRACKS,
} from './enums.js';

const statusChangeSchema = new Schema(
  {
    status: { type: String, enum: FIRM_STATUSES, required: true },
    // The calendar day it took effect (reports count residency by day) and when it was recorded.
    on: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User' },
    byEmail: { type: String },
    note: { type: String },
  },
  { _id: false },
);

const firmSchema = new Schema(
  {
    nameKo: { type: String, trim: true },
    nameEn: { type: String, trim: true },
    // Lowercased display name for sorting and keyset pagination.
    sortName: { type: String, required: true },
    sortNameKo: { type: String },
    // Lowercased words of names, pitch, tags and registration number: anchored-prefix search that an index serves.
    searchTokens: { type: [String], default: [] },
    brn: { type: String },
    sectorPrimary: { type: String, enum: SECTORS, required: true },
    sectorsSecondary: { type: [String], enum: SECTORS, default: [] },
    stage: { type: String, enum: FIRM_STAGES },
    founded: { type: String },
    website: { type: String },
    pitch: { type: String },
    description: { type: String },
    headcount: { type: Number },
    contactPerson: { type: Schema.Types.ObjectId, ref: 'Person' },
    tags: { type: [String], default: [] },
    status: { type: String, enum: FIRM_STATUSES, required: true },
    statusHistory: { type: [statusChangeSchema], default: [] },
    residency: {
      start: String,
      plannedEnd: String,
      end: String,
      space: String,
    },
    tips: {
      track: { type: String, enum: TIPS_TRACKS },
      operator: { type: Schema.Types.ObjectId, ref: 'InvestorOrg' },
      recommendedOn: String,
      evaluatedOn: String,
      selectedOn: String,
      agreementOn: String,
      completedOn: String,
      grantKrw: Number,
      addOnKrw: Number,
      successCriteria: { type: [String], enum: TIPS_SUCCESS_CRITERIA, default: undefined },
      // Derived from the dates at write time (for filtering).
      status: { type: String, enum: TIPS_STATUSES, default: 'none' },
    },
    zoneProject: { type: String },
    fundraising: {
      raising: { type: Boolean, default: false },
      targetKrw: Number,
      stage: { type: String, enum: ROUND_STAGES },
      instrument: { type: String, enum: INSTRUMENTS },
      openToInvestors: { type: Boolean, default: false },
    },
    // Shown to investors: to all (fundraising.openToInvestors) or to chosen organisations, with a short summary for them.
    sharing: {
      orgs: { type: [Schema.Types.ObjectId], ref: 'InvestorOrg', default: [] },
      summaryKo: { type: String },
      summaryEn: { type: String },
    },
    // Recomputed from the firm's rounds after every round change (never incremented).
    totals: {
      raisedKrw: { type: Number, default: 0 },
      // raisedKrw as 16 zero-padded digits, what the list sorts by (server/lib/money.ts wonSortKey).
      raisedKey: { type: String, default: '0000000000000000' },
      roundCount: { type: Number, default: 0 },
      lastRoundOn: String,
      lastRoundStage: String,
      lastRoundKrw: Number,
      lastValuationKrw: Number,
    },
    lastActivityAt: { type: Date, required: true, default: () => new Date() },
    archived: { type: Boolean, default: false },
    archivedAt: { type: Date },
    importId: { type: Schema.Types.ObjectId },
  },
  { timestamps: true },
);
firmSchema.index({ brn: 1 }, { unique: true, sparse: true });
// List page: every sort is keyset-paginated on (key, _id) within the archived flag.
firmSchema.index({ archived: 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, sortNameKo: 1, _id: 1 });
firmSchema.index({ archived: 1, founded: 1, _id: 1 });
firmSchema.index({ archived: 1, lastActivityAt: 1, _id: 1 });
firmSchema.index({ archived: 1, 'totals.raisedKey': 1, _id: 1 });
firmSchema.index({ archived: 1, status: 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, status: 1, sortNameKo: 1, _id: 1 });
firmSchema.index({ archived: 1, sectorPrimary: 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, sectorPrimary: 1, sortNameKo: 1, _id: 1 });
firmSchema.index({ archived: 1, stage: 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, stage: 1, sortNameKo: 1, _id: 1 });
firmSchema.index({ archived: 1, 'tips.status': 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, 'tips.status': 1, sortNameKo: 1, _id: 1 });
firmSchema.index({ archived: 1, 'fundraising.raising': 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, 'fundraising.raising': 1, sortNameKo: 1, _id: 1 });
// Tags and secondary sectors (the sector filter's second $or branch) are arrays: multikey indexes in the list's order.
firmSchema.index({ archived: 1, tags: 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, tags: 1, sortNameKo: 1, _id: 1 });
firmSchema.index({ archived: 1, sectorsSecondary: 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, sectorsSecondary: 1, sortNameKo: 1, _id: 1 });
// Residents by amount raised (the dashboard's card links here).
firmSchema.index({ archived: 1, status: 1, 'totals.raisedKey': 1, _id: 1 });
// Search: a prefix of any name token is a range on searchTokens, after the list's sort (ESR); the count needs no sort.
firmSchema.index({ archived: 1, searchTokens: 1 });
firmSchema.index({ archived: 1, sortName: 1, _id: 1, searchTokens: 1 });
firmSchema.index({ archived: 1, sortNameKo: 1, _id: 1, searchTokens: 1 });
firmSchema.index({ 'statusHistory.status': 1 });
// The investor portal: firms shared with everyone, and firms shared with one organisation.
firmSchema.index({ archived: 1, 'fundraising.openToInvestors': 1, sortName: 1, _id: 1 });
firmSchema.index({ archived: 1, 'fundraising.openToInvestors': 1, sortNameKo: 1, _id: 1 });
firmSchema.index({ 'sharing.orgs': 1 });

// The figures computed over all firms (the dashboard's counts, the cohort on a day) are recounted after any write but
// one that only records activity (models/computed.model.ts).
markComputedStaleOnWrite(firmSchema, 'firms', ['lastActivityAt', 'updatedAt', 'createdAt']);
// The firm list's kept pages show each firm's last activity: any write at all marks them.
markComputedStaleOnWrite(firmSchema, 'firmActivity');

export type Firm = InferSchemaType<typeof firmSchema>;
export type FirmDoc = HydratedDocument<Firm>;
export const FirmModel = mongoose.model('Firm', firmSchema);
