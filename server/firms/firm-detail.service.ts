import { investorNames } from '../investors/index.js';
import { NoteModel } from '../../models/note.model.js';
import { auditRefs, historyOfFirm } from '../audit/index.js';
import { peopleOfFirm } from '../people/index.js';
import { roundsOfFirm, checkParticipants } from '../rounds/index.js';
import { allowedNextStatuses } from './firm-rules.js';
import { getFirm } from './firms.service.js';

// Names of investor organisations by id (one query; no $lookup on FerretDB).
async function investorNameMap(ids: unknown[]) {
  const orgs = await investorNames([...new Set(ids.filter(Boolean).map(String))]);
  return new Map(orgs.map((o) => [String(o._id), o]));
}

export async function firmDetail(id: string) {
  const firm = await getFirm(id);
  const [rounds, people, notes, history] = await Promise.all([
    roundsOfFirm(id),
    peopleOfFirm(id),
    NoteModel.find({ firm: id }).sort({ createdAt: -1 }).limit(100).lean(),
    historyOfFirm(id, 100),
  ]);
  const investors = await investorNameMap([
    firm.tips?.operator,
    ...rounds.flatMap((r) => r.participants.map((p) => p.investor)),
  ]);
  return {
    firm,
    rounds: rounds.map((r) => ({
      ...r,
      participantSum: r.participants.reduce((s, p) => s + (p.amountKrw ?? 0), 0),
      warning: checkParticipants(r).warning,
    })),
    people,
    notes,
    history,
    // The names of the records the history refers to (the timeline shows names, never ids); those of the records this
    // page has read already are not asked for again.
    historyRefs: await auditRefs(history, [], {
      [String(firm._id)]: { nameKo: firm.nameKo, nameEn: firm.nameEn },
      ...Object.fromEntries(rounds.map((r) => [String(r._id), { stage: r.stage, firm: String(firm._id) }])),
      ...Object.fromEntries(people.map((p) => [String(p._id), { name: p.name }])),
      ...Object.fromEntries([...investors].map(([oid, o]) => [oid, { nameKo: o.nameKo, nameEn: o.nameEn }])),
    }),
    investors,
    nextStatuses: allowedNextStatuses(firm.status),
  };
}
