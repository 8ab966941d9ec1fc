import type { Types } from 'mongoose';
import { isDuplicateKey } from '../db/db-errors.js';
import { MatchModel } from '../../models/match.model.js';
import { FirmModel } from '../../models/firm.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import { UserModel } from '../../models/user.model.js';
import type { MatchStage, PassReason } from '../../models/enums.js';
import { AppError, NotFound, ValidationFailed } from '../lib/app-error.js';
import { atVersion, editConflict, versionOf } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import { recordAudit, editorsSince, type Actor } from '../audit/index.js';
import { notify, staffToNotify } from '../notifications/index.js';
import { checkMove, investorAnswers, isOpen, type StageChange } from './match-stages.js';

export type MatchActor = Actor & { name?: string };

export const MATCH_EXISTS = 'match_exists';
export const BAD_MOVE = 'bad_move';

// A second open match for a pair is refused with the existing one's id (the page links to it).
const matchExists = (matchId: string) =>
  new AppError(409, MATCH_EXISTS, 'an open match exists for this pair', { matchId });

async function pairOf(firmId: string, investorId: string) {
  const [firm, investor] = await Promise.all([
    FirmModel.findById(firmId).lean(),
    InvestorOrgModel.findById(investorId).lean(),
  ]);
  if (!firm) throw NotFound('firm');
  if (!investor) throw NotFound('investor');
  if (firm.archived || investor.archived) throw ValidationFailed({ investor: ['matches.errors.archived'] });
  return { firm, investor };
}

const label = (
  firm: { nameKo?: string | null; nameEn?: string | null },
  investor: { nameKo?: string | null; nameEn?: string | null },
) => `${nameIn(firm, 'ko')} × ${nameIn(investor, 'ko')}`;

// A match is owned by an active staff member or admin; anyone else is refused beside the owner field.
async function assertOwner(ownerId: string | undefined): Promise<void> {
  if (!ownerId) return;
  const owner = await UserModel.findById(ownerId, { role: 1, active: 1 }).lean();
  if (!owner || !owner.active || (owner.role !== 'staff' && owner.role !== 'admin'))
    throw ValidationFailed({ owner: ['matches.errors.owner'] });
}

export type NewMatch = { firmId: string; investorId: string; ownerId?: string; nextStep?: string; dueOn?: string };

// Creates the match of a firm and an investor, or reopens a closed one as a new cycle; an open one is refused.
export async function createMatch(input: NewMatch, actor: MatchActor): Promise<{ id: string; reopened: boolean }> {
  const { firm, investor } = await pairOf(input.firmId, input.investorId);
  await assertOwner(input.ownerId);
  const now = new Date();
  const existing = await MatchModel.findOne({ firm: firm._id, investor: investor._id }).lean();
  if (existing && existing.open) throw matchExists(String(existing._id));
  const entry = (cycle: number): StageChange & { by: string; byName?: string } => ({
    stage: 'suggested',
    at: now,
    cycle,
    by: actor.id,
    byName: actor.name,
  });
  const details = {
    owner: input.ownerId,
    nextStep: input.nextStep,
    dueOn: input.dueOn,
    firmSector: firm.sectorPrimary,
    investorType: investor.type,
  };
  if (existing) {
    const cycle = existing.cycle + 1;
    const res = await MatchModel.updateOne(
      { _id: existing._id, open: false, ...atVersion(versionOf(existing)) },
      {
        $set: { stage: 'suggested', open: true, cycle, stageSince: now, ...details },
        // A new cycle of talks: the investor's interest in the last one is not an answer in this one.
        $unset: { interestAt: 1 },
        $push: { history: entry(cycle) },
        $inc: { __v: 1 },
      },
    );
    if (!res.modifiedCount) throw matchExists(String(existing._id));
    await recordAudit({
      actor,
      entity: 'match',
      entityId: existing._id,
      firm: firm._id,
      entityLabel: label(firm, investor),
      action: 'status',
      changes: [{ field: 'stage', before: existing.stage, after: 'suggested' }],
    });
    return { id: String(existing._id), reopened: true };
  }
  try {
    const match = await MatchModel.create({
      firm: firm._id,
      investor: investor._id,
      stage: 'suggested',
      open: true,
      cycle: 1,
      stageSince: now,
      history: [entry(1)],
      ...details,
    });
    await recordAudit({
      actor,
      entity: 'match',
      entityId: match._id,
      firm: firm._id,
      entityLabel: label(firm, investor),
      action: 'create',
      changes: [{ field: 'stage', before: null, after: 'suggested' }],
    });
    if (input.ownerId && input.ownerId !== actor.id)
      await notify([input.ownerId], {
        kind: 'assigned',
        match: String(match._id),
        firm: String(firm._id),
        investor: String(investor._id),
      });
    return { id: String(match._id), reopened: false };
  } catch (err) {
    // Two people created the same pair at once: the unique index lets one through.
    if (isDuplicateKey(err)) {
      const other = await MatchModel.findOne({ firm: firm._id, investor: investor._id }, { _id: 1 }).lean();
      throw matchExists(String(other?._id));
    }
    throw err;
  }
}

export async function getMatch(id: string) {
  const match = await MatchModel.findById(id).lean();
  if (!match) throw NotFound('match');
  return match;
}

export type Move = { to: MatchStage; reason?: PassReason; reasonText?: string; version?: number };

// Moves a match one allowed step (or to passed / on hold), time-stamped with who did it. A pass needs a reason; a move
// the rules refuse is an error with the reason; a move against a version someone else has moved since is an edit conflict.
export async function moveMatch(
  id: string,
  move: Move,
  actor: MatchActor,
  opts: { notifyOwner?: boolean } = {},
): Promise<{ stage: MatchStage; firm: string; investor: string }> {
  const match = await getMatch(id);
  // A move chosen on a page someone has moved since is a conflict first: the rules would otherwise judge it against a
  // stage its author never saw ("already there", "skips a step").
  if (move.version !== undefined && move.version !== versionOf(match))
    throw editConflict(await editorsSince(id, move.version));
  const verdict = checkMove(match.history, move.to);
  if (!verdict.ok)
    throw new AppError(422, BAD_MOVE, `cannot move from ${match.stage} to ${move.to}`, {
      reason: verdict.reason,
      from: match.stage,
      to: move.to,
    });
  if (move.to === 'passed' && !move.reason) throw ValidationFailed({ reason: ['matches.errors.reasonRequired'] });
  const version = move.version ?? versionOf(match);
  const now = new Date();
  const change = {
    stage: move.to,
    at: now,
    cycle: match.cycle,
    by: actor.id,
    byName: actor.name,
    ...(move.to === 'passed' ? { reason: move.reason, reasonText: move.reasonText } : {}),
  };
  const res = await MatchModel.updateOne(
    { _id: match._id, ...atVersion(version) },
    { $set: { stage: move.to, open: isOpen(move.to), stageSince: now }, $push: { history: change }, $inc: { __v: 1 } },
  );
  if (!res.modifiedCount) throw editConflict(await editorsSince(id, version));
  await InvestorOrgModel.updateOne({ _id: match.investor }, { $set: { lastContactAt: now } });
  const [firm, investor] = await Promise.all([
    FirmModel.findById(match.firm, { nameKo: 1, nameEn: 1 }).lean(),
    InvestorOrgModel.findById(match.investor, { nameKo: 1, nameEn: 1 }).lean(),
  ]);
  await recordAudit({
    actor,
    entity: 'match',
    entityId: match._id,
    firm: match.firm,
    entityLabel: label(firm ?? {}, investor ?? {}),
    action: 'status',
    version: version + 1,
    changes: [
      { field: 'stage', before: match.stage, after: move.to },
      ...(move.reason ? [{ field: 'passReason', before: null, after: move.reason }] : []),
    ],
  });
  // The owner hears of a move someone else made (an investor's answer is told by respondAsInvestor instead).
  if (opts.notifyOwner !== false && match.owner && String(match.owner) !== actor.id) {
    await notify([String(match.owner)], {
      kind: 'stage',
      match: id,
      firm: String(match.firm),
      investor: String(match.investor),
      params: {
        stage: move.to,
        ...(actor.name ? { byName: actor.name } : {}),
        firmKo: nameIn(firm, 'ko'),
        firmEn: nameIn(firm, 'en'),
        investorKo: nameIn(investor, 'ko'),
        investorEn: nameIn(investor, 'en'),
      },
    });
  }
  return { stage: move.to, firm: String(match.firm), investor: String(match.investor) };
}

export type MatchDetails = { ownerId?: string; nextStep?: string; dueOn?: string; version?: number };

// Owner, next step and due date; a new owner is told in their notifications.
export async function updateMatchDetails(id: string, input: MatchDetails, actor: MatchActor): Promise<void> {
  const match = await getMatch(id);
  // A new owner must be active staff; the one it has may stay even after leaving.
  if (input.ownerId !== (match.owner ? String(match.owner) : undefined)) await assertOwner(input.ownerId);
  const version = input.version ?? versionOf(match);
  const $set = {
    owner: input.ownerId || undefined,
    nextStep: input.nextStep || undefined,
    dueOn: input.dueOn || undefined,
  };
  const $unset = Object.fromEntries(
    Object.entries($set)
      .filter(([, v]) => v === undefined)
      .map(([k]) => [k, 1 as const]),
  );
  const res = await MatchModel.updateOne(
    { _id: match._id, ...atVersion(version) },
    {
      $set: Object.fromEntries(Object.entries($set).filter(([, v]) => v !== undefined)),
      ...(Object.keys($unset).length ? { $unset } : {}),
      $inc: { __v: 1 },
    },
  );
  if (!res.modifiedCount) throw editConflict(await editorsSince(id, version));
  // The owner is recorded by name: the audit log shows people, not ids.
  const ownerIds = [match.owner, $set.owner].filter((o): o is NonNullable<typeof o> => Boolean(o)).map(String);
  const ownerNames = new Map(
    (ownerIds.length ? await UserModel.find({ _id: { $in: ownerIds } }, { name: 1 }).lean() : []).map((u) => [
      String(u._id),
      u.name,
    ]),
  );
  const shown = (field: 'owner' | 'nextStep' | 'dueOn', v: { toString(): string } | null | undefined) =>
    !v ? null : field === 'owner' ? (ownerNames.get(v.toString()) ?? null) : v.toString();
  const changes = (['owner', 'nextStep', 'dueOn'] as const)
    .filter((field) => (match[field] ? String(match[field]) : null) !== ($set[field] ?? null))
    .map((field) => ({ field, before: shown(field, match[field]), after: shown(field, $set[field]) }));
  if (changes.length) await auditMatchUpdate(match, actor, changes, version + 1);
  if (input.ownerId && input.ownerId !== String(match.owner ?? '') && input.ownerId !== actor.id) {
    await notify([input.ownerId], {
      kind: 'assigned',
      match: id,
      firm: String(match.firm),
      investor: String(match.investor),
    });
  }
}

export async function addMatchNote(id: string, body: string, actor: MatchActor): Promise<void> {
  const match = await getMatch(id);
  await MatchModel.updateOne(
    { _id: match._id },
    { $push: { notes: { body, at: new Date(), by: actor.id, byName: actor.name } } },
  );
  await auditMatchUpdate(match, actor, [{ field: 'note', before: null, after: body }]);
}

// An update of a match in the audit log (its fields, a note, the round recorded from it, the investor's interest).
function auditMatchUpdate(
  match: { _id: Types.ObjectId | string; firm: Types.ObjectId | string },
  actor: MatchActor,
  changes: NonNullable<Parameters<typeof recordAudit>[0]['changes']>,
  version?: number,
): Promise<void> {
  return recordAudit({
    actor,
    entity: 'match',
    entityId: match._id,
    firm: match.firm,
    action: 'update',
    changes,
    ...(version === undefined ? {} : { version }),
  });
}

export type InvestorResponse = {
  kind: 'interest' | 'intro-request' | 'pass';
  reason?: PassReason;
  reasonText?: string;
};

// An investor answers a firm shared with its organisation. Each answer first makes sure the organisation has an open match
// (creating it, or reopening a closed one); then interest is recorded on it (once a cycle, while it is a suggestion), an
// introduction request moves it to "intro requested" (when it may move there), and a pass closes it with the reason.
// When the answer changed something, the match's owner (or every staff member, when it has none) is notified; an answer
// given again changes nothing and tells no one twice. Visibility is the caller's check (the portal's).
export async function respondAsInvestor(
  firmId: string,
  investorId: string,
  response: InvestorResponse,
  actor: MatchActor,
): Promise<{ matchId: string; changed: boolean }> {
  if (response.kind === 'pass' && !response.reason)
    throw ValidationFailed({ reason: ['matches.errors.reasonRequired'] });
  let match = await MatchModel.findOne({ firm: firmId, investor: investorId }).lean();
  let changed = false;
  if (!match || !match.open) {
    const created = await createMatch({ firmId, investorId }, actor).then(
      ({ id }) => ({ id, fresh: true }),
      (err: unknown) => {
        if (err instanceof AppError && err.code === MATCH_EXISTS)
          return { id: (err.details as { matchId: string }).matchId, fresh: false };
        throw err;
      },
    );
    changed = created.fresh;
    match = await getMatch(created.id);
  }
  const id = String(match._id);
  const may = investorAnswers(match);
  if (response.kind === 'interest' && may.interest) changed = (await recordInterest(match, actor)) || changed;
  if (response.kind === 'intro-request' && may.introRequest) {
    await moveMatch(id, { to: 'intro-requested' }, actor, { notifyOwner: false });
    changed = true;
  }
  if (response.kind === 'pass') {
    await moveMatch(id, { to: 'passed', reason: response.reason, reasonText: response.reasonText }, actor, {
      notifyOwner: false,
    });
    changed = true;
  }
  if (!changed) return { matchId: id, changed };
  const [firm, investor] = await Promise.all([
    FirmModel.findById(firmId, { nameKo: 1, nameEn: 1 }).lean(),
    InvestorOrgModel.findById(investorId, { nameKo: 1, nameEn: 1 }).lean(),
  ]);
  await notify(await staffToNotify(match.owner ? String(match.owner) : undefined), {
    kind: response.kind,
    match: id,
    firm: firmId,
    investor: investorId,
    params: {
      firmKo: nameIn(firm, 'ko'),
      firmEn: nameIn(firm, 'en'),
      investorKo: nameIn(investor, 'ko'),
      investorEn: nameIn(investor, 'en'),
      ...(response.reason ? { reason: response.reason } : {}),
    },
  });
  return { matchId: id, changed };
}

// Interest is kept on the match (not a stage of its own): set once, while the match is still a suggestion, by a write
// that refuses a second time, so two clicks at once record it once.
async function recordInterest(
  match: { _id: Types.ObjectId; firm: Types.ObjectId },
  actor: MatchActor,
): Promise<boolean> {
  const at = new Date();
  const res = await MatchModel.updateOne(
    { _id: match._id, open: true, stage: 'suggested', interestAt: { $exists: false } },
    { $set: { interestAt: at } },
  );
  if (!res.modifiedCount) return false;
  await auditMatchUpdate(match, actor, [{ field: 'interestAt', before: null, after: at }]);
  return true;
}

// The round recorded from an invested match is linked to it, so the pipeline and the funding figures agree. Only a match of
// the round's firm that reached "invested" takes the link; anything else is left alone (false).
export async function linkRound(
  matchId: string,
  round: { id: string; firm: string; stage: string },
  actor: MatchActor,
): Promise<boolean> {
  const res = await MatchModel.updateOne(
    { _id: matchId, firm: round.firm, stage: 'invested' },
    { $set: { round: round.id } },
  );
  if (!res.modifiedCount) return false;
  await auditMatchUpdate({ _id: matchId, firm: round.firm }, actor, [
    { field: 'round', before: null, after: round.stage },
  ]);
  return true;
}
