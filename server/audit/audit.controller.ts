import type { Request } from 'express';
import { browseAudit, recordHistory, type HistoryEntry } from './audit-query.service.js';
import { AUDIT_ENTITIES, type auditQuery, type historyQuery } from './audit.schemas.js';
import type { idParams, Validated } from '../lib/validate.js';
import type { NamedRecord } from '../lib/load-record.js';
import { nameIn } from '../lib/names.js';
import { seoulDayOf } from './audit-view-keys.js';
import { REF_SOURCES, auditRefs } from './audit-refs.service.js';
import { keptHtml, sendPage } from '../lib/kept-html.js';
import { displayEntry, referenceName } from './audit-display.js';
import { AUDIT_ACTIONS } from '../../models/enums.js';

// The page of the record an entry is about, when it has one; rounds, people and notes live on their firm's page.
function recordHref(e: HistoryEntry): string | undefined {
  if (e.entity === 'firm') return `/firms/${e.entityId}`;
  if (e.entity === 'investor') return `/investors/${e.entityId}`;
  if (e.entity === 'user') return `/admin/users/${e.entityId}/edit`;
  if (e.firm) return `/firms/${e.firm}`;
  return undefined;
}

// The Seoul day a page stopped searching at, when it stopped before it was full (the page says so).
const searchedDay = (page: { searchedTo?: Date }) => (page.searchedTo ? seoulDayOf(page.searchedTo) : undefined);

// GET /audit — the whole log, newest first, filtered and keyset-paginated both ways. A page is kept drawn
// (server/lib/kept-html.ts) per query until the log or a record it names is written: its entries with their changes
// and names took two thirds of the page's time in the app.
const LOG_SOURCES = ['audit', ...REF_SOURCES] as const;

export async function index(req: Request, res: Validated<{ query: typeof auditQuery }>) {
  const { query } = res.locals.input;
  const logHtml = await keptHtml(res, LOG_SOURCES, query, 'audit/log', async () => {
    const { after: _after, before: _before, ...filters } = query;
    const page = await browseAudit(query);
    // The names of the records the page refers to, in one query per collection (the filtered record's too).
    const refs = await auditRefs(page.rows, query.entityId ? [query.entityId] : []);
    const ctx = { t: req.t, lang: res.locals.lang, refs };
    return {
      entries: page.rows.map((e) => ({ ...displayEntry(e, ctx), href: recordHref(e) })),
      // The record the log is narrowed to, by name (the audit link on a firm's or investor's page sets it).
      target: query.entityId ? referenceName(query.entityId, ctx) : undefined,
      page,
      searchedDay: searchedDay(page),
      values: filters,
      entities: AUDIT_ENTITIES,
      actions: AUDIT_ACTIONS,
    };
  });
  await sendPage(res, 'audit/index', { title: req.t('audit.title'), logHtml });
}

type HistoryPage = Validated<{ params: typeof idParams; query: typeof historyQuery }, { record: NamedRecord }>;

function historyPage(kind: 'firm' | 'investor') {
  return async (req: Request, res: HistoryPage) => {
    const { params, query } = res.locals.input;
    const page = await recordHistory(params.id, query, { ownOnly: kind === 'investor' });
    const name = nameIn(res.locals.record, res.locals.lang);
    const back = kind === 'firm' ? `/firms/${params.id}` : `/investors/${params.id}`;
    res.render('audit/history', {
      title: `${req.t('audit.allHistory')} · ${name}`,
      name,
      back,
      entries: page.rows,
      historyRefs: await auditRefs(page.rows),
      page,
      searchedDay: searchedDay(page),
    });
  };
}

// GET /firms/:id/history — a firm's full history with its rounds, people and notes, newest first, paged both ways
export const firmHistory = historyPage('firm');
// GET /investors/:id/history — an investor organisation's full history, newest first, paged both ways
export const investorHistory = historyPage('investor');
