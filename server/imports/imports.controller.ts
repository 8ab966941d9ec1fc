import type { Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { IMPORT_KINDS, type ImportKind } from '../../models/enums.js';
import { flash } from '../lib/forms.js';
import { toLang } from '../lib/i18n.js';
import type { CsvFileError, CsvSource } from './csv-file.js';
import { COLUMNS } from './import-columns.js';
import { columnHelp } from './import-help.js';
import {
  kindBody,
  mappingBody,
  uploadBody,
  type applyBody,
  type batchParams,
  type templateParams,
  type templateQuery,
} from './imports.schemas.js';
import type { AppResponse, Validated } from '../lib/validate.js';
import {
  applyImport,
  BACKGROUND_ROWS,
  getBatch,
  getBatchForPage,
  previewImport,
  referencedNames,
  remapImport,
  rowsToWrite,
} from './imports.service.js';
import { displayRows, fieldLabel, mappingColumns } from './import-display.js';
import { missingRequired, recogniseHeader } from './header-recognition.js';
import { columnLabel } from './column-labels.js';
import { templateTable } from './template-file.js';
import { actorOf } from '../audit/index.js';

const langOf = (req: Request) => toLang(req.language);

// A file error's column (a code) as the reader's header.
function readableError(kind: ImportKind, error: CsvFileError | undefined, req: Request): CsvFileError | undefined {
  const column = error?.params?.column;
  if (!error || typeof column !== 'string') return error;
  return { ...error, params: { ...error.params, column: fieldLabel(kind, column, langOf(req)) } };
}

function renderUpload(
  req: Request,
  res: AppResponse,
  locals: { kind?: string; fileError?: CsvFileError; status?: number } = {},
) {
  const kind = (IMPORT_KINDS as readonly string[]).includes(locals.kind ?? '') ? (locals.kind as ImportKind) : 'firms';
  res.status(locals.status ?? 200).render('imports/upload', {
    title: req.t('imports.title'),
    kinds: IMPORT_KINDS,
    kind,
    help: Object.fromEntries(IMPORT_KINDS.map((k) => [k, columnHelp(k, langOf(req))])),
    fileError: locals.fileError,
  });
}

// GET /firms/import — choose what to import, upload a CSV; templates and the column reference
export function uploadForm(req: Request, res: AppResponse) {
  const kind = typeof req.query.kind === 'string' ? req.query.kind : undefined;
  renderUpload(req, res, { kind });
}

// GET /firms/import/template/:kind.csv[?lang=ko|en] — header row and one example row, UTF-8 with a BOM (Excel reads
// Korean right); column codes without a language, else the headers and value labels of that language
export function template(req: Request, res: Validated<{ params: typeof templateParams; query: typeof templateQuery }>) {
  const { kind } = res.locals.input.params;
  const { lang } = res.locals.input.query;
  const { headers, row } = templateTable(kind, lang);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${kind}-template${lang ? `-${lang}` : ''}.csv"`);
  res.send(stringify([headers, row], { bom: true, record_delimiter: 'windows' }));
}

// POST /firms/import — read the file and store it as a batch: checked row by row when its headers are all recognised,
// else the mapping of its columns comes first (writes no records)
export async function preview(req: Request, res: AppResponse) {
  const sent: unknown = req.body ?? {};
  const body = uploadBody.safeParse(sent);
  // The kind as sent, chosen again when the form comes back (renderUpload keeps it only if it is one).
  const kind =
    typeof sent === 'object' && sent !== null && 'kind' in sent && typeof sent.kind === 'string'
      ? sent.kind
      : undefined;
  const fail = (message: string) => renderUpload(req, res, { kind, fileError: { message }, status: 422 });
  if (res.locals.uploadError) return fail(res.locals.uploadError);
  if (!body.success) return fail('imports.fileErrors.kind');
  if (!req.file || !req.file.size) return fail('imports.fileErrors.noFile');
  const result = await previewImport(
    { kind: body.data.kind, filename: req.file.originalname || `${body.data.kind}.csv`, bytes: req.file.buffer },
    actorOf(req),
  );
  if ('error' in result)
    return renderUpload(req, res, {
      kind,
      fileError: readableError(body.data.kind, result.error, req),
      status: 422,
    });
  await renderBatch(req, res, result.batchId);
}

type Batch = Awaited<ReturnType<typeof getBatch>>;

// The mapping page of a batch: each column with samples and the field it is read as.
function renderMapping(
  req: Request,
  res: AppResponse,
  batch: Batch,
  locals: { mapping?: readonly string[]; fileError?: CsvFileError; status?: number } = {},
) {
  const lang = langOf(req);
  const source = (batch.source ?? { headers: [], records: [] }) as CsvSource;
  const mapping = locals.mapping ?? batch.mapping ?? [];
  const kind = batch.kind;
  const recognised = source.headers.map((h) => recogniseHeader(kind, h).status === 'column');
  const columns = mappingColumns(source, mapping, recognised);
  // The choices: ignore, every importable column, and participant columns the file has.
  const fields = [
    ...COLUMNS[kind],
    ...mapping.filter((c) => /^participant\d+/.test(c) && !COLUMNS[kind].includes(c)),
  ].map((value) => ({ value, label: fieldLabel(kind, value, lang) }));
  const missing = missingRequired(
    kind,
    mapping.map((c) => c || undefined),
  ).map((c) => columnLabel(kind, c, lang));
  res.status(locals.status ?? 200).render('imports/mapping', {
    title: req.t('imports.mapping.title'),
    batch,
    columns,
    fields,
    missing,
    unknownCount: columns.filter((c) => !c.recognised && c.header && !c.selected).length,
    fileError: readableError(kind, locals.fileError, req),
  });
}

async function renderBatch(req: Request, res: AppResponse, id: string, forcedStatus?: number) {
  const batch = await getBatchForPage(id);
  if (batch.needsMapping && batch.status === 'previewed') return renderMapping(req, res, batch);
  const lang = langOf(req);
  const rows = displayRows(batch.kind, batch.rows, {
    lang,
    t: req.t,
    names: await referencedNames(batch.rows, lang),
  });
  const open = batch.status === 'previewed' || batch.status === 'interrupted';
  const page = open ? 'imports/preview' : 'imports/result';
  const status = forcedStatus ?? (open && batch.counts?.error ? 422 : 200);
  res.status(status).render(page, {
    title: open ? req.t('imports.preview.title') : req.t(`imports.result.${batch.status}Title`),
    batch,
    rows,
    skippedLines: batch.rows.filter((r) => r.action === 'error').map((r) => r.line),
    // While it is being applied or undone, the page reloads itself (no JavaScript) to show the progress.
    refreshSeconds: batch.status === 'applying' || batch.status === 'undoing' ? 2 : undefined,
  });
}

// GET /firms/import/:batchId — a batch: its column mapping while it needs one, its preview while it may be applied (an
// interrupted one again), else its result
export async function show(req: Request, res: Validated<{ params: typeof batchParams }>) {
  await renderBatch(req, res, res.locals.input.params.batchId);
}

// GET /firms/import/:batchId/mapping — the columns of a batch not yet applied, to map them again
export async function mappingForm(req: Request, res: Validated<{ params: typeof batchParams }>) {
  const batch = await getBatch(res.locals.input.params.batchId);
  if (batch.status !== 'previewed' || !batch.source) return res.redirect(303, `/firms/import/${String(batch._id)}`);
  renderMapping(req, res, batch);
}

// POST /firms/import/:batchId/mapping — read the stored file with the chosen columns and check every row again
export async function saveMapping(req: Request, res: Validated<{ params: typeof batchParams }>) {
  const id = res.locals.input.params.batchId;
  const batch = await getBatch(id);
  const parsed = mappingBody.safeParse(req.body ?? {});
  const chosen = parsed.success ? parsed.data.columns : [];
  const allowed = (c: string) =>
    c === '' || COLUMNS[batch.kind].includes(c) || /^participant\d{1,3}(AmountKrw|Lead)?$/.test(c);
  if (!parsed.success || !chosen.every(allowed))
    return renderMapping(req, res, batch, { fileError: { message: 'imports.mapping.invalid' }, status: 422 });
  const result = await remapImport(id, { kind: batch.kind, mapping: chosen });
  if ('error' in result)
    return renderMapping(req, res, batch, { mapping: chosen, fileError: result.error, status: 422 });
  if ('notMappable' in result) flash(res, 'info', req.t('imports.alreadyDone'));
  res.redirect(303, `/firms/import/${id}`);
}

// POST /firms/import/:batchId/kind — read the stored file as another kind (a rounds file uploaded as startups)
export async function switchKind(req: Request, res: Validated<{ params: typeof batchParams }>) {
  const id = res.locals.input.params.batchId;
  const parsed = kindBody.safeParse(req.body ?? {});
  if (!parsed.success) {
    const batch = await getBatch(id);
    return renderMapping(req, res, batch, { fileError: { message: 'imports.fileErrors.kind' }, status: 422 });
  }
  const result = await remapImport(id, { kind: parsed.data.kind });
  if ('error' in result) {
    const batch = await getBatch(id);
    return renderMapping(req, res, batch, { fileError: result.error, status: 422 });
  }
  if ('notMappable' in result) flash(res, 'info', req.t('imports.alreadyDone'));
  res.redirect(303, `/firms/import/${id}`);
}

// POST /firms/import/:batchId/apply — re-check, write every row or none; with skipErrors, every valid row and none of
// the rows with errors
export async function apply(req: Request, res: Validated<{ params: typeof batchParams; body: typeof applyBody }>) {
  const id = res.locals.input.params.batchId;
  const skipErrors = res.locals.input.body.skipErrors === 'true';
  const batch = await getBatch(id);
  // A large file is applied in the background of this process, under the batch's lease like any apply (a shutdown
  // drains or undoes it; a crash leaves the lease to lapse and recovery undoes it): the request returns once the batch
  // is applying, to its page, which shows the rows written so far and reloads itself until the end.
  let applying!: () => void;
  const started = new Promise<'applying'>((resolve) => (applying = () => resolve('applying')));
  const running = applyImport(id, actorOf(req), { onApplying: applying }, { skipErrors });
  if (rowsToWrite(batch.rows) > BACKGROUND_ROWS) {
    running.catch((err: unknown) => req.log?.error({ err }, `import ${id}: the apply in the background failed`));
    const first = await Promise.race([started, running]);
    if (first === 'applying') return res.redirect(303, `/firms/import/${id}`);
  }
  const result = await running;
  if (result.outcome === 'failed') return renderBatch(req, res, id, 500);
  if (result.outcome === 'applied') flash(res, 'success', req.t('imports.result.appliedFlash', result.counts));
  if (result.outcome === 'changed') flash(res, 'warning', req.t('imports.changedSincePreview'));
  // interrupted: the batch's page says it was undone (or is being undone) and offers to apply it again.
  if (result.outcome === 'alreadyDone') flash(res, 'info', req.t('imports.alreadyDone'));
  res.redirect(303, `/firms/import/${id}`);
}
