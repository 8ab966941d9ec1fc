// Command-line options shared by the operator scripts (seed, bench, soak): `--name 5` or `--name=5`.
export function option(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const arg = args[i]!;
  const raw = arg.includes('=') ? arg.split('=')[1] : args[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive whole number, not ${raw}`);
  return n;
}
