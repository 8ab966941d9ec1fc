import { expect } from 'chai';
import { useTestApp, loginAs } from '../helpers/app.js';
import { makeFirm, makeUser } from '../helpers/factories.js';
import { changeStatus, deleteFirm, setArchived } from '../../server/firms/firms.service.js';
import { createRound, deleteRound } from '../../server/rounds/rounds.service.js';
import { roundBody } from '../../server/rounds/rounds.schemas.js';
import { countDashboardFigures, dashboardSummary } from '../../server/home/home.service.js';
import { ComputedModel } from '../../models/computed.model.js';
import { unpackFigure } from '../../server/lib/computed.service.js';
import { captureCommands } from '../helpers/commands.js';
import { FirmModel } from '../../models/firm.model.js';
import type { FirmStatus } from '../../models/enums.js';
import { seoulToday } from '../../server/lib/dates.js';

// The dashboard's figures are kept as one computed document (the computed pattern): after any sequence of edits they
// must equal a count from scratch, and the page must show the new figure right after an edit.
const NEXT: Partial<Record<FirmStatus, FirmStatus[]>> = {
  applicant: ['screening', 'withdrawn'],
  screening: ['admitted', 'rejected'],
  admitted: ['resident'],
  resident: ['graduated', 'exited'],
  graduated: ['resident'],
  withdrawn: ['applicant'],
  rejected: ['applicant'],
};

// A small deterministic generator, so a failure replays the same edits.
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('dashboard figures (kept by the computed pattern)', () => {
  const t = useTestApp();

  it('when firms are created, moved, archived, funded and deleted in random order, then the figures always equal a recount', async () => {
    const actor = { id: String((await makeUser({ role: 'staff' }))._id), email: 'figures@test.example' };
    const rnd = random(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const rounds: Array<{ firm: string; round: string }> = [];
    const on = () => seoulToday();
    for (let step = 0; step < 60; step += 1) {
      const firms = await FirmModel.find({}, { status: 1, archived: 1 }).lean();
      const action = firms.length < 3 ? 0 : Math.floor(rnd() * 6);
      if (action === 0) await makeFirm({ status: pick(['applicant', 'screening', 'resident'] as const) });
      else if (action === 1) {
        const f = pick(firms);
        const to = NEXT[f.status];
        if (to) await changeStatus(String(f._id), { status: pick(to), on: on(), _csrf: '' }, actor);
      } else if (action === 2) {
        const f = pick(firms);
        await setArchived(String(f._id), !f.archived, actor);
      } else if (action === 3) {
        const f = pick(firms);
        const round = await createRound(
          String(f._id),
          roundBody.parse({
            stage: 'seed',
            instrument: 'rcps',
            status: 'closed',
            amountKrw: String(100_000_000 * (1 + Math.floor(rnd() * 30))),
            closedOn: '2026-01-15',
          }),
          null,
        );
        rounds.push({ firm: String(f._id), round: String(round.round._id) });
      } else if (action === 4 && rounds.length) {
        const { firm, round } = rounds.splice(Math.floor(rnd() * rounds.length), 1)[0]!;
        await deleteRound(firm, round, actor);
      } else if (action === 5) {
        const withoutRounds = firms.filter((f) => !rounds.some((r) => r.firm === String(f._id)));
        if (withoutRounds.length) await deleteFirm(String(pick(withoutRounds)._id), actor);
      }
      if (step % 3 === 0 || step === 59) {
        const shown = await dashboardSummary();
        const recount = await countDashboardFigures();
        expect(
          { residents: shown.residents, pipeline: shown.pipeline, raisedKrw: shown.raisedKrw },
          `after step ${step}`,
        ).to.deep.equal(recount);
      }
    }
    const figures = await countDashboardFigures();
    expect(figures.residents + figures.pipeline, 'the edits reached the counted statuses').to.be.greaterThan(0);
    expect(figures.raisedKrw, 'the edits funded a resident firm').to.be.greaterThan(0);
  });

  it('when the figures are current, then the dashboard reads one document and no firm', async () => {
    await makeFirm({ status: 'resident' });
    await dashboardSummary();
    const source = await ComputedModel.findById('firms').lean();
    const stored = await ComputedModel.findById('firms:dashboard').lean<{ gen: number; packed: never }>();
    expect(stored?.gen).to.equal(source?.gen);
    expect(unpackFigure(stored!.packed)).to.deep.include({ residents: (await countDashboardFigures()).residents });
    const { commands } = await captureCommands(() => dashboardSummary());
    expect(commands.map((c) => `${c.name} ${c.collection}`)).to.deep.equal(['find computed']);
  });

  it('when staff admit a firm as resident, then the dashboard shows the new count at once', async () => {
    const staff = await loginAs(t.app, 'staff');
    const firm = await makeFirm({ status: 'admitted' });
    const before = (await dashboardSummary()).residents;
    await staff.get('/'); // the figures are current now
    await changeStatus(String(firm._id), { status: 'resident', on: seoulToday(), _csrf: '' } as never, {
      id: staff.userId,
      email: staff.email,
    });
    const page = await staff.get('/');
    expect(page.status).to.equal(200);
    expect((await dashboardSummary()).residents).to.equal(before + 1);
    expect(page.text).to.match(new RegExp(`class="big">${before + 1} <span`));
  });
});
