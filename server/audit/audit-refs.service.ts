import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { PersonModel } from '../../models/person.model.js';
import { UserModel } from '../../models/user.model.js';
import { FundingRoundModel } from '../../models/funding-round.model.js';
import { MatchModel } from '../../models/match.model.js';
import { TargetModel } from '../../models/target.model.js';
import { referencedIds, type AuditEntryIn, type AuditRefs } from './audit-display.js';

type Doc = { _id: unknown; [k: string]: unknown };

// The names of every record a page of audit entries refers to: one `$in` query per collection for the whole page,
// never one per row. Rounds and matches are read first, since they are named by their firm and investor. Records the
// page has read already (`known`: a firm's page holds the firm, its rounds and people) are not asked for again; when
// the entries name nothing else (a firm's timeline mostly names the firm), no query runs.
export async function auditRefs(
  entries: AuditEntryIn[],
  also: string[] = [],
  known: AuditRefs = {},
): Promise<AuditRefs> {
  const refs: AuditRefs = { ...known };
  const ids = [...new Set([...referencedIds(entries), ...also.map((id) => id.toLowerCase())])].filter(
    (id) => !(id in refs),
  );
  if (!ids.length) return refs;
  const keep = (docs: Doc[], shape: (d: Doc) => AuditRefs[string]) => {
    for (const d of docs) refs[String(d._id)] = shape(d);
  };
  const str = (v: unknown) => (v === null || v === undefined ? null : (v as { toString(): string }).toString());
  const [rounds, matches] = await Promise.all([
    FundingRoundModel.find({ _id: { $in: ids } }, { stage: 1, firm: 1 }).lean<Doc[]>(),
    MatchModel.find({ _id: { $in: ids } }, { firm: 1, investor: 1 }).lean<Doc[]>(),
  ]);
  keep(rounds, (r) => ({ stage: str(r.stage), firm: str(r.firm) }));
  keep(matches, (m) => ({ firm: str(m.firm), investor: str(m.investor) }));
  const more = [...rounds, ...matches].flatMap((d) => [d.firm, d.investor].filter(Boolean).map(String));
  const all = [...new Set([...ids, ...more])].filter((id) => !(id in known));
  const names = { nameKo: 1, nameEn: 1 };
  const [firms, investors, targets, people, users] = await Promise.all([
    FirmModel.find({ _id: { $in: all } }, names).lean<Doc[]>(),
    InvestorOrgModel.find({ _id: { $in: all } }, names).lean<Doc[]>(),
    TargetModel.find({ _id: { $in: ids } }, names).lean<Doc[]>(),
    PersonModel.find({ _id: { $in: ids } }, { name: 1 }).lean<Doc[]>(),
    UserModel.find({ _id: { $in: ids } }, { name: 1, email: 1 }).lean<Doc[]>(),
  ]);
  keep([...firms, ...investors, ...targets], (d) => ({ nameKo: str(d.nameKo), nameEn: str(d.nameEn) }));
  keep(people, (p) => ({ name: str(p.name) }));
  // A user by email first: it is what the log's "who" column shows too.
  keep(users, (u) => ({ email: str(u.email), name: str(u.name) }));
  return refs;
}
