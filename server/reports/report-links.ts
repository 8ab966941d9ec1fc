import type { Role } from '../../models/enums.js';
import type { Row, TableName } from './report-tables.js';
import { NO_STAGE } from './report-events.js';

// Each figure links to the list behind it: staff and admins to the registry's filtered lists; viewers (who do not see
// the registry) to the cohort list of the printable report where the figure counts firms. The others (moves, capital,
// TIPS, the funnel) have no list a viewer may open, and no link: their table and its CSV are the figure's detail.
const STAFF_LISTS: Record<TableName, string> = {
  targets: '/firms?status=resident',
  residents: '/firms?status=resident',
  sectors: '/firms?status=resident',
  stages: '/firms?status=resident',
  moves: '/firms?sort=activity&dir=desc',
  capital: '/firms?sort=raised&dir=desc',
  tips: '/firms?tips=selected',
  funnel: '/matches',
  cohort: '/firms?status=resident',
};

const isStaff = (role: Role) => role === 'admin' || role === 'staff';

export function figureLinks(role: Role, asOf: string): Partial<Record<TableName, string>> {
  const cohort = `/reports/quarterly?as_of=${asOf}#cohort`;
  return Object.fromEntries(
    (Object.keys(STAFF_LISTS) as TableName[]).flatMap((name) => {
      if (isStaff(role)) return [[name, STAFF_LISTS[name]]];
      return COHORT_FIGURES.includes(name) ? [[name, cohort]] : [];
    }),
  );
}

const COHORT_FIGURES: readonly TableName[] = ['targets', 'residents', 'sectors', 'stages', 'cohort'];

// A row's own list (staff): the resident firms of a sector or stage.
export function rowLink(role: Role, table: TableName, row: Row): string | undefined {
  if (!isStaff(role)) return undefined;
  if (table === 'sectors' && row.sector)
    return `/firms?status=resident&sector=${encodeURIComponent(String(row.sector))}`;
  if (table === 'stages' && row.stage && row.stage !== NO_STAGE)
    return `/firms?status=resident&stage=${encodeURIComponent(String(row.stage))}`;
  return undefined;
}
