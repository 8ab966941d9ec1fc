import type { Request } from 'express';
import { stringify } from 'csv-stringify/sync';
import { IMPORT_KINDS, type ImportKind } from '../../models/enums.js';
import { flash } from '../lib/forms.js';
import type { CsvFileError } from './csv-file.js';
import { COLUMNS, TEMPLATE_EXAMPLES } from './import-columns.js';
import { columnHelp } from './import-help.js';
import { uploadBody, type batchParams, type templateParams } from './imports.schemas.js';
import type { csrfOnlyBody } from '../lib/form-fields.js';
import type { AppResponse, Validated } from '../lib/validate.js';
import { applyImport, getBatch, previewImport } from './imports.service.js';
import { actorOf } from '../audit/index.js';

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
    help: Object.fromEntries(IMPORT_KINDS.map((k) => [k, columnHelp(k)])),
    fileError: locals.fileError,
  });
}

// GET /firms/import — choose what to import, upload a CSV; templates and the column reference
export function uploadForm(req: Request, res: AppResponse) {
  const kind = typeof req.query.kind === 'string' ? req.query.kind : undefined;
  renderUpload(req, res, { kind });
}

// GET /firms/import/template/:kind.csv — header row and one example row, UTF-8 with a BOM (Excel reads Korean right)
export function template(req: Request, res: Validated<{ params: typeof templateParams }>) {
  const { kind } = res.locals.input.params;
  const columns = [...COLUMNS[kind]];
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${kind}-template.csv"`);
  res.send(stringify([TEMPLATE_EXAMPLES[kind]], { header: true, columns, bom: true, record_delimiter: 'windows' }));
}

// POST /firms/import — read and check every row, store the batch, show the row-by-row report (writes no records)
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
  if ('error' in result) return renderUpload(req, res, { kind, fileError: result.error, status: 422 });
  const batch = await getBatch(result.batchId);
  res
    .status(batch.counts?.error ? 422 : 200)
    .render('imports/preview', { title: req.t('imports.preview.title'), batch });
}

// GET /firms/import/:batchId — a batch: its preview while it may be applied (an interrupted one again), else its result
export async function show(req: Request, res: Validated<{ params: typeof batchParams }>) {
  const batch = await getBatch(res.locals.input.params.batchId);
  const page = batch.status === 'previewed' || batch.status === 'interrupted' ? 'imports/preview' : 'imports/result';
  res.render(page, { title: req.t(`imports.result.${batch.status}Title`), batch });
}

// POST /firms/import/:batchId/apply — re-check, write every row or none
export async function apply(req: Request, res: Validated<{ params: typeof batchParams; body: typeof csrfOnlyBody }>) {
  const id = res.locals.input.params.batchId;
  const result = await applyImport(id, actorOf(req));
  if (result.outcome === 'failed') {
    const batch = await getBatch(id);
    return res.status(500).render('imports/result', { title: req.t('imports.result.failedTitle'), batch });
  }
  if (result.outcome === 'applied') flash(res, 'success', req.t('imports.result.appliedFlash', result.counts));
  if (result.outcome === 'changed') flash(res, 'warning', req.t('imports.changedSincePreview'));
  // interrupted: the batch's page says it was undone (or is being undone) and offers to apply it again.
  if (result.outcome === 'alreadyDone') flash(res, 'info', req.t('imports.alreadyDone'));
  res.redirect(303, `/firms/import/${id}`);
}
