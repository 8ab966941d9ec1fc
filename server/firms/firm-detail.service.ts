import { investorNames } from '../investors/index.js';
import { NoteModel } from '../../models/note.model.js';
import { auditRefs, historyOfFirm } from '../audit/index.js';
import { peopleOfFirm } from '../people/index.js';
import { roundsOfFirm, checkParticipants } from '../rounds/index.js';
import { allowedNextStatuses } from './firm-rules.js';
import { getFirm } from './firms.service.js';
import { computedKey, readComputed } from '../lib/computed.service.js';

// A firm's own records (the firm, its rounds with their investors' names, its people and notes) are kept by the computed
// pattern until any firm, round, person, note or organisation changes: the page then reads them as one document by _id,
// where they took six queries (rounds, people and notes each filtered by firm, which the embedded database answers by
// reading the whole collection). Its audit history is not kept with them: it is its own timeline document, read by _id.
// The key carries the shape's number (bump it when FirmRecords changes).
const KEPT_RECORDS_SHAPE = 2;
const RECORD_SOURCES = ['firmActivity', 'rounds', 'people', 'notes', 'investors'] as const;
type FirmRecords = Awaited<ReturnType<typeof readFirmRecords>>;

async function readFirmRecords(id: string) {
  const firm = await getFirm(id);
  const [rounds, people, notes] = await Promise.all([
    roundsOfFirm(id),
    peopleOfFirm(id),
    NoteModel.find({ firm: id }).sort({ createdAt: -1 }).limit(100).lean(),
  ]);
  const investors = await investorNames(
    // (the TIPS operator, the rounds' participants and the organisations the firm is shared with)
    [
      firm.tips?.operator,
      ...rounds.flatMap((r) => r.participants.map((p) => p.investor)),
      ...(firm.sharing?.orgs ?? []),
    ]
      .filter(Boolean)
      .map(String),
  );
  return { firm, rounds, people, notes, investors };
}

// The page's records: the firm, its rounds (with their participants' sum and any warning), people, notes, and the names
// of the organisations they name.
export async function firmDetail(id: string) {
  const records = await readComputed<FirmRecords>(
    RECORD_SOURCES,
    computedKey(`firm-records:${KEPT_RECORDS_SHAPE}`, id),
    () => readFirmRecords(id),
  );
  const { firm, rounds, people, notes } = records;
  // Names of investor organisations by id (read with the records; no $lookup on FerretDB).
  const investors = new Map(records.investors.map((o) => [String(o._id), o]));
  return {
    firm,
    rounds: rounds.map((r) => ({
      ...r,
      participantSum: r.participants.reduce((s, p) => s + (p.amountKrw ?? 0), 0),
      warning: checkParticipants(r).warning,
    })),
    people,
    notes,
    investors,
    nextStatuses: allowedNextStatuses(firm.status),
  };
}

export type FirmDetail = Awaited<ReturnType<typeof firmDetail>>;

// The firm's latest audit history (its timeline document) and the names of the records it refers to (the timeline
// shows names, never ids); those of the records the page has read already are not asked for again.
export async function firmHistory(detail: FirmDetail) {
  const { firm, rounds, people, investors } = detail;
  const history = await historyOfFirm(String(firm._id), 100);
  const historyRefs = await auditRefs(history, [], {
    [String(firm._id)]: { nameKo: firm.nameKo, nameEn: firm.nameEn },
    ...Object.fromEntries(rounds.map((r) => [String(r._id), { stage: r.stage, firm: String(firm._id) }])),
    ...Object.fromEntries(people.map((p) => [String(p._id), { name: p.name }])),
    ...Object.fromEntries([...investors].map(([oid, o]) => [oid, { nameKo: o.nameKo, nameEn: o.nameEn }])),
  });
  return { history, historyRefs };
}
