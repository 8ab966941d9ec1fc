import type { Request, Response } from 'express';
import { browseAudit, type HistoryEntry } from './audit-query.service.js';
import { encodeAuditCursor, AUDIT_ENTITIES, type AuditQuery } from './audit.schemas.js';
import { AUDIT_ACTIONS } from '../../models/audit-entry.model.js';

const auditUrl = (params: Record<string, string | undefined>) => {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return qs ? `/audit?${qs}` : '/audit';
};

// The page of the record an entry is about, when it has one; rounds, people and notes live on their firm's page.
function recordHref(e: HistoryEntry): string | undefined {
  if (e.entity === 'firm') return `/firms/${e.entityId}`;
  if (e.entity === 'investor') return `/investors/${e.entityId}`;
  if (e.entity === 'user') return `/admin/users/${e.entityId}/edit`;
  if (e.firm) return `/firms/${e.firm}`;
  return undefined;
}

// GET /audit — the whole log, newest first, filtered and keyset-paginated
export async function index(req: Request, res: Response) {
  const { after, ...filters } = res.locals.input.query as AuditQuery;
  const page = await browseAudit({ ...filters, after });
  res.render('audit/index', {
    title: req.t('audit.title'),
    entries: page.entries.map((e) => ({ ...e, href: recordHref(e) })),
    values: filters,
    entities: AUDIT_ENTITIES,
    actions: AUDIT_ACTIONS,
    nextUrl: page.next ? auditUrl({ ...filters, after: encodeAuditCursor(page.next) }) : undefined,
    firstUrl: after ? auditUrl(filters) : undefined,
  });
}
