export type FieldErrors = Record<string, string[] | undefined>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const NotFound = (what = 'page') => new AppError(404, 'not_found', `${what} not found`);
export const Forbidden = (message = 'forbidden') => new AppError(403, 'forbidden', message);
export const Conflict = (message: string, details?: unknown) => new AppError(409, 'conflict', message, details);
export const ValidationFailed = (fieldErrors: FieldErrors) =>
  new AppError(422, 'validation_failed', 'validation failed', fieldErrors);
export const Unavailable = (message = 'service unavailable') => new AppError(503, 'unavailable', message);
