import type { ImportKind } from '../../models/enums.js';
import type { Lang } from '../lib/money.js';
import { parseParticipantsCell } from './cell-values.js';
import { CHOICE_COLUMNS, choiceLabel } from './choice-cells.js';
import { columnLabel, localeText } from './column-labels.js';
import { COLUMNS, TEMPLATE_EXAMPLES } from './import-columns.js';
import { participantColumns } from './participant-columns.js';

// The downloadable template: the header row and one example row. Without a language, the column codes and coded values
// (as an export for re-import writes them); in Korean or English, the headers a person reads and the example's values
// as labels (디지털자산, 예), with a round's participants in columns.
export function templateTable(kind: ImportKind, lang?: Lang): { headers: string[]; row: string[] } {
  const example = TEMPLATE_EXAMPLES[kind];
  if (!lang) return { headers: [...COLUMNS[kind]], row: COLUMNS[kind].map((c) => example[c] ?? '') };
  const headers: string[] = [];
  const row: string[] = [];
  const yes = localeText('common.yes', lang);
  const no = localeText('common.no', lang);
  for (const column of COLUMNS[kind]) {
    const cell = example[column] ?? '';
    if (column === 'participants') {
      const { participants } = parseParticipantsCell(cell);
      const groups = Math.max(participants.length, 2);
      for (let n = 1; n <= groups; n++) {
        const h = participantColumns(n, lang);
        const p = participants[n - 1];
        headers.push(h.name, h.amountKrw, h.lead);
        row.push(p?.name ?? '', p?.amount ?? '', p ? (p.lead ? yes : no) : '');
      }
      continue;
    }
    headers.push(columnLabel(kind, column, lang));
    const choice = CHOICE_COLUMNS[kind][column];
    if (choice && cell)
      row.push(
        cell
          .split(/\s*;\s*/)
          .map((v) => choiceLabel(choice.vocabulary, v, lang))
          .join(', '),
      );
    else if (cell === 'TRUE' || cell === 'FALSE') row.push(cell === 'TRUE' ? yes : no);
    else row.push(cell);
  }
  return { headers, row };
}
