import { z } from 'zod';

export const loginBody = z.strictObject({
  _csrf: z.string().optional(),
  email: z.string().trim().max(254).default(''),
  password: z.string().max(200).default(''),
});

export const langBody = z.strictObject({
  _csrf: z.string().optional(),
  lang: z.enum(['ko', 'en']),
  next: z.string().max(2000).optional(),
});

// Only same-site paths: "/firms?x=1" yes, "//evil.example" or "https://…" no.
export function safeReturnPath(p: string | undefined): string {
  if (!p || !p.startsWith('/') || p.startsWith('//') || p.startsWith('/\\')) return '/';
  return p;
}
