import { z } from 'zod';
import { INVESTOR_CONTACT_ROLES, PERSON_ROLES } from '../../models/enums.js';
import {
  csrfField,
  editVersionFields,
  optionalEmail,
  optionalId,
  optionalText,
  requiredText,
} from '../lib/form-fields.js';
import { objectId } from '../lib/validate.js';

const personFields = {
  name: requiredText(120),
  title: optionalText(120),
  email: optionalEmail,
  phone: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^[+\d][\d\s().-]{5,24}$/, { error: 'validation.phone' })
      .optional(),
  ),
  linkedin: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .trim()
      .regex(/^https?:\/\/([a-z]+\.)?linkedin\.com\/\S+$/i, { error: 'people.errors.linkedin' })
      .optional(),
  ),
};

export const addPersonBody = z.strictObject({
  ...csrfField,
  ...personFields,
  role: z.enum(PERSON_ROLES, { error: 'validation.choice' }),
  // The id the form was given for the person it adds, so the same form sent twice adds one person.
  newId: optionalId,
});
export const editPersonBody = z.strictObject({ ...csrfField, ...editVersionFields, ...personFields });
export const personParams = z.strictObject({ id: objectId, personId: objectId });

export type AddPersonInput = z.infer<typeof addPersonBody>;
export type EditPersonInput = z.infer<typeof editPersonBody>;

// An investor organisation's contact: the same person fields, and their role there (the forms live on the investor's pages).
const investorRole = z.enum(INVESTOR_CONTACT_ROLES, { error: 'validation.choice' });
export const addContactBody = z.strictObject({ ...csrfField, ...personFields, investorRole });
export const editContactBody = z.strictObject({ ...csrfField, ...editVersionFields, ...personFields, investorRole });

export type AddContactInput = z.infer<typeof addContactBody>;
export type EditContactInput = z.infer<typeof editContactBody>;
