import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { INSTRUMENTS, ROUND_STAGES, ROUND_STATUSES } from './enums.js';
import { markComputedStaleOnWrite } from './computed.model.js';

const participantSchema = new Schema(
  {
    investor: { type: Schema.Types.ObjectId, ref: 'InvestorOrg', required: true },
    amountKrw: { type: Number },
    lead: { type: Boolean, default: false },
  },
  { _id: false },
);

const fundingRoundSchema = new Schema(
  {
    firm: { type: Schema.Types.ObjectId, ref: 'Firm', required: true },
    stage: { type: String, enum: ROUND_STAGES, required: true },
    instrument: { type: String, enum: INSTRUMENTS, required: true },
    amountKrw: { type: Number, required: true },
    // Another currency: the amount in minor units with its code; amountKrw is then the won value at closing.
    currency: { type: String, default: 'KRW' },
    amountMinor: { type: Number },
    preMoneyKrw: { type: Number },
    terms: {
      valuationCapKrw: Number,
      discountPct: Number,
      interestPct: Number,
      redemptionYears: Number,
      conversionPriceKrw: Number,
      refixingFloorPct: Number,
    },
    announcedOn: { type: String },
    closedOn: { type: String },
    status: { type: String, enum: ROUND_STATUSES, required: true },
    participants: { type: [participantSchema], default: [] },
    note: { type: String },
    importId: { type: Schema.Types.ObjectId },
  },
  { timestamps: true },
);
fundingRoundSchema.index({ firm: 1, closedOn: 1 });
fundingRoundSchema.index({ 'participants.investor': 1 });
fundingRoundSchema.index({ status: 1, closedOn: 1 });

export type FundingRound = InferSchemaType<typeof fundingRoundSchema>;
// The investor list's round counts are recounted after any write (models/computed.model.ts).
markComputedStaleOnWrite(fundingRoundSchema, 'rounds');
export const FundingRoundModel = mongoose.model('FundingRound', fundingRoundSchema);
