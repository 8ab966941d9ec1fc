import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { csrfAfterUpload } from '../lib/csrf.js';
import { requireRole, STAFF } from '../auth/index.js';
import { validate } from '../lib/validate.js';
import { AppError } from '../lib/app-error.js';
import { MAX_BYTES } from './csv-file.js';
import { applyBody, batchParams, templateParams, templateQuery } from './imports.schemas.js';
import * as imports from './imports.controller.js';

// The one route that takes a multipart body (the app-wide CSRF guard refuses multipart elsewhere).
export const IMPORT_UPLOAD_PATH = '/firms/import';
export const importsRouter = Router();
const staff = requireRole(...STAFF);

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 6 },
  // Korean file names arrive as UTF-8.
  defParamCharset: 'utf8',
}).single('file');

// The multipart body is parsed here (the global body parsers skip it); a refused upload is reported on the form after the
// CSRF check, like any other input problem.
const parseUpload: RequestHandler = (req, res, next) => {
  upload(req, res, (err: unknown) => {
    if (err instanceof multer.MulterError) {
      res.locals.uploadError =
        err.code === 'LIMIT_FILE_SIZE' ? 'imports.fileErrors.tooBig' : 'imports.fileErrors.badUpload';
      return next();
    }
    // Anything else busboy raises is a body that is not multipart at all (no boundary, cut short, a malformed part header):
    // the client's fault, so a 400 page rather than a 500.
    next(err ? new AppError(400, 'bad_upload', 'bad upload: the file could not be read from the request') : undefined);
  });
};

// The app-wide CSRF check skips multipart requests: the token is checked here, once multer has read the fields.

importsRouter.get('/firms/import', staff, imports.uploadForm);
importsRouter.get(
  '/firms/import/template/:kind.csv',
  staff,
  validate({ params: templateParams, query: templateQuery }, { strictQuery: true }),
  imports.template,
);
importsRouter.post(IMPORT_UPLOAD_PATH, staff, parseUpload, csrfAfterUpload, imports.preview);
importsRouter.get('/firms/import/:batchId', staff, validate({ params: batchParams }), imports.show);
importsRouter.get('/firms/import/:batchId/mapping', staff, validate({ params: batchParams }), imports.mappingForm);
// The mapping and kind forms re-render themselves with the reason when their body does not fit.
importsRouter.post('/firms/import/:batchId/mapping', staff, validate({ params: batchParams }), imports.saveMapping);
importsRouter.post('/firms/import/:batchId/kind', staff, validate({ params: batchParams }), imports.switchKind);
importsRouter.post(
  '/firms/import/:batchId/apply',
  staff,
  validate({ params: batchParams, body: applyBody }),
  imports.apply,
);
