import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { markComputedStaleOnWrite } from './computed.model.js';
import { INVESTOR_TYPES, MATCH_STAGES, PASS_REASONS, SECTORS } from './enums.js';

const stageChangeSchema = new Schema(
  {
    stage: { type: String, enum: MATCH_STAGES, required: true },
    at: { type: Date, required: true },
    // Which round of talks: a closed match reopened later starts a new cycle in the same document.
    cycle: { type: Number, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User' },
    byName: { type: String },
    reason: { type: String, enum: PASS_REASONS },
    reasonText: { type: String },
  },
  { _id: false },
);

const noteSchema = new Schema(
  {
    body: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User' },
    byName: { type: String },
  },
  { _id: false },
);

// A deal-flow item: one firm and one investor organisation. One document per pair (a unique index both servers
// support, since FerretDB has no partial indexes): "at most one open match per pair" holds by construction, and a
// closed match is reopened as a new cycle in its history instead of a second document.
const matchSchema = new Schema(
  {
    firm: { type: Schema.Types.ObjectId, ref: 'Firm', required: true },
    investor: { type: Schema.Types.ObjectId, ref: 'InvestorOrg', required: true },
    stage: { type: String, enum: MATCH_STAGES, required: true },
    // Derived from the stage at write time (not passed or invested), so lists filter on an indexed field.
    open: { type: Boolean, required: true },
    cycle: { type: Number, required: true, default: 1 },
    stageSince: { type: Date, required: true },
    history: { type: [stageChangeSchema], default: [] },
    owner: { type: Schema.Types.ObjectId, ref: 'User' },
    nextStep: { type: String },
    // Calendar day (Asia/Seoul) the next step is due.
    dueOn: { type: String },
    notes: { type: [noteSchema], default: [] },
    // When the investor said in the portal that it is interested (this cycle: a reopened match starts without it). Interest
    // is an answer, not a stage: the match stays "suggested" until staff introduce the two or the investor asks them to.
    interestAt: { type: Date },
    // The round recorded when it reached "invested".
    round: { type: Schema.Types.ObjectId, ref: 'FundingRound' },
    // Copied from the firm and the investor for the board's filters (no join per card).
    firmSector: { type: String, enum: SECTORS },
    investorType: { type: String, enum: INVESTOR_TYPES },
  },
  { timestamps: true, optimisticConcurrency: true },
);
matchSchema.index({ firm: 1, investor: 1 }, { unique: true });
matchSchema.index({ investor: 1, open: 1 });
// An organisation's matches, latest move first (the investor portal).
matchSchema.index({ investor: 1, stageSince: -1 });
matchSchema.index({ open: 1, stage: 1, dueOn: 1, _id: 1 });
matchSchema.index({ open: 1, owner: 1, dueOn: 1, _id: 1 });
matchSchema.index({ open: 1, dueOn: 1, _id: 1 });

export type Match = InferSchemaType<typeof matchSchema>;
// The reports' deal-flow funnel is recomputed after any write (models/computed.model.ts).
markComputedStaleOnWrite(matchSchema, 'matches');
export const MatchModel = mongoose.model('Match', matchSchema);
