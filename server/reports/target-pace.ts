import { addMonths, monthsBetween } from './calendar.js';
import type { Day } from './cohort-count.js';

export type TargetSpec = { baseline: { value: number; on: Day }; target: { value: number; on: Day } };

export type Pace = {
  value: number;
  // Share of the way from the baseline to the target (19 → 60: 0 at 19, 1 at 60); below the baseline it is negative.
  progress: number;
  met: boolean;
  // Needed per month from the as-of day to reach the target on its date (undefined once met or past the date).
  requiredPerMonth?: number;
  actualPerMonth6: number;
  actualPerMonth12: number;
  // The day the target is reached at the last 12 months' pace; 'met' once met, 'not-on-pace' when that pace does not
  // get there (Day is a string, so the type cannot say more).
  projected: Day;
};

// Progress, the pace required against the pace achieved over 6 and 12 months, and the projected date.
// `valueOn` gives the metric's value on any day (reproducible for past days).
export function paceOf(spec: TargetSpec, asOf: Day, valueOn: (day: Day) => number): Pace {
  const value = valueOn(asOf);
  const span = spec.target.value - spec.baseline.value;
  const progress = span === 0 ? 1 : (value - spec.baseline.value) / span;
  const met = span >= 0 ? value >= spec.target.value : value <= spec.target.value;
  const actualPerMonth6 = (value - valueOn(addMonths(asOf, -6))) / 6;
  const actualPerMonth12 = (value - valueOn(addMonths(asOf, -12))) / 12;
  const monthsLeft = monthsBetween(asOf, spec.target.on);
  const requiredPerMonth = met || monthsLeft <= 0 ? undefined : (spec.target.value - value) / monthsLeft;
  let projected: Pace['projected'];
  if (met) projected = 'met';
  else if (actualPerMonth12 === 0 || Math.sign(actualPerMonth12) !== Math.sign(spec.target.value - value))
    projected = 'not-on-pace';
  else projected = addMonths(asOf, Math.ceil((spec.target.value - value) / actualPerMonth12));
  return { value, progress, met, requiredPerMonth, actualPerMonth6, actualPerMonth12, projected };
}
