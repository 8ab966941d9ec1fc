// When a child database dies: restart it after a growing delay, a bounded number of times in a row, then give up
// (the app exits non-zero and its own supervisor — systemd, Docker, Kubernetes — restarts everything).
export type RestartPolicy = Readonly<{
  // Restarts in a row before giving up.
  maxAttempts: number;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  // A child that ran this long was healthy: its death starts a fresh count.
  stableAfterMs: number;
}>;

export const defaultRestartPolicy: RestartPolicy = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 8_000,
  stableAfterMs: 60_000,
});

export type RestartDecision =
  { action: 'restart'; attempt: number; delayMs: number } | { action: 'give-up'; attempts: number };

// failuresInARow: restarts since the child last ran for stableAfterMs; uptimeMs: how long the child that just died had run.
export function planRestart(policy: RestartPolicy, failuresInARow: number, uptimeMs: number): RestartDecision {
  const previous = uptimeMs >= policy.stableAfterMs ? 0 : failuresInARow;
  const attempt = previous + 1;
  if (attempt > policy.maxAttempts) return { action: 'give-up', attempts: previous };
  const delayMs = Math.min(policy.maxDelayMs, Math.round(policy.initialDelayMs * policy.factor ** (attempt - 1)));
  return { action: 'restart', attempt, delayMs };
}
