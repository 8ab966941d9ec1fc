import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import { UserModel } from '../../models/user.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { MatchModel } from '../../models/match.model.js';
import { TargetModel } from '../../models/target.model.js';
import { referencedIds, type AuditEntryIn, type AuditRefs } from './audit-display.js';
import { computedKey, readComputed } from '../lib/computed.service.js';
import { byCodeUnits } from '../lib/names.js';

type Doc = { _id: unknown; [k: string]: unknown };

// The names of every record a page of audit entries refers to: one `$in` query per collection for the whole page,
// never one per row, and only of the collections an id may be in (an entry's own record is of its entity). Rounds and
// matches are read first, since they are named by their firm and investor. Records the page has read already
// (`known`: a firm's page holds the firm, its rounds and people) are not asked for again; when the entries name
// nothing else (a firm's timeline mostly names the firm), no query runs. The names found are kept by the computed
// pattern, per set of ids asked, until any record of a kind they name changes: a page read again (the log's first
// page, a firm's history) reads them as one document by _id, where they took up to seven queries.
const KEPT_REFS_SHAPE = 1;
export const REF_SOURCES = ['firms', 'investors', 'rounds', 'matches', 'people', 'targets', 'users'] as const;

export async function auditRefs(
  entries: AuditEntryIn[],
  also: string[] = [],
  known: AuditRefs = {},
): Promise<AuditRefs> {
  const kinds = referencedIds(entries);
  for (const id of also) if (!kinds.has(id.toLowerCase())) kinds.set(id.toLowerCase(), undefined);
  const asked = [...kinds].filter(([id]) => !(id in known)).sort(([a], [b]) => byCodeUnits(a, b));
  if (!asked.length) return { ...known };
  const found = await readComputed(REF_SOURCES, computedKey(`audit-refs:${KEPT_REFS_SHAPE}`, asked), () =>
    readRefs(new Map(asked)),
  );
  return { ...found, ...known };
}

async function readRefs(kinds: Map<string, string | undefined>): Promise<AuditRefs> {
  const refs: AuditRefs = {};
  const ids = [...kinds.keys()];
  // The ids that may be records of this kind.
  const of = (kind: string) => ids.filter((id) => (kinds.get(id) ?? kind) === kind);
  const find = <T>(ids: string[], query: (ids: string[]) => Promise<T[]>) =>
    ids.length ? query(ids) : Promise.resolve([] as T[]);
  const keep = (docs: Doc[], shape: (d: Doc) => AuditRefs[string]) => {
    for (const d of docs) refs[String(d._id)] = shape(d);
  };
  const str = (v: unknown) => (v === null || v === undefined ? null : (v as { toString(): string }).toString());
  const [rounds, matches] = await Promise.all([
    find(of('round'), (i) => FundingRoundModel.find({ _id: { $in: i } }, { stage: 1, firm: 1 }).lean<Doc[]>()),
    find(of('match'), (i) => MatchModel.find({ _id: { $in: i } }, { firm: 1, investor: 1 }).lean<Doc[]>()),
  ]);
  keep(rounds, (r) => ({ stage: str(r.stage), firm: str(r.firm) }));
  keep(matches, (m) => ({ firm: str(m.firm), investor: str(m.investor) }));
  const more = [...rounds, ...matches].flatMap((d) => [d.firm, d.investor].filter(Boolean).map(String));
  const withMore = (own: string[]) => [...new Set([...own, ...more])];
  const names = { nameKo: 1, nameEn: 1 };
  const [firms, investors, targets, people, users] = await Promise.all([
    find(withMore(of('firm')), (i) => FirmModel.find({ _id: { $in: i } }, names).lean<Doc[]>()),
    find(withMore(of('investor')), (i) => InvestorOrgModel.find({ _id: { $in: i } }, names).lean<Doc[]>()),
    find(of('target'), (i) => TargetModel.find({ _id: { $in: i } }, names).lean<Doc[]>()),
    find(of('person'), (i) => PersonModel.find({ _id: { $in: i } }, { name: 1 }).lean<Doc[]>()),
    find(of('user'), (i) => UserModel.find({ _id: { $in: i } }, { name: 1, email: 1 }).lean<Doc[]>()),
  ]);
  keep([...firms, ...investors, ...targets], (d) => ({ nameKo: str(d.nameKo), nameEn: str(d.nameEn) }));
  keep(people, (p) => ({ name: str(p.name) }));
  // A user by email first: it is what the log's "who" column shows too.
  keep(users, (u) => ({ email: str(u.email), name: str(u.name) }));
  return refs;
}
