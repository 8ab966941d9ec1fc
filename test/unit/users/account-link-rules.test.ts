import { expect } from 'chai';
import { linkExpiry, linkProblem } from '../../../server/users/account-link-rules.js';

const now = new Date('2026-12-01T10:00:00Z');
const later = new Date('2026-12-01T10:30:00Z');
const earlier = new Date('2026-12-01T09:30:00Z');
const active = { active: true };

describe('one-time account links: lifetime and validity', () => {
  it('when an invitation is issued, then it works for 7 days; a reset link for one hour', () => {
    expect(linkExpiry('invite', now).toISOString()).to.equal('2026-12-08T10:00:00.000Z');
    expect(linkExpiry('reset', now).toISOString()).to.equal('2026-12-01T11:00:00.000Z');
  });

  it('when a link is open and its account active, then it works', () => {
    expect(linkProblem({ expiresAt: later }, active, now)).to.equal(undefined);
  });

  it('when a link is past its expiry (to the millisecond), then it has expired', () => {
    expect(linkProblem({ expiresAt: earlier }, active, now)).to.equal('expired');
    expect(linkProblem({ expiresAt: now }, active, now)).to.equal('expired');
  });

  it('when a link was used, then it says used, even if it was revoked or has expired since', () => {
    expect(linkProblem({ expiresAt: earlier, usedAt: earlier, revokedAt: now }, active, now)).to.equal('used');
  });

  it('when a link was withdrawn or its account deactivated, then it reads as withdrawn', () => {
    expect(linkProblem({ expiresAt: later, revokedAt: earlier }, active, now)).to.equal('revoked');
    expect(linkProblem({ expiresAt: later }, { active: false }, now)).to.equal('revoked');
  });

  it('when there is no such link or account, then it is unknown', () => {
    expect(linkProblem(null, active, now)).to.equal('unknown');
    expect(linkProblem({ expiresAt: later }, null, now)).to.equal('unknown');
  });
});
