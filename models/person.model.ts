import { markComputedStaleOnWrite } from './computed.model.js';
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { INVESTOR_CONTACT_ROLES, PERSON_ROLES } from './enums.js';

const personSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    title: { type: String },
    email: { type: String, lowercase: true, trim: true },
    phone: { type: String },
    linkedin: { type: String },
    firms: {
      type: [
        new Schema(
          {
            firm: { type: Schema.Types.ObjectId, ref: 'Firm', required: true },
            role: { type: String, enum: PERSON_ROLES, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    investorOrg: { type: Schema.Types.ObjectId, ref: 'InvestorOrg' },
    // Their role at the investor organisation, when they are one of its contacts.
    investorRole: { type: String, enum: INVESTOR_CONTACT_ROLES },
  },
  { timestamps: true },
);
// One person per email address (sparse: people without email are allowed).
personSchema.index({ email: 1 }, { unique: true, sparse: true });
// A firm's people and an organisation's contacts, listed by name (the firm and investor pages).
personSchema.index({ 'firms.firm': 1, name: 1 });
personSchema.index({ investorOrg: 1, name: 1 });
markComputedStaleOnWrite(personSchema, 'people');

export type Person = InferSchemaType<typeof personSchema>;
export const PersonModel = mongoose.model('Person', personSchema);
