import { FirmModel } from '../../models/firm.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import type { CsvRow } from './csv-file.js';
import { parseParticipantsCell } from './cell-values.js';
import { participantsFromColumns } from './participant-columns.js';
import { brnKey, lookupNames, OBJECT_ID, personRefOf } from './match-rules.js';
import type { FirmContext, ExistingFirm } from './firm-rows.js';
import type { InvestorContext, ExistingInvestor } from './investor-rows.js';
import type { RoundContext, ExistingRound } from './round-rows.js';

// The stored records a file's rows may refer to, fetched with a few $in queries (no $lookup) and handed to the pure
// decision functions. These are one-off staff actions: name matches may scan the collection, which is fine here.

const FIRM_PROJECTION = { searchTokens: 0, statusHistory: 0 } as const;

async function investorsReferred(names: Iterable<string | undefined>, ids: string[] = []): Promise<ExistingInvestor[]> {
  const { keys, raw } = lookupNames(names);
  const or: Record<string, unknown>[] = [];
  if (keys.length) or.push({ nameKey: { $in: keys } });
  if (raw.length) or.push({ nameKo: { $in: raw } });
  const validIds = [...new Set(ids.filter((id) => OBJECT_ID.test(id)))];
  if (validIds.length) or.push({ _id: { $in: validIds } });
  if (!or.length) return [];
  return InvestorOrgModel.find(
    { $or: or },
    { nameKo: 1, nameEn: 1, nameKey: 1, type: 1, website: 1, bifcBased: 1, thesis: 1, __v: 1 },
  ).lean<ExistingInvestor[]>();
}

async function firmsReferred(
  brnCells: (string | undefined)[],
  nameCells: (string | undefined)[],
): Promise<ExistingFirm[]> {
  const brns = [...new Set(brnCells.map(brnKey).filter((b): b is string => Boolean(b)))];
  const { keys, raw } = lookupNames(nameCells);
  const or: Record<string, unknown>[] = [];
  if (brns.length) or.push({ brn: { $in: brns } });
  if (keys.length) or.push({ sortName: { $in: keys } });
  if (raw.length) or.push({ nameKo: { $in: raw } });
  if (!or.length) return [];
  return FirmModel.find({ $or: or }, FIRM_PROJECTION).lean<ExistingFirm[]>();
}

export async function firmContext(rows: CsvRow[]): Promise<FirmContext> {
  const cells = rows.map((r) => r.cells);
  const firms = await firmsReferred(
    cells.map((c) => c.brn),
    cells.flatMap((c) => [c.nameKo, c.nameEn]),
  );
  const operatorCells = cells.map((c) => c.tipsOperator?.trim()).filter((v): v is string => Boolean(v));
  const investors = await investorsReferred(
    operatorCells.filter((v) => !OBJECT_ID.test(v)),
    operatorCells.filter((v) => OBJECT_ID.test(v)),
  );
  const personCells = [
    ...new Set(
      cells
        .map((c) => c.contactPerson?.trim().toLowerCase())
        .filter((v): v is string => v !== undefined && OBJECT_ID.test(v)),
    ),
  ];
  const people = personCells.length ? await PersonModel.find({ _id: { $in: personCells } }, { _id: 1 }).lean() : [];
  // Contact people named as the export writes them ("name <email>", or a name): by email or by name.
  const refs = cells
    .map((c) => c.contactPerson?.trim())
    .filter((v): v is string => Boolean(v) && !OBJECT_ID.test(v ?? ''))
    .map(personRefOf);
  const emails = [...new Set(refs.map((r) => r.email).filter((v): v is string => Boolean(v)))];
  const names = [
    ...new Set(
      refs
        .filter((r) => !r.email)
        .map((r) => r.name)
        .filter((v): v is string => Boolean(v)),
    ),
  ];
  const or = [
    ...(emails.length ? [{ email: { $in: emails } }] : []),
    ...(names.length ? [{ name: { $in: names } }] : []),
  ];
  const namedPeople = or.length ? await PersonModel.find({ $or: or }, { name: 1, email: 1 }).lean() : [];
  return { firms, investors, personIds: new Set(people.map((p) => String(p._id))), people: namedPeople };
}

export async function investorContext(rows: CsvRow[]): Promise<InvestorContext> {
  const cells = rows.map((r) => r.cells);
  return { investors: await investorsReferred(cells.flatMap((c) => [c.nameEn || c.nameKo, c.nameKo])) };
}

export async function roundContext(rows: CsvRow[]): Promise<RoundContext> {
  const cells = rows.map((r) => r.cells);
  const firms = await firmsReferred(
    cells.map((c) => c.firmBrn),
    cells.map((c) => c.firmName),
  );
  const rounds = firms.length
    ? await FundingRoundModel.find({ firm: { $in: firms.map((f) => String(f._id)) } }).lean<ExistingRound[]>()
    : [];
  const participantNames = cells.flatMap((c) => [
    ...parseParticipantsCell(c.participants).participants.map((p) => p.name),
    ...participantsFromColumns(c).map((p) => p.name),
  ]);
  const storedIds = rounds.flatMap((r) => (r.participants ?? []).map((p) => String(p.investor)));
  return { firms, rounds, investors: await investorsReferred(participantNames, storedIds) };
}
