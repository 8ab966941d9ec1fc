import { UserModel } from '../../models/user.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import type { InvestorType, Role } from '../../models/enums.js';
import { hash } from '@node-rs/argon2';
import { brnWithCheckDigit } from '../../server/firms/firm-rules.js';
import { createFirmBody, type CreateFirmInput } from '../../server/firms/firms.schemas.js';
import { createFirm } from '../../server/firms/firms.service.js';
import { nameKeyOf } from '../../server/investors/investors.service.js';

export const TEST_PASSWORD = 'correct horse battery';
let seq = 0;
let cachedHash: Promise<string> | undefined;

export async function makeInvestorOrg(over: Partial<{ nameKo: string; nameEn: string; type: InvestorType }> = {}) {
  seq += 1;
  const nameEn = over.nameEn ?? `Test Ventures ${seq}`;
  return InvestorOrgModel.create({
    nameKo: over.nameKo ?? `테스트벤처스 ${seq}`,
    nameEn,
    nameKey: nameKeyOf({ nameEn }),
    type: over.type ?? 'vc',
  });
}

export async function makeUser(
  over: { role?: Role; email?: string; investorOrg?: string; active?: boolean; name?: string } = {},
) {
  seq += 1;
  const role = over.role ?? 'staff';
  // The app verifies with the cost written in the hash, so test accounts carry a cheap one: signing in 600 times a run
  // at the app's own cost (OWASP's minimum for Argon2id, ~20 ms of CPU each) was 12 s of the suite's CPU.
  cachedHash ??= hash(TEST_PASSWORD, { memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const investorOrg = role === 'investor' ? (over.investorOrg ?? String((await makeInvestorOrg())._id)) : undefined;
  return UserModel.create({
    email: over.email ?? `${role}${seq}@test.example`,
    name: over.name ?? `Test ${role} ${seq}`,
    role,
    investorOrg,
    active: over.active ?? true,
    passwordHash: await cachedHash,
  });
}

let brnSeq = 100000000;
// A valid, unique business registration number.
export function nextBrn(): string {
  brnSeq += 7;
  return brnWithCheckDigit(String(brnSeq));
}

export async function makeFirm(over: Partial<CreateFirmInput> = {}) {
  seq += 1;
  const input = createFirmBody.parse({
    nameKo: `테스트기업${seq}`,
    nameEn: `Test Firm ${seq}`,
    sectorPrimary: 'payments',
    ...over,
  });
  return createFirm(input, null);
}
