import type { Lang } from '../lib/money.js';
import { nameIn, type Named } from '../lib/names.js';

type T = (key: string, params?: Record<string, unknown>) => string;

export type NoticeLike = { kind: string; params?: Record<string, unknown> | null };

// A notice as a sentence in the page's language, from its kind and the values it was sent with. Names come from the
// records now (renamed firms read right), else from the names stored with the notice, else a neutral word.
export function notificationText(n: NoticeLike, names: { firm?: Named; investor?: Named }, t: T, lang: Lang): string {
  const p = n.params ?? {};
  const stored = (prefix: 'firm' | 'investor'): Named => ({
    nameKo: p[`${prefix}Ko`] as string | undefined,
    nameEn: p[`${prefix}En`] as string | undefined,
  });
  const firm = nameIn(names.firm, lang) || nameIn(stored('firm'), lang) || t('notifications.unknownFirm');
  const investor =
    nameIn(names.investor, lang) || nameIn(stored('investor'), lang) || t('notifications.unknownInvestor');
  const values: Record<string, unknown> = { firm, investor };
  if (typeof p.stage === 'string') values.stage = t(`enums.matchStages.${p.stage}`);
  if (typeof p.reason === 'string') values.reason = t(`enums.passReasons.${p.reason}`);
  values.by = typeof p.byName === 'string' && p.byName ? p.byName : t('notifications.someone');
  const variant = n.kind === 'pass' && values.reason ? 'passWithReason' : n.kind;
  return t(`notifications.text.${variant}`, values);
}
