import { expect } from 'chai';
import type { Response } from 'supertest';

// The answer a role guard gives: allowed → one of the expected statuses (a redirect not to /login);
// anonymous → to /login; a signed-in user without the role → 403.
export function expectGuarded(res: Response, who: string, allowed: boolean, okStatuses: number[] = [200, 302]): void {
  if (allowed) {
    expect(res.status, res.text.slice(0, 300)).to.be.oneOf(okStatuses);
    if (res.status === 302) expect(res.headers.location).to.not.equal('/login');
  } else if (who === 'anonymous') {
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/login');
  } else {
    expect(res.status).to.equal(403);
  }
}
