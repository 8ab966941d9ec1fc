import { Unavailable } from '../lib/app-error.js';

// The applies running in this process, so a graceful shutdown can let them finish, or stop them (each then undoes
// what it wrote) before the database is closed.
type Running = { controller: AbortController; done: Promise<unknown> };
const running = new Set<Running>();
let draining = false;

class ImportStopped extends Error {
  override name = 'ImportStopped';
}

// Runs one apply with an AbortController that a shutdown (or the loss of its lease) aborts; refused while draining.
export async function trackApply<T>(apply: (controller: AbortController) => Promise<T>): Promise<T> {
  if (draining) throw Unavailable('the app is shutting down');
  const controller = new AbortController();
  const entry: Running = { controller, done: apply(controller) };
  running.add(entry);
  try {
    return (await entry.done) as T;
  } finally {
    running.delete(entry);
  }
}

// For a graceful shutdown: waits up to timeoutMs for this process's applies to finish; then aborts the rest, which
// stop before their next write and undo themselves, and waits for that. New applies are refused meanwhile.
export async function drainImportApplies(timeoutMs: number): Promise<void> {
  draining = true;
  try {
    const settled = () => Promise.allSettled([...running].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      settled().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (finished) return;
    for (const r of running) r.controller.abort(new ImportStopped('the app is shutting down'));
    await settled();
  } finally {
    draining = false;
  }
}
