import type { Request } from 'express';
import { browseAudit, type HistoryEntry } from './audit-query.service.js';
import { AUDIT_ENTITIES, type auditQuery } from './audit.schemas.js';
import type { Validated } from '../lib/validate.js';
import { AUDIT_ACTIONS } from '../../models/enums.js';

// The page of the record an entry is about, when it has one; rounds, people and notes live on their firm's page.
function recordHref(e: HistoryEntry): string | undefined {
  if (e.entity === 'firm') return `/firms/${e.entityId}`;
  if (e.entity === 'investor') return `/investors/${e.entityId}`;
  if (e.entity === 'user') return `/admin/users/${e.entityId}/edit`;
  if (e.firm) return `/firms/${e.firm}`;
  return undefined;
}

// GET /audit — the whole log, newest first, filtered and keyset-paginated both ways
export async function index(req: Request, res: Validated<{ query: typeof auditQuery }>) {
  const { query } = res.locals.input;
  const { after: _after, before: _before, ...filters } = query;
  const page = await browseAudit(query);
  res.render('audit/index', {
    title: req.t('audit.title'),
    entries: page.rows.map((e) => ({ ...e, href: recordHref(e) })),
    page,
    values: filters,
    entities: AUDIT_ENTITIES,
    actions: AUDIT_ACTIONS,
  });
}
