import { enumOfField, labelOf } from '../lib/labels.js';
import { formatKrw, formatNumber, type Lang } from '../lib/money.js';
import { formatCalendarDate, formatDateTime } from '../lib/dates.js';
import { nameIn } from '../lib/names.js';
import { IMPORT_KINDS } from '../../models/enums.js';

// How an audit entry reads on a page: names for referenced records, labels for codes, won amounts formatted, sentences
// for import counts, and never an id or an internal version. Pure: the names of referenced records come in as `refs`
// (looked up a page at a time by audit-refs.service.ts).

export type AuditChangeIn = { field: string; before?: unknown; after?: unknown };
// An entry as the log stores it (models/audit-entry.model.ts), ids as strings.
export type AuditEntryIn = {
  _id?: string;
  at: Date;
  actorEmail?: string | null;
  entity: string;
  entityId: string;
  entityLabel?: string | null;
  action: string;
  changes?: AuditChangeIn[] | null;
  firm?: string | null;
};

// What a referenced record is called: a firm, investor or target its two names, a person or user their name or email,
// a round its stage and firm, a match its firm and investor.
type AuditRef = {
  nameKo?: string | null;
  nameEn?: string | null;
  name?: string | null;
  email?: string | null;
  stage?: string | null;
  firm?: string | null;
  investor?: string | null;
};
export type AuditRefs = Record<string, AuditRef>;

type DisplayTranslate = (key: string, options?: Record<string, unknown>) => string;
export type DisplayCtx = { t: DisplayTranslate; lang: Lang; refs: AuditRefs };

export type ChangeRow = { field: string; before: string; after: string } | { sentence: string };
export type DisplayEntry = {
  id?: string;
  at: Date;
  actor: string;
  action: string;
  kind: string;
  name: string;
  changes: ChangeRow[];
};

const HEX_ID = /^[0-9a-f]{24}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const IMPORT_COUNTS = ['created', 'updated', 'unchanged'] as const;

const isHexId = (v: unknown): v is string => typeof v === 'string' && HEX_ID.test(v);
// An ObjectId (mongoose's or the driver's) is known by its method, so this module imports no database code.
const isObjectId = (v: object): v is { toHexString(): string } =>
  'toHexString' in v && typeof v.toHexString === 'function';

// Every id an entry refers to, each once, to look their names up in one go, with the kind of record it is where the
// entry says so (its own record is of its entity, its firm a firm); an id among its changes may be of any kind
// (undefined), so its name is asked of every collection.
export function referencedIds(entries: AuditEntryIn[]): Map<string, string | undefined> {
  const ids = new Map<string, string | undefined>();
  const walk = (v: unknown, kind?: string) => {
    if (isHexId(v)) add(v.toLowerCase(), kind);
    else if (v && typeof v === 'object' && isObjectId(v)) add(v.toHexString(), kind);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object' && !(v instanceof Date)) Object.values(v).forEach((x) => walk(x));
  };
  const add = (id: string, kind: string | undefined) => {
    if (kind || !ids.has(id)) ids.set(id, kind ?? ids.get(id));
  };
  for (const e of entries) {
    walk(e.entityId, e.entity);
    walk(e.firm, 'firm');
    for (const c of e.changes ?? []) {
      walk(c.before);
      walk(c.after);
    }
  }
  return ids;
}

function refName(ref: AuditRef | undefined, ctx: DisplayCtx): string | undefined {
  if (!ref) return undefined;
  if (ref.stage) {
    const stage = labelOf('roundStages', ref.stage, ctx.t);
    const firm = ref.firm ? refName(ctx.refs[ref.firm], ctx) : undefined;
    return firm ? `${firm} · ${stage}` : stage;
  }
  if (ref.firm && ref.investor) {
    const firm = refName(ctx.refs[ref.firm], ctx) ?? '';
    const investor = refName(ctx.refs[ref.investor], ctx) ?? '';
    return [firm, investor].filter(Boolean).join(' ↔ ') || undefined;
  }
  return nameIn(ref, ctx.lang) || ref.name || ref.email || undefined;
}

// A referenced record's name in the page language, or "removed record" for one that is gone.
export const referenceName = (id: string, ctx: DisplayCtx): string =>
  refName(ctx.refs[id.toLowerCase()], ctx) ?? ctx.t('audit.value.removed');

const empty = (ctx: DisplayCtx) => ctx.t('audit.value.empty');

// One participant of a round: stored as { investor, amountKrw, lead }, or (entries written before) as the text
// "Name 300000000 (lead)".
function participant(p: unknown, ctx: DisplayCtx): string {
  const lead = ctx.t('audit.value.lead');
  if (p && typeof p === 'object') {
    const { investor, amountKrw, lead: isLead } = p as { investor?: unknown; amountKrw?: unknown; lead?: unknown };
    const name = isHexId(investor) ? referenceName(investor, ctx) : typeof investor === 'string' ? investor : '';
    const amount = typeof amountKrw === 'number' ? ` ${formatKrw(amountKrw, ctx.lang)}` : '';
    return `${name}${amount}${isLead ? ` (${lead})` : ''}`;
  }
  const m = /^(.*?)(?: (\d+))?( \(lead\))?$/.exec(String(p).trim());
  if (!m) return String(p);
  const name = isHexId(m[1]) ? referenceName(m[1], ctx) : m[1];
  return `${name}${m[2] ? ` ${formatKrw(Number(m[2]), ctx.lang)}` : ''}${m[3] ? ` (${lead})` : ''}`;
}

function participants(v: unknown, ctx: DisplayCtx): string {
  if (typeof v === 'string')
    return v
      .split('; ')
      .map((p) => participant(p, ctx))
      .join(', ');
  if (Array.isArray(v)) return v.map((p) => participant(p, ctx)).join(', ');
  return participant(v, ctx);
}

// One stored value of a field, as a person reads it.
function showValue(entity: string, field: string, v: unknown, ctx: DisplayCtx): string {
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return empty(ctx);
  if (field === 'participants') return participants(v, ctx);
  if (Array.isArray(v)) return v.map((x) => showValue(entity, field, x, ctx)).join(', ');
  if (typeof v === 'boolean') return ctx.t(`audit.value.${v}`);
  if (typeof v === 'number') {
    if (/Krw$/.test(field)) return formatKrw(v, ctx.lang);
    return Number.isInteger(v) && Math.abs(v) < 10_000 ? String(v) : formatNumber(v, ctx.lang, 3);
  }
  if (v instanceof Date) return formatDateTime(v, ctx.lang);
  if (typeof v === 'object') {
    if (isObjectId(v)) return showValue(entity, field, v.toHexString(), ctx);
    return Object.entries(v)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${fieldLabel(`${field}.${k}`, ctx)}: ${showValue(entity, k, x, ctx)}`)
      .join(', ');
  }
  if (typeof v !== 'string') return empty(ctx);
  const s = v;
  if (HEX_ID.test(s)) return referenceName(s, ctx);
  const vocabulary = enumOfField(entity, field);
  if (vocabulary) return labelOf(vocabulary, s, ctx.t);
  if (entity === 'import' && field === 'status') return ctx.t(`audit.importStatuses.${s}`, { defaultValue: s });
  if (DAY.test(s)) return formatCalendarDate(s, ctx.lang);
  if (INSTANT.test(s) && !Number.isNaN(Date.parse(s))) return formatDateTime(new Date(s), ctx.lang);
  return s;
}

function fieldLabel(field: string, ctx: DisplayCtx): string {
  const own = ctx.t(`fieldLabels.${field}`, { defaultValue: '' });
  if (own && typeof own === 'string') return own;
  // An unknown nested field reads as its last part's label (fund.sizeKrw → sizeKrw), else as its words.
  const last = field.split('.').pop() ?? field;
  const short = ctx.t(`fieldLabels.${last}`, { defaultValue: '' });
  return typeof short === 'string' && short ? short : ctx.t(`audit.fields.${last}`, { defaultValue: last });
}

// The changes of one entry as rows "field: before → after", or a sentence where the fields are counts (an import).
export function changeRows(entity: string, changes: AuditChangeIn[] | null | undefined, ctx: DisplayCtx): ChangeRow[] {
  const list = changes ?? [];
  const counts = list.filter((c) => (IMPORT_COUNTS as readonly string[]).includes(c.field));
  const rows: ChangeRow[] = [];
  if (entity === 'import' && counts.length) {
    const n = (f: string) => Number(list.find((c) => c.field === f)?.after ?? 0);
    rows.push({
      sentence: ctx.t('audit.importCounts', {
        created: n('created'),
        updated: n('updated'),
        unchanged: n('unchanged'),
      }),
    });
  }
  for (const c of list) {
    if (entity === 'import' && counts.includes(c)) continue;
    rows.push({
      field: fieldLabel(c.field, ctx),
      before: showValue(entity, c.field, c.before, ctx),
      after: showValue(entity, c.field, c.after, ctx),
    });
  }
  return rows;
}

// What an entry is about, in words: the referenced record's name now, else what was stored with the entry, with any
// code in it (a round's stage, an import's kind) read as its label.
function recordName(e: AuditEntryIn, ctx: DisplayCtx): string {
  const stored = e.entityLabel ?? '';
  const parts = stored.split(' · ');
  const now = refName(ctx.refs[String(e.entityId).toLowerCase()], ctx);
  // A fund is recorded on its organisation, labelled "organisation · fund": the organisation's name now, the fund's.
  if (now && e.entity === 'investor' && (e.changes ?? []).some((c) => c.field.startsWith('fund.')) && parts.length > 1)
    return `${now} · ${parts.slice(1).join(' · ')}`;
  if (now) return now;
  // A note is named by its firm.
  const firm = e.firm ? refName(ctx.refs[e.firm.toLowerCase()], ctx) : undefined;
  if (e.entity === 'note' && firm) return firm;
  if (e.entity === 'round') {
    const stage = labelOf('roundStages', parts.pop() ?? '', ctx.t);
    return [firm ?? parts.join(' · '), stage].filter(Boolean).join(' · ');
  }
  if (e.entity === 'import' && (IMPORT_KINDS as readonly string[]).includes(parts[0] ?? '')) {
    return [ctx.t(`imports.kinds.${parts[0]}`), ...parts.slice(1)].join(' · ');
  }
  if (HEX_ID.test(stored)) return ctx.t('audit.value.removed');
  return stored || ctx.t('audit.value.removed');
}

export function displayEntry(e: AuditEntryIn, ctx: DisplayCtx): DisplayEntry {
  return {
    id: e._id,
    at: e.at,
    actor: !e.actorEmail || e.actorEmail === 'system' ? ctx.t('audit.system') : e.actorEmail,
    action: ctx.t(`audit.actions.${e.action}`, { defaultValue: e.action }),
    kind: ctx.t(`audit.entities.${e.entity}`, { defaultValue: e.entity }),
    name: recordName(e, ctx),
    changes: changeRows(e.entity, e.changes, ctx),
  };
}
