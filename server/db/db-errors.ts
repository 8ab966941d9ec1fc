// Errors that mean "the database cannot be reached right now" (down, restarting, network gone, client closed during
// shutdown), as opposed to a bad query or a bug: the page says "temporarily unavailable" (503) instead of 500.
const UNREACHABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoPoolClosedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoClientClosedError',
  'MongoServerClosedError',
]);

// mongoose's "Operation `x.find()` buffering timed out" and the driver's "client was closed" carry no distinct name.
const UNREACHABLE_MESSAGE = /buffering timed out|client was closed|Client must be connected|Topology is closed/i;

export function isDbUnreachableError(err: unknown): boolean {
  // Libraries (express-session stores, the driver's pool) sometimes wrap the error: look a few causes deep.
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, message } = e as { name?: unknown; message?: unknown };
    if (typeof name === 'string' && UNREACHABLE_NAMES.has(name)) return true;
    if (
      typeof name === 'string' &&
      /^Mongo/.test(name) &&
      typeof message === 'string' &&
      UNREACHABLE_MESSAGE.test(message)
    )
      return true;
  }
  return false;
}

// A write refused by a unique index (E11000): the value is taken, which the caller reports as a conflict on its field.
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
