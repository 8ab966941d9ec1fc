import type { Request } from 'express';
import type { idParams, Validated } from '../lib/validate.js';
import { nameIn } from '../lib/names.js';
import type { Lang } from '../lib/money.js';
import { explainFit } from './match-explain.js';
import { firmSuggestions, investorSuggestions } from './match-suggestions.service.js';
import { staffOptions } from './match-read.service.js';
import type { Fit } from './match-scoring.js';

type InvestorOrFirmPage = Validated<{ params: typeof idParams }>;

type Row = { id: string; name: string; score: number; why: string[]; matchId?: string; type?: string };
const row =
  (req: Request, lang: Lang) =>
  (r: { item: { id: string; name: string }; fit: Fit; matchId?: string; type?: string }): Row => ({
    id: r.item.id,
    name: r.item.name,
    score: r.fit.score,
    why: explainFit(r.fit, req.t, lang),
    matchId: r.matchId,
    type: r.type,
  });

// GET /firms/:id/suggestions — investor organisations ranked for the firm's raise, each with why, and a "create match" form
export async function forFirm(req: Request, res: InvestorOrFirmPage) {
  const { lang } = res.locals;
  const [s, staff] = await Promise.all([investorSuggestions(res.locals.input.params.id, lang), staffOptions()]);
  res.render('matches/suggestions', {
    title: req.t('matches.suggest.forFirm', { name: nameIn(s.firm, lang) }),
    direction: 'firm',
    subjectId: String(s.firm._id),
    subjectName: nameIn(s.firm, lang),
    rows: s.rows.map(row(req, lang)),
    total: s.total,
    staff,
  });
}

// GET /investors/:id/suggestions — firms ranked for the investor's thesis, the same way
export async function forInvestor(req: Request, res: InvestorOrFirmPage) {
  const { lang } = res.locals;
  const [s, staff] = await Promise.all([firmSuggestions(res.locals.input.params.id, lang), staffOptions()]);
  res.render('matches/suggestions', {
    title: req.t('matches.suggest.forInvestor', { name: nameIn(s.investor, lang) }),
    direction: 'investor',
    subjectId: String(s.investor._id),
    subjectName: nameIn(s.investor, lang),
    rows: s.rows.map(row(req, lang)),
    total: s.total,
    staff,
  });
}
