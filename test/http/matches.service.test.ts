import { expect } from 'chai';
import { makeFirm, makeInvestorOrg, makeUser } from '../helpers/factories.js';
import {
  createMatch,
  moveMatch,
  respondAsInvestor,
  getMatch,
  MATCH_EXISTS,
  BAD_MOVE,
} from '../../server/matches/matches.service.js';
import { countUnread, notificationsOf } from '../../server/notifications/index.js';
import { MatchModel } from '../../models/match.model.js';
import { UserModel } from '../../models/user.model.js';
import { AuditEntryModel } from '../../models/audit-entry.model.js';
import { AppError } from '../../server/lib/app-error.js';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('matches: the pipeline rules against the database', () => {
  async function setUp() {
    const staff = await makeUser({ role: 'staff' });
    const actor = { id: String(staff._id), email: staff.email, name: staff.name };
    const firm = await makeFirm();
    const investor = await makeInvestorOrg();
    return { staff, actor, firmId: String(firm._id), investorId: String(investor._id) };
  }

  it('when a second match for an open pair is created, then it is refused with a link to the first; after a pass it reopens as a new cycle', async () => {
    const { actor, firmId, investorId } = await setUp();
    const first = await createMatch({ firmId, investorId }, actor);
    const refused = await rejection(createMatch({ firmId, investorId }, actor));
    expect(refused.code).to.equal(MATCH_EXISTS);
    expect(refused.details).to.deep.equal({ matchId: first.id });
    await moveMatch(first.id, { to: 'passed', reason: 'timing' }, actor);
    const again = await createMatch({ firmId, investorId }, actor);
    expect(again).to.deep.equal({ id: first.id, reopened: true });
    const match = await getMatch(first.id);
    expect(match.cycle).to.equal(2);
    expect(match.history.map((h) => `${h.cycle}:${h.stage}`)).to.deep.equal(['1:suggested', '1:passed', '2:suggested']);
    expect(await MatchModel.countDocuments({ firm: firmId, investor: investorId })).to.equal(1);
  });

  it('when two people create the same pair at once, then exactly one match exists', async () => {
    const { actor, firmId, investorId } = await setUp();
    const results = await Promise.allSettled([
      createMatch({ firmId, investorId }, actor),
      createMatch({ firmId, investorId }, actor),
      createMatch({ firmId, investorId }, actor),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    expect(await MatchModel.countDocuments({ firm: firmId, investor: investorId })).to.equal(1);
  });

  it('moves step by step with who and when; a skip, a pass without a reason and any move of a closed match are refused', async () => {
    const { actor, firmId, investorId } = await setUp();
    const { id } = await createMatch({ firmId, investorId }, actor);
    expect((await rejection(moveMatch(id, { to: 'invested' }, actor))).code).to.equal(BAD_MOVE);
    for (const to of ['introduced', 'meeting', 'due-diligence', 'term-sheet'] as const)
      await moveMatch(id, { to }, actor);
    expect((await rejection(moveMatch(id, { to: 'passed' }, actor))).status).to.equal(422);
    await moveMatch(id, { to: 'invested' }, actor);
    expect((await rejection(moveMatch(id, { to: 'passed', reason: 'other' }, actor))).details).to.include({
      reason: 'closed',
    });
    const match = await getMatch(id);
    expect(match.open).to.equal(false);
    expect(match.history.every((h) => String(h.by) === actor.id && h.at instanceof Date)).to.equal(true);
    expect(await AuditEntryModel.countDocuments({ entity: 'match', entityId: id })).to.equal(6);
  });

  it('when two people move the same match at once from the same version, then one move wins and the other gets an edit conflict', async () => {
    const { actor, firmId, investorId } = await setUp();
    const { id } = await createMatch({ firmId, investorId }, actor);
    const version = (await getMatch(id)).__v;
    const results = await Promise.allSettled([
      moveMatch(id, { to: 'introduced', version }, actor),
      moveMatch(id, { to: 'passed', reason: 'timing', version }, actor),
    ]);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).to.have.length(1);
    expect((refused[0]?.reason as AppError | undefined)?.code).to.equal('edit_conflict');
    expect((await getMatch(id)).history).to.have.length(2);
  });

  it('when an investor asks for an introduction, then the match moves and staff are notified (the bell count too)', async () => {
    const { staff, firmId, investorId } = await setUp();
    const investorUser = await makeUser({ role: 'investor', investorOrg: investorId });
    const actor = { id: String(investorUser._id), email: investorUser.email, name: investorUser.name };
    const { matchId } = await respondAsInvestor(firmId, investorId, { kind: 'intro-request' }, actor);
    expect((await getMatch(matchId)).stage).to.equal('intro-requested');
    const notes = await notificationsOf(String(staff._id));
    expect(notes.map((n) => n.kind)).to.deep.equal(['intro-request']);
    expect((await UserModel.findById(staff._id).lean())!.unreadNotifications).to.equal(
      await countUnread(String(staff._id)),
    );
    const pass = await rejection(respondAsInvestor(firmId, investorId, { kind: 'pass' }, actor));
    expect(pass.status).to.equal(422);
  });
});
