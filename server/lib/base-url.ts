import type { Request } from 'express';

// The address people open: the configured public one when given (always, in emails), else the one this request came to.
export const baseUrl = (req: Request, publicUrl?: string) =>
  publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
