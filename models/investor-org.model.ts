import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { markComputedStaleOnWrite } from './computed.model.js';
import { INSTRUMENTS, INVESTOR_REGIONS, INVESTOR_TYPES, ROUND_STAGES, SECTORS } from './enums.js';

const investorOrgSchema = new Schema(
  {
    nameKo: { type: String, trim: true },
    nameEn: { type: String, trim: true },
    // Lowercased names for exact re-import matching and prefix search.
    nameKey: { type: String, required: true },
    type: { type: String, enum: INVESTOR_TYPES, required: true },
    website: { type: String },
    bifcBased: { type: Boolean, default: false },
    archived: { type: Boolean, default: false },
    archivedAt: { type: Date },
    importId: { type: Schema.Types.ObjectId },
    // What it invests in; either ticket bound may be open.
    thesis: {
      sectors: { type: [String], enum: SECTORS, default: [] },
      stages: { type: [String], enum: ROUND_STAGES, default: [] },
      instruments: { type: [String], enum: INSTRUMENTS, default: [] },
      ticketMinKrw: { type: Number },
      ticketMaxKrw: { type: Number },
      regions: { type: [String], enum: INVESTOR_REGIONS, default: [] },
      notes: { type: String },
    },
    // Funds it manages; the city's target sums the sizes of the BIFC startup investment funds by vintage date.
    funds: {
      type: [
        new Schema({
          name: { type: String, required: true, trim: true },
          sizeKrw: { type: Number, required: true },
          vintage: { type: String },
          dryPowderKrw: { type: Number },
          bifcStartupFund: { type: Boolean, default: false },
        }),
      ],
      default: [],
    },
    // Updated when one of its matches moves (computed at write time, so the list needs no query per row).
    lastContactAt: { type: Date },
  },
  { timestamps: true, optimisticConcurrency: true },
);
investorOrgSchema.index({ nameKey: 1 }, { unique: true });
investorOrgSchema.index({ archived: 1, nameKey: 1, _id: 1 });
investorOrgSchema.index({ 'funds.bifcStartupFund': 1 });

export type InvestorOrg = InferSchemaType<typeof investorOrgSchema>;
// The BIFC fund figures of the reports are recomputed after any write (models/computed.model.ts).
markComputedStaleOnWrite(investorOrgSchema, 'investors');
export const InvestorOrgModel = mongoose.model('InvestorOrg', investorOrgSchema);
