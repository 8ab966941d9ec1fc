import type { Lang } from '../lib/money.js';
import { formatKrw } from '../lib/money.js';
import type { Fit, Reason } from './match-scoring.js';

type T = (key: string, params?: Record<string, unknown>) => string;

function range(minKrw: number | undefined, maxKrw: number | undefined, t: T, lang: Lang): string {
  const krw = (n: number) => formatKrw(n, lang);
  if (minKrw !== undefined && maxKrw !== undefined)
    return t('matches.why.rangeBoth', { min: krw(minKrw), max: krw(maxKrw) });
  if (minKrw !== undefined) return t('matches.why.rangeFrom', { min: krw(minKrw) });
  return t('matches.why.rangeUpTo', { max: krw(maxKrw ?? 0) });
}

// One phrase per reason in the page's language; a sector and a stage read as one phrase ("결제·시드 투자").
export function explainFit(fit: Fit, t: T, lang: Lang): string[] {
  const label = (group: string, value: string) => t(`enums.${group}.${value}`);
  const phrases: string[] = [];
  const sector = fit.reasons.find(
    (r): r is Extract<Reason, { kind: 'sectorPrimary' | 'sectorSecondary' }> =>
      r.kind === 'sectorPrimary' || r.kind === 'sectorSecondary',
  );
  const stage = fit.reasons.find((r): r is Extract<Reason, { kind: 'stage' }> => r.kind === 'stage');
  for (const r of fit.reasons) {
    switch (r.kind) {
      case 'sectorPrimary':
      case 'sectorSecondary':
        phrases.push(
          stage
            ? t(`matches.why.${r.kind}AtStage`, {
                sector: label('sectors', r.sector),
                stage: label('stages', stage.stage),
              })
            : t(`matches.why.${r.kind}`, { sector: label('sectors', r.sector) }),
        );
        break;
      case 'stage':
        if (!sector) phrases.push(t('matches.why.stage', { stage: label('stages', r.stage) }));
        break;
      case 'ticket':
        phrases.push(
          t('matches.why.ticket', { range: range(r.minKrw, r.maxKrw, t, lang), target: formatKrw(r.targetKrw, lang) }),
        );
        break;
      case 'instrument':
        phrases.push(t('matches.why.instrument', { instrument: label('instruments', r.instrument) }));
        break;
      case 'pastSector':
        phrases.push(
          r.leads > 0
            ? t('matches.why.pastSectorLed', { sector: label('sectors', r.sector), count: r.count, leads: r.leads })
            : t('matches.why.pastSector', { sector: label('sectors', r.sector), count: r.count }),
        );
        break;
      case 'firmRounds':
        phrases.push(t('matches.why.firmRounds', { count: r.count }));
        break;
      case 'bifc':
      case 'busanFocus':
        phrases.push(t(`matches.why.${r.kind}`));
        break;
    }
  }
  for (const note of fit.notes) phrases.push(t(`matches.why.${note}`));
  return phrases;
}
