import { UserModel } from '../../models/user.model.js';
import { InvestorOrgModel } from '../../models/investor-org.model.js';
import type { InvestorType, Role } from '../../models/enums.js';
import { hashPassword } from '../../server/auth/passwords.js';
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
  cachedHash ??= hashPassword(TEST_PASSWORD);
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
