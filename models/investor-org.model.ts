import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { INVESTOR_TYPES } from './enums.js';

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
  },
  { timestamps: true, optimisticConcurrency: true },
);
investorOrgSchema.index({ nameKey: 1 }, { unique: true });
investorOrgSchema.index({ archived: 1, nameKey: 1, _id: 1 });

export type InvestorOrg = InferSchemaType<typeof investorOrgSchema>;
export const InvestorOrgModel = mongoose.model('InvestorOrg', investorOrgSchema);
