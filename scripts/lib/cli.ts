// Command-line options shared by the operator scripts (seed, bench, soak): `--name 5` or `--name=5`.
function rawOption(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const arg = args[i]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
}

export function textOption(name: string, fallback: string): string {
  return rawOption(name) ?? fallback;
}

export function option(name: string, fallback: number): number {
  const raw = rawOption(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} needs a positive whole number, not ${raw}`);
  return n;
}
