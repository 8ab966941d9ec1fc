import { z } from 'zod';
import { ROLES } from '../../models/enums.js';
import { objectId } from '../lib/validate.js';
import { editVersionFields } from '../lib/form-fields.js';

const csrf = { _csrf: z.string().optional() };
const optionalId = z.preprocess((v) => (v === '' ? undefined : v), objectId.optional());

export const createUserBody = z
  .strictObject({
    ...csrf,
    email: z.email({ error: 'validation.email' }).trim().toLowerCase(),
    name: z.string().trim().min(1, { error: 'validation.required' }).max(120),
    role: z.enum(ROLES, { error: 'validation.role' }),
    investorOrg: optionalId,
    password: z.string().min(12, { error: 'validation.passwordLength' }).max(200),
  })
  .refine((u) => u.role !== 'investor' || Boolean(u.investorOrg), {
    path: ['investorOrg'],
    error: 'validation.investorOrgRequired',
    when: () => true,
  });

export const updateUserBody = z
  .strictObject({
    ...csrf,
    ...editVersionFields,
    name: z.string().trim().min(1, { error: 'validation.required' }).max(120),
    role: z.enum(ROLES, { error: 'validation.role' }),
    investorOrg: optionalId,
    active: z.enum(['true', 'false']).optional(),
    password: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(12, { error: 'validation.passwordLength' }).max(200).optional(),
    ),
  })
  .refine((u) => u.role !== 'investor' || Boolean(u.investorOrg), {
    path: ['investorOrg'],
    error: 'validation.investorOrgRequired',
    when: () => true,
  });

export type CreateUserInput = z.infer<typeof createUserBody>;
export type UpdateUserInput = z.infer<typeof updateUserBody>;

// A user's own password change: the current password, and the new one twice.
export const changePasswordBody = z
  .strictObject({
    ...csrf,
    currentPassword: z.string().min(1, { error: 'validation.required' }).max(200),
    newPassword: z.string().min(12, { error: 'validation.passwordLength' }).max(200),
    confirmPassword: z.string().max(200),
  })
  .refine((b) => b.newPassword === b.confirmPassword, { path: ['confirmPassword'], error: 'account.passwordsDiffer' });
