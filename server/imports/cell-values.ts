import { parseKrw } from '../lib/money.js';

// Multi-value cells: "data-ai; regtech" or "data-ai|regtech".
export function splitMulti(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function joinMulti(values: readonly string[] | null | undefined): string {
  return (values ?? []).join('; ');
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 'on', 'o', '예', '네', '참', 'v', '✓', '✔']);
const FALSE_WORDS = new Set(['', 'false', '0', 'no', 'n', 'off', 'x', '아니오', '아니요', '거짓', '-']);

// Yes/no cells as Excel and people write them (TRUE/FALSE, 1/0, 예/아니오); undefined when neither.
export function booleanCell(cell: string | undefined): boolean | undefined {
  const v = (cell ?? '').trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

// Calendar dates as Excel may write them (2021-3-5, 2021/03/05, 2021.3.5, "2021. 3. 5.") → 2021-03-05; anything else
// is returned trimmed for the schema to reject.
export function dayCell(cell: string | undefined): string {
  const v = (cell ?? '').trim();
  const m = /^(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?$/.exec(v);
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : v;
}

export type ParticipantCell = { name: string; amount?: string; lead: boolean };

const LEAD_WORDS = new Set(['lead', '리드', '주관', 'l']);

// "BNK Venture Capital:1500000000:lead; Dongbaek Partners:10억" → name, optional amount, optional lead flag (read from the
// right, so a name may itself hold a colon).
export function parseParticipantsCell(cell: string | undefined): {
  participants: ParticipantCell[];
  invalid: string[];
} {
  const participants: ParticipantCell[] = [];
  const invalid: string[] = [];
  for (const part of (cell ?? '')
    .split(/[;|\n]/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const pieces = part.split(':').map((s) => s.trim());
    let lead = false;
    if (pieces.length > 1 && LEAD_WORDS.has(pieces[pieces.length - 1]!.toLowerCase())) {
      lead = true;
      pieces.pop();
    }
    let amount: string | undefined;
    if (pieces.length > 1) {
      const last = pieces[pieces.length - 1]!;
      if (last === '' || parseKrw(last) !== undefined) {
        amount = last || undefined;
        pieces.pop();
      } else {
        invalid.push(part);
        continue;
      }
    }
    const name = pieces.join(':').trim();
    if (!name) invalid.push(part);
    else participants.push({ name, amount, lead });
  }
  return { participants, invalid };
}

export function formatParticipantsCell(
  list: readonly { name: string; amountKrw?: number | null; lead?: boolean | null }[],
): string {
  return list
    .map((p) =>
      p.lead
        ? `${p.name}:${p.amountKrw ?? ''}:lead`
        : p.amountKrw !== null && p.amountKrw !== undefined
          ? `${p.name}:${p.amountKrw}`
          : p.name,
    )
    .join('; ');
}

// The export's formula guard (CSV injection), kept beside the import's cell rules that undo it.
export { guardCell } from '../lib/csv.js';
