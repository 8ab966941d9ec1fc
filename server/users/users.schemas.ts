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
  })
  .refine((u) => u.role !== 'investor' || Boolean(u.investorOrg), {
    path: ['investorOrg'],
    error: 'validation.investorOrgRequired',
    when: () => true,
  });

export type CreateUserInput = z.infer<typeof createUserBody>;
export type UpdateUserInput = z.infer<typeof updateUserBody>;

// The password rules, the same wherever a password is chosen: at least 12 characters, typed twice alike.
const newPassword = z.string().min(12, { error: 'validation.passwordLength' }).max(200);
const samePasswordTwice: [
  (b: { newPassword: string; confirmPassword: string }) => boolean,
  { path: string[]; error: string },
] = [(b) => b.newPassword === b.confirmPassword, { path: ['confirmPassword'], error: 'account.passwordsDiffer' }];

// A user's own password change: the current password, and the new one twice.
export const changePasswordBody = z
  .strictObject({
    ...csrf,
    currentPassword: z.string().min(1, { error: 'validation.required' }).max(200),
    newPassword,
    confirmPassword: z.string().max(200),
  })
  .refine(...samePasswordTwice);

// Setting a password through an invitation or reset link: the new one twice.
export const setPasswordBody = z
  .strictObject({ ...csrf, newPassword, confirmPassword: z.string().max(200) })
  .refine(...samePasswordTwice);

// A one-time link's token as it comes in the URL; whether it works is the service's to say (an odd one is "unknown").
export const linkParams = z.strictObject({ token: z.string().max(200) });

// "Forgot password": the address to send a reset link to.
export const forgotBody = z.strictObject({
  ...csrf,
  email: z.email({ error: 'validation.email' }).trim().toLowerCase().max(254),
});
