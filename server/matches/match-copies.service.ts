import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { MatchModel } from '../../models/match.model.js';

type Ref = { toString(): string } | null | undefined;
const idsOf = (refs: readonly Ref[] = []) => [...new Set(refs.filter(Boolean).map(String))];

// A match copies its firm's primary sector and its investor's type (the extended reference pattern: the board, the list
// and the export filter on them by the match's own index, without reading firms or investors). After firms or investors
// are saved (a form, an import, an import's undo), the copies are set again from the records themselves, so a repeat or
// a call after a failure midway puts them right: one read of the records, one of their matches, and writes by _id only
// for the matches whose copy differs (none, mostly).
export async function refreshMatchCopies(refs: {
  firms?: readonly Ref[];
  investors?: readonly Ref[];
}): Promise<number> {
  const [firmIds, investorIds] = [idsOf(refs.firms), idsOf(refs.investors)];
  if (!firmIds.length && !investorIds.length) return 0;
  const [firms, investors, matches] = await Promise.all([
    firmIds.length ? FirmModel.find({ _id: { $in: firmIds } }, { sectorPrimary: 1 }).lean() : [],
    investorIds.length ? InvestorOrgModel.find({ _id: { $in: investorIds } }, { type: 1 }).lean() : [],
    MatchModel.find(
      { $or: [{ firm: { $in: firmIds } }, { investor: { $in: investorIds } }] },
      { firm: 1, investor: 1, firmSector: 1, investorType: 1 },
    ).lean(),
  ]);
  const sectorOf = new Map(firms.map((f) => [String(f._id), f.sectorPrimary]));
  const typeOf = new Map(investors.map((i) => [String(i._id), i.type]));
  const writes = matches.flatMap((m) => {
    const $set: Record<string, unknown> = {};
    const sector = sectorOf.get(String(m.firm));
    const type = typeOf.get(String(m.investor));
    if (sector !== undefined && sector !== m.firmSector) $set.firmSector = sector;
    if (type !== undefined && type !== m.investorType) $set.investorType = type;
    return Object.keys($set).length ? [{ updateOne: { filter: { _id: m._id }, update: { $set } } }] : [];
  });
  if (writes.length) await MatchModel.bulkWrite(writes, { ordered: false });
  return writes.length;
}

// At start-up: every match's copies checked against its firm and investor (copies written before they were kept up,
// or by a write cut short). Returns how many were put right.
export async function repairMatchCopies(): Promise<number> {
  const refs = await MatchModel.find({}, { firm: 1, investor: 1 }).lean();
  return refreshMatchCopies({ firms: refs.map((m) => m.firm), investors: refs.map((m) => m.investor) });
}
