// An investor organisation's funds: their totals (pure; tested in test/unit/investors/fund-rules.test.ts).

export type FundFigures = {
  sizeKrw: number;
  dryPowderKrw?: number | null;
  bifcStartupFund?: boolean | null;
  vintage?: string | null;
};

export type FundTotals = {
  count: number;
  sizeKrw: number;
  dryPowderKrw: number;
  bifcStartupKrw: number;
  bifcStartupCount: number;
};

// What the organisation manages in all, its dry powder, and the part in BIFC startup investment funds (the city's target
// sums these). With `on` (a calendar day), only the funds formed by then: a fund without a vintage counts as not formed.
export function fundTotals(funds: readonly FundFigures[], on?: string): FundTotals {
  const counted = on === undefined ? funds : funds.filter((f) => Boolean(f.vintage) && f.vintage! <= on);
  const bifc = counted.filter((f) => f.bifcStartupFund === true);
  const sum = (list: readonly FundFigures[], pick: (f: FundFigures) => number | null | undefined) =>
    list.reduce((total, f) => total + (pick(f) ?? 0), 0);
  return {
    count: counted.length,
    sizeKrw: sum(counted, (f) => f.sizeKrw),
    dryPowderKrw: sum(counted, (f) => f.dryPowderKrw),
    bifcStartupKrw: sum(bifc, (f) => f.sizeKrw),
    bifcStartupCount: bifc.length,
  };
}
