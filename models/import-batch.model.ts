import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { IMPORT_KINDS, IMPORT_STATUSES, ROW_ACTIONS } from './enums.js';

const messageSchema = new Schema(
  { field: String, message: { type: String, required: true }, params: Schema.Types.Mixed },
  { _id: false },
);

const changeSchema = new Schema(
  { field: { type: String, required: true }, before: String, after: String },
  { _id: false },
);

// One spreadsheet row (header = row 1) with its cells and what the import decided to do with it.
const rowSchema = new Schema(
  {
    line: { type: Number, required: true },
    // Column name → cell text, for the known columns only; re-read at apply time to re-check the decision.
    cells: { type: Schema.Types.Mixed, default: {} },
    action: { type: String, enum: ROW_ACTIONS, required: true },
    key: { type: String },
    label: { type: String },
    // The record the row matched or, once applied, created; rounds also name their firm (for links).
    targetId: { type: Schema.Types.ObjectId },
    firmId: { type: Schema.Types.ObjectId },
    changes: { type: [changeSchema], default: [] },
    messages: { type: [messageSchema], default: [] },
  },
  { _id: false },
);

// What the import wrote, so a failure or crash midway can be undone (there are no transactions). Update and touch
// entries are stored before their writes (a chunk at a time); inserts are found by the import id they carry.
// insert: the new record's id; update: the stored values before the write (firm and investor: the paths it changes;
// round: the whole document, since a round update replaces it); touch: a firm whose totals a round write recomputes.
const journalSchema = new Schema(
  {
    op: { type: String, enum: ['insert', 'update', 'touch'], required: true },
    entity: { type: String, enum: ['firm', 'round', 'investor'], required: true },
    entityId: { type: Schema.Types.ObjectId, required: true },
    // Rounds: the firm whose totals follow them.
    firm: { type: Schema.Types.ObjectId },
    // A missing `value` means the field was absent.
    before: {
      type: [new Schema({ path: { type: String, required: true }, value: Schema.Types.Mixed }, { _id: false })],
      default: undefined,
    },
    doc: { type: Schema.Types.Mixed },
  },
  { _id: false },
);

const importBatchSchema = new Schema(
  {
    kind: { type: String, enum: IMPORT_KINDS, required: true },
    filename: { type: String, required: true },
    // How the file was read: UTF-8 (with or without BOM) or CP949 (Excel's "CSV (쉼표로 분리)" on Korean Windows).
    encoding: { type: String, enum: ['utf-8', 'cp949'] },
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    byEmail: { type: String },
    at: { type: Date, required: true, default: () => new Date() },
    status: { type: String, enum: IMPORT_STATUSES, required: true, default: 'previewed' },
    // The file's known columns in file order, and the ones it had that the import does not read.
    columns: { type: [String], default: [] },
    ignoredColumns: { type: [String], default: [] },
    // The file as read (its header row and its rows' cells), kept until the batch is applied so that the columns can be
    // mapped again without uploading the file again; mapping: the column each header position is read as ('' = ignored).
    source: {
      type: new Schema({ headers: { type: [String], default: [] }, records: Schema.Types.Mixed }, { _id: false }),
      default: undefined,
    },
    mapping: { type: [String], default: undefined },
    // Set while the headers still need the person's mapping (no rows are checked then, and it cannot be applied).
    needsMapping: { type: Boolean },
    // Another kind the headers fit better (a rounds file uploaded as startups).
    suggestedKind: { type: String, enum: IMPORT_KINDS },
    // Applied with "skip the rows with errors": the error rows were left out.
    skipErrors: { type: Boolean },
    rows: { type: [rowSchema], default: [] },
    counts: {
      create: { type: Number, default: 0 },
      update: { type: Number, default: 0 },
      unchanged: { type: Number, default: 0 },
      error: { type: Number, default: 0 },
    },
    // What an undo undid (stored when it ends); while a batch is held, its journal is in ImportJournalPart documents.
    journal: { type: [journalSchema], default: [] },
    // The rows to write (set when applying starts) and, once held no more, the rows written; while applying, the rows
    // written so far are on the lease (stored with each chunk), and the batch page shows them.
    appliedRows: { type: Number },
    totalRows: { type: Number },
    // Why applying failed (after the undo), and the spreadsheet row whose write failed.
    failure: { type: String },
    failureLine: { type: Number },
    undoComplete: { type: Boolean },
    appliedAt: { type: Date },
    finishedAt: { type: Date },
    // While applying or undoing: the process holding the batch (a random token per apply or undo; its lease is an
    // ImportLease). claims: how many times a process has claimed the batch (to apply it, or to undo it after its process
    // died); the current lease is the one numbered claims - 1.
    leaseOwner: { type: String },
    claims: { type: Number, default: 0 },
  },
  { timestamps: true },
);
importBatchSchema.index({ at: -1 });
importBatchSchema.index({ status: 1, at: -1 });

export type ImportBatch = InferSchemaType<typeof importBatchSchema>;
export const ImportBatchModel = mongoose.model('ImportBatch', importBatchSchema);

// A process's lease on a batch it applies or undoes, renewed every few seconds; once `until` has passed, the process
// is taken to be dead and any instance may undo the batch. _id "<batch id>:<claim number>": inserting it is the claim,
// so of two processes claiming the batch in the same state only one succeeds. (A conditional update of the batch is
// not enough: FerretDB v1 applies an update by reading the document and writing it back whole, so two at once may
// both succeed.) A small document of its own, because renewing on the batch (all its rows) would rewrite a large
// document every few seconds, and the periodic check reads only the leases.
const importLeaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    batch: { type: Schema.Types.ObjectId, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
    // The progress of the apply holding it: the rows written so far, of the rows to write.
    appliedRows: { type: Number },
    totalRows: { type: Number },
  },
  { versionKey: false },
);
importLeaseSchema.index({ until: 1 });

export const ImportLeaseModel = mongoose.model('ImportLease', importLeaseSchema);

// The journal of a held batch, one document per chunk written ahead: _id "<lease id>/<n>", n counting from 0, so the
// process that takes a batch over reads them by _id. Inserted, never rewritten: pushing onto the batch instead rewrote
// the whole batch (every row of the file) once per chunk, a second a time for a 5,000-row file on the embedded
// database. Removed when the batch is held no more (the undo stores what it undid on the batch).
const importJournalPartSchema = new Schema(
  {
    _id: { type: String, required: true },
    entries: { type: [journalSchema], default: [] },
  },
  { versionKey: false },
);

export const ImportJournalPartModel = mongoose.model('ImportJournalPart', importJournalPartSchema);
