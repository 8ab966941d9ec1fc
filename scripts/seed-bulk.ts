import { invalidateAllComputed } from '../models/computed.model.js';
// npm run seed -- --firms N [--seed 42] [--uri mongodb://…] [--force] [--flat-audit] [--audit-per-firm 300]
// A realistic data set at any size, the same for the same seed value, written in bulk (chunks of 1,000): N firms with five
// years of status history, founders, about five rounds each with one to five participants, three investor organisations
// per firm with theses and funds, matches with stage histories, notes and about 300 audit entries per firm; then the
// derived data (firm totals, the reports' monthly summaries, the targets) computed once by the project's own functions.
// The database: --uri, else MONGODB_URI, else an embedded one in data/bench-<N> (what `npm run bench` starts the app on).
import path from 'node:path';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import mongoose, { Types } from 'mongoose';
import {
  AuditEntryModel,
  FirmModel,
  FundingRoundModel,
  InvestorOrgModel,
  MatchModel,
  NoteModel,
  PersonModel,
  UserModel,
  FIRM_STAGES,
  INSTRUMENTS,
  INVESTOR_REGIONS,
  INVESTOR_TYPES,
  PASS_REASONS,
  ROUND_STAGES,
  SECTORS,
  type FirmStatus,
  type MatchStage,
  type RoundStage,
} from '../models/index.js';
import { startDatabase } from '../server/db/provider.js';
import type { RunningDatabase } from '../server/db/provider.types.js';
import { connectDb, disconnectDb } from '../server/db/connection.js';
import { projectRoot } from '../server/lib/paths.js';
import { hashPassword } from '../server/auth/index.js';
import { brnWithCheckDigit, derivedFirmFields } from '../server/firms/index.js';
import { computeFirmTotals } from '../server/rounds/index.js';
import { nameKeyOf } from '../server/investors/index.js';
import { PIPELINE } from '../server/matches/index.js';
import { addMonths, ensureReportMonths, metricOn, seedTargetsIfNone } from '../server/reports/index.js';
import * as audit from '../server/audit/index.js';

export const BENCH_PASSWORD = 'tipstown-bench';
export const BENCH_ACCOUNTS = {
  admin: 'admin@bench.example',
  staff: 'staff@bench.example',
  investor: 'investor@bench.example',
  viewer: 'viewer@bench.example',
} as const;
// The data ends on this day whenever it is generated (so the same seed gives the same figures); history starts five years
// before it.
const LAST_DAY = '2026-11-30';
const FIRST_DAY = '2021-12-01';
const CHUNK = 1000;
const AUDIT_PER_FIRM = 300;

type Options = {
  firms: number;
  seed: number;
  uri?: string;
  dataDir: string;
  force: boolean;
  flatAudit: boolean;
  auditPerFirm: number;
};

export function seedOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Options {
  const value = (name: string) => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const arg = argv[i]!;
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
  };
  const int = (name: string, fallback: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < (name === 'audit-per-firm' ? 0 : 1))
      throw new Error(`--${name} needs a positive whole number, not ${raw}`);
    return n;
  };
  const firms = int('firms', 60);
  return {
    firms,
    seed: int('seed', 42),
    uri: value('uri') ?? (env.MONGODB_URI || undefined),
    dataDir: path.resolve(value('data-dir') ?? benchDataDir(firms)),
    force: argv.includes('--force'),
    flatAudit: argv.includes('--flat-audit'),
    auditPerFirm: int('audit-per-firm', AUDIT_PER_FIRM),
  };
}

export const benchDataDir = (firms: number) => path.join(projectRoot, 'data', `bench-${firms}`);

// The embedded database of a bench size: its own folder under data/, reusing the built FerretDB and the remembered
// "no mongod download" verdict of data/.
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const data = path.join(projectRoot, 'data');
  if (!existsSync(path.join(dir, 'tools')) && existsSync(path.join(data, 'tools')))
    symlinkSync(path.join(data, 'tools'), path.join(dir, 'tools'));
  const verdict = 'mongod-unavailable.json';
  if (!existsSync(path.join(dir, verdict)) && existsSync(path.join(data, verdict)))
    copyFileSync(path.join(data, verdict), path.join(dir, verdict));
}

export async function openDatabase(opts: { uri?: string; dataDir: string }): Promise<RunningDatabase> {
  if (!opts.uri) prepareDataDir(opts.dataDir);
  return startDatabase({
    mongodbUri: opts.uri,
    dataDir: opts.dataDir,
    dbName: 'tipstown',
    ephemeral: false,
    log: (m) => process.stderr.write(`[db] ${m}\n`),
  });
}

// mulberry32: small, fast and the same everywhere.
function randomOf(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const some = <T>(xs: readonly T[], lo: number, hi: number): T[] => {
    const n = Math.min(xs.length, int(lo, hi));
    const copy = [...xs];
    const out: T[] = [];
    while (out.length < n) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]!);
    return out;
  };
  return { next, int, pick, some };
}
type Random = ReturnType<typeof randomOf>;

// Ids that are the same for the same seed: a fixed time part, the kind, then a counter.
const KINDS = { user: 1, org: 2, firm: 3, person: 4, round: 5, match: 6, note: 7, audit: 8 } as const;
const idOf = (kind: keyof typeof KINDS, n: number) =>
  new Types.ObjectId(`61a6b000${KINDS[kind].toString(16).padStart(2, '0')}${n.toString(16).padStart(14, '0')}`);

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(Math.round(n) * DAY_MS).toISOString().slice(0, 10);
const momentOn = (day: string, r: Random) => new Date(Date.parse(`${day}T00:00:00Z`) + r.int(0, 9 * 3600) * 1000);
const between = (r: Random, from: string, to: string) =>
  dayOf(r.int(dayNumber(from), Math.max(dayNumber(from), dayNumber(to))));

// Names in the manner of the demo data (server/seed/demo-data.ts): a Busan place and a line of business.
const PLACES: [string, string][] = [
  ['해운', 'Haeun'],
  ['문현', 'Munhyeon'],
  ['광안', 'Gwangan'],
  ['동백', 'Dongbaek'],
  ['센텀', 'Centum'],
  ['영도', 'Yeongdo'],
  ['수영', 'Suyeong'],
  ['서면', 'Seomyeon'],
  ['기장', 'Gijang'],
  ['남포', 'Nampo'],
  ['송정', 'Songjeong'],
  ['다대', 'Dadae'],
];
const TRADES: [string, string, (typeof SECTORS)[number], string][] = [
  ['페이', 'Pay', 'payments', 'QR payments for port and tourism merchants'],
  ['블록랩스', 'Block Labs', 'digital-assets', 'Institutional custody for tokenised securities'],
  ['크레딧', 'Credit', 'lending', 'SME invoice financing with alternative data'],
  ['인슈어', 'Insure', 'insurtech', 'Parametric cargo insurance for shipping firms'],
  ['자산', 'Asset', 'wealthtech', 'Robo-advice for retirement pension accounts'],
  ['레그체크', 'RegCheck', 'regtech', 'Automated AML reporting for small lenders'],
  ['아이디', 'ID', 'security-identity', 'Mobile identity verification with liveness checks'],
  ['데이터', 'Data', 'data-ai', 'Credit scoring from telecom and utility data'],
  ['뱅크', 'Bank API', 'banking-infrastructure', 'Open-banking API gateway for regional banks'],
  ['레저', 'Ledger', 'digital-assets', 'Blockchain bills of lading for shipping finance'],
  ['브릿지', 'Bridge', 'payments', 'Cross-border remittance for foreign workers'],
  ['렌드', 'Lend', 'lending', 'P2P lending marketplace for logistics firms'],
];
const INVESTOR_WORDS: [string, string][] = [
  ['벤처투자', 'Venture Capital'],
  ['파트너스', 'Partners'],
  ['인베스트먼트', 'Investment'],
  ['엔젤클럽', 'Angel Club'],
  ['액셀러레이터', 'Accelerator'],
  ['캐피탈', 'Capital'],
];
const FAMILY = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오'];
const GIVEN = ['민지', '준호', '서연', '도윤', '하은', '지훈', '수아', '시우', '예린', '현우', '지민', '서준'];
const TAGS = ['blockchain', 'b2b', 'b2c', 'ai', 'maritime', 'export', 'esg', 'mobile', 'api', 'sme'];
const NOTE_TEXTS = [
  'Met the founders at BIFC; follow up on the pilot with the port authority.',
  '투자 유치 일정 확인 필요. 다음 달 IR 예정.',
  'Asked for the latest cap table before the committee.',
  '레지던시 연장 신청서 접수 완료.',
  'Introduced to two regional banks for a proof of concept.',
];
// The equity ladder a firm climbs (the rest of ROUND_STAGES are side rounds).
const ROUND_LADDER: readonly RoundStage[] = ROUND_STAGES.slice(0, 6);
const MATCH_LADDER = PIPELINE;

const personName = (r: Random) => `${r.pick(FAMILY)}${r.pick(GIVEN)}`;

async function inChunks<T>(docs: readonly T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < docs.length; i += CHUNK) await write(docs.slice(i, i + CHUNK));
}

// Raw inserts (the documents are built complete here, with the defaults and timestamps Mongoose would add). An
// undefined field is left out, as Mongoose leaves it out, not stored as null: a null due date sorts like a missing one
// in MongoDB, but the embedded database walks an index for a sorted page only when the key is a string or missing.
const RAW = { ignoreUndefined: true };
type RawCollection = { insertMany: (docs: object[], options: typeof RAW) => Promise<unknown> };
const insert = (model: { collection: RawCollection }, docs: object[]) =>
  inChunks(docs, (chunk) => model.collection.insertMany(chunk, RAW));

type AuditDoc = {
  _id: Types.ObjectId;
  at: Date;
  actor?: Types.ObjectId;
  actorEmail: string;
  entity: string;
  entityId: Types.ObjectId;
  entityLabel: string;
  action: string;
  changes: { field: string; before: unknown; after: unknown }[];
  version?: number;
  firm?: Types.ObjectId;
};

type AuditWriter = { name: string; write: (entries: AuditDoc[]) => Promise<void>; finish: () => Promise<void> };

// The audit feature's bulk writer when it has one (it keeps its derived documents in step); until then flat entries,
// and the audit feature's rebuild of its derived documents, if any, once at the end.
function auditWriter(flat: boolean): AuditWriter {
  const feature = (flat ? {} : audit) as Record<string, unknown>;
  const append = feature.appendAuditEntries as ((entries: object[]) => Promise<unknown>) | undefined;
  const rebuild = feature.rebuildAuditViews as (() => Promise<unknown>) | undefined;
  if (append)
    return {
      name: 'appendAuditEntries',
      // Its input is what recordAudit takes, with the moment; all in one call (it batches by itself, and its cost grows
      // with the calls: each continues the day buckets the previous one left open).
      write: async (entries) =>
        void (await append(
          entries.map(({ _id, actor, actorEmail, ...e }) => ({
            ...e,
            actor: actor ? { id: String(actor), email: actorEmail } : null,
          })),
        )),
      finish: () => Promise.resolve(),
    };
  return {
    name: rebuild ? 'writeAudit + rebuildAuditViews' : 'writeAudit (flat entries)',
    write: (entries) => writeAudit(entries),
    finish: async () => void (await rebuild?.()),
  };
}

async function writeAudit(entries: AuditDoc[]): Promise<void> {
  await inChunks(entries, (chunk) => AuditEntryModel.collection.insertMany(chunk, RAW));
}

type Counts = Record<string, number>;

// auditPerFirm: fewer for tests (test/perf/query-shape.test.ts), 300 otherwise.
export async function generate(opts: {
  firms: number;
  seed: number;
  auditPerFirm?: number;
  // Flat entries only, without the audit feature's derived views (--flat-audit).
  flatAudit?: boolean;
  log?: (line: string) => void;
}): Promise<{ counts: Counts; audit: string }> {
  const auditPerFirm = opts.auditPerFirm ?? AUDIT_PER_FIRM;
  const r = randomOf(opts.seed);
  const now = new Date(`${LAST_DAY}T09:00:00Z`);
  const stamps = (at: Date) => ({ createdAt: at, updatedAt: at });
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  // Investor organisations: three per firm.
  const orgs = Array.from({ length: opts.firms * 3 }, (_, i) => {
    const [placeKo, placeEn] = PLACES[i % PLACES.length]!;
    const [wordKo, wordEn] = INVESTOR_WORDS[Math.floor(i / PLACES.length) % INVESTOR_WORDS.length]!;
    const round = Math.floor(i / (PLACES.length * INVESTOR_WORDS.length));
    const suffix = round ? ` ${round + 1}` : '';
    const nameEn = `${placeEn} ${wordEn}${suffix}`;
    const min = r.pick([100, 300, 500, 1000]) * 1_000_000;
    const funds = Array.from({ length: r.int(1, 3) }, (_, k) => {
      const sizeKrw = r.int(10, 80) * 1_000_000_000;
      return {
        _id: new Types.ObjectId(idOf('org', 1_000_000 + i * 4 + k).toHexString()),
        name: `${placeKo}${wordKo}${suffix} ${k + 1}호 펀드`,
        sizeKrw,
        vintage: between(r, '2018-01-01', LAST_DAY),
        dryPowderKrw: Math.round((sizeKrw * r.int(5, 60)) / 100),
        bifcStartupFund: r.next() < 0.25,
      };
    });
    return {
      _id: idOf('org', i),
      nameKo: `${placeKo}${wordKo}${suffix}`,
      nameEn,
      nameKey: nameKeyOf({ nameEn }),
      type: r.pick(INVESTOR_TYPES),
      bifcBased: r.next() < 0.4,
      archived: false,
      thesis: {
        sectors: r.some(SECTORS, 1, 3),
        stages: r.some(ROUND_LADDER, 1, 3),
        instruments: r.some(INSTRUMENTS, 1, 2),
        ticketMinKrw: min,
        ticketMaxKrw: r.next() < 0.2 ? undefined : min * r.int(3, 20),
        regions: r.some(INVESTOR_REGIONS, 1, 2),
        notes: 'Follows on in Busan fintech; prefers a local co-investor.',
      },
      funds,
      ...stamps(now),
      __v: 0,
    };
  });

  // Users: the four sign-in accounts, and staff who own matches.
  const staffNames = Array.from({ length: 8 }, () => personName(r));
  const users = [
    { role: 'admin', email: BENCH_ACCOUNTS.admin, name: 'Bench Admin' },
    { role: 'staff', email: BENCH_ACCOUNTS.staff, name: 'Bench Staff' },
    { role: 'investor', email: BENCH_ACCOUNTS.investor, name: 'Bench Investor', investorOrg: orgs[0]!._id },
    { role: 'viewer', email: BENCH_ACCOUNTS.viewer, name: 'Bench Viewer' },
    ...staffNames.map((name, i) => ({ role: 'staff', email: `staff${i + 1}@bench.example`, name })),
  ].map((u, i) => ({
    _id: idOf('user', i),
    ...u,
    active: true,
    passwordHash,
    unreadNotifications: 0,
    ...stamps(now),
    __v: 0,
  }));
  const staff = users.filter((u) => u.role === 'staff');

  const firms: Record<string, unknown>[] = [];
  const people: object[] = [];
  const rounds: (Record<string, unknown> & { firm: Types.ObjectId })[] = [];
  const matches: object[] = [];
  const notes: object[] = [];
  const auditDocs: AuditDoc[] = [];
  const lastContact = new Map<string, Date>();
  let roundN = 0;
  let matchN = 0;
  let noteN = 0;
  let personN = 0;
  let auditN = 0;

  const auditEntry = (
    firm: Types.ObjectId,
    label: string,
    entity: string,
    entityId: Types.ObjectId,
    action: string,
    at: Date,
    changes: AuditDoc['changes'],
  ) => {
    const actor = r.pick(staff);
    auditDocs.push({
      _id: idOf('audit', auditN++),
      at,
      actor: actor._id,
      actorEmail: actor.email,
      entity,
      entityId,
      entityLabel: label,
      action,
      changes,
      firm,
    });
  };

  for (let i = 0; i < opts.firms; i += 1) {
    const id = idOf('firm', i);
    const firstAudit = auditN;
    const [placeKo, placeEn] = PLACES[i % PLACES.length]!;
    const [tradeKo, tradeEn, sector, pitch] = TRADES[Math.floor(i / PLACES.length) % TRADES.length]!;
    const cycle = Math.floor(i / (PLACES.length * TRADES.length));
    const suffix = cycle ? ` ${cycle + 1}` : '';
    const names = { nameKo: `${placeKo}${tradeKo}${suffix}`, nameEn: `${placeEn} ${tradeEn}${suffix}` };
    const label = names.nameKo;

    // Status history over five years: applied, screened, admitted, resident, and for some a departure.
    const applied = between(r, FIRST_DAY, '2026-08-31');
    const history: { status: FirmStatus; on: string; at: Date; byEmail: string }[] = [];
    const step = (status: FirmStatus, on: string) => {
      if (on > LAST_DAY) return false;
      history.push({ status, on, at: momentOn(on, r), byEmail: r.pick(staff).email });
      return true;
    };
    let on = applied;
    step('applicant', on);
    const fate = r.next();
    on = dayOf(dayNumber(on) + r.int(10, 40));
    let residentFrom: string | undefined;
    if (step('screening', on)) {
      on = dayOf(dayNumber(on) + r.int(15, 60));
      if (fate < 0.12) step('rejected', on);
      else if (step('admitted', on)) {
        on = dayOf(dayNumber(on) + r.int(10, 45));
        if (step('resident', on)) {
          residentFrom = on;
          const leave = dayOf(dayNumber(on) + r.int(300, 1100));
          if (fate > 0.75) step(r.pick(['graduated', 'exited', 'withdrawn'] as const), leave);
        }
      }
    }
    const last = history[history.length - 1]!;
    const founded = between(r, '2015-01-01', dayOf(dayNumber(applied) - 60));
    const tags = r.some(TAGS, 1, 3);
    const tipsSelected = residentFrom && r.next() < 0.35 ? addMonths(residentFrom, r.int(4, 12)) : undefined;
    const tips =
      tipsSelected && tipsSelected <= LAST_DAY
        ? {
            track: 'tips',
            operator: orgs[i * 3 + 2]!._id,
            recommendedOn: addMonths(residentFrom!, 2),
            selectedOn: tipsSelected,
            grantKrw: 500_000_000,
          }
        : {};
    const raising = r.next() < 0.45;
    const base = { ...names, pitch, tags, brn: brnWithCheckDigit(String(602810000 + i * 137)), tips };
    const firmOrgs = [orgs[i * 3]!, orgs[i * 3 + 1]!, orgs[i * 3 + 2]!] as const;
    firms.push({
      _id: id,
      ...base,
      ...Object.fromEntries(Object.entries(derivedFirmFields(base)).filter(([k]) => k !== 'tips.status')),
      tips: { ...tips, status: derivedFirmFields(base)['tips.status'] },
      sectorPrimary: sector,
      sectorsSecondary: r.next() < 0.3 ? [r.pick(SECTORS)].filter((s) => s !== sector) : [],
      stage: r.pick(FIRM_STAGES.slice(1, 6)),
      founded,
      website: `https://${names.nameEn.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
      headcount: r.int(3, 60),
      status: last.status,
      statusHistory: history,
      residency: residentFrom
        ? {
            start: residentFrom,
            plannedEnd: addMonths(residentFrom, 36),
            end: last.status === 'resident' ? undefined : last.on,
            space: `BIFC ${r.int(50, 63)}F-${String(r.int(1, 40)).padStart(2, '0')}`,
          }
        : undefined,
      fundraising: {
        raising,
        targetKrw: raising ? r.int(5, 50) * 100_000_000 : undefined,
        stage: raising ? r.pick(ROUND_LADDER) : undefined,
        openToInvestors: raising && r.next() < 0.6,
      },
      sharing: {
        orgs: r.next() < 0.3 ? [orgs[0]!._id, firmOrgs[0]._id] : [],
        summaryKo: `${names.nameKo}: ${pitch}`,
        summaryEn: `${names.nameEn}: ${pitch}`,
      },
      totals: { raisedKrw: 0, roundCount: 0 },
      lastActivityAt: momentOn(between(r, last.on, LAST_DAY), r),
      archived: r.next() < 0.03,
      ...stamps(momentOn(applied, r)),
      __v: 0,
    });
    for (const s of history)
      auditEntry(id, label, 'firm', id, 'status', s.at, [{ field: 'status', before: null, after: s.status }]);

    // Founders and people.
    for (let k = 0, n = r.int(1, 3); k < n; k += 1) {
      const pid = idOf('person', personN++);
      people.push({
        _id: pid,
        name: personName(r),
        title: k === 0 ? 'CEO' : r.pick(['CTO', 'COO', 'CFO']),
        email: `p${personN}@${names.nameEn.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
        firms: [{ firm: id, role: k === 0 ? 'founder' : 'co-founder' }],
        ...stamps(momentOn(applied, r)),
        __v: 0,
      });
      auditEntry(id, label, 'person', pid, 'create', momentOn(applied, r), [
        { field: 'name', before: null, after: 'x' },
      ]);
    }

    // About five rounds from the years before it applied onwards, the last one open when it falls after the data's end.
    const roundsHere = r.int(3, 7);
    let day = dayOf(Math.max(dayNumber(founded) + 120, dayNumber(applied) - 900));
    for (let k = 0; k < roundsHere; k += 1) {
      day = dayOf(dayNumber(day) + r.int(60, 240));
      const closed = day <= LAST_DAY;
      const stage = k < ROUND_LADDER.length ? ROUND_LADDER[Math.min(k, ROUND_LADDER.length - 1)] : 'bridge';
      const amountKrw = r.int(3, 40) * 100_000_000 * (k + 1);
      const investors = r.some([...firmOrgs, ...Array.from({ length: 4 }, () => r.pick(orgs))], 1, 5);
      const unique = [...new Map(investors.map((o) => [String(o._id), o])).values()];
      let left = amountKrw;
      const participants = unique.map((o, p) => {
        const amount = p === unique.length - 1 ? left : Math.round((left * r.int(20, 60)) / 100);
        left -= amount;
        return { investor: o._id, amountKrw: amount, lead: p === 0 };
      });
      const rid = idOf('round', roundN++);
      rounds.push({
        _id: rid,
        firm: id,
        stage,
        instrument:
          stage === 'seed' || stage === 'pre-seed' ? 'safe' : r.pick(['rcps', 'convertible-bond', 'common'] as const),
        amountKrw,
        currency: 'KRW',
        preMoneyKrw: amountKrw * r.int(4, 10),
        announcedOn: closed ? dayOf(dayNumber(day) - 30) : undefined,
        closedOn: closed ? day : undefined,
        status: closed ? 'closed' : 'open',
        participants,
        ...stamps(momentOn(closed ? day : LAST_DAY, r)),
        __v: 0,
      });
      auditEntry(id, `${label} · ${stage}`, 'round', rid, 'create', momentOn(closed ? day : LAST_DAY, r), [
        { field: 'amountKrw', before: null, after: amountKrw },
      ]);
      if (!closed) break;
    }

    // A match with each of the firm's three organisations, moved along the ladder; some passed.
    for (const org of firmOrgs) {
      const owner = r.pick(staff);
      const reach = r.int(1, MATCH_LADDER.length);
      let at = dayNumber(between(r, applied, LAST_DAY));
      const steps: {
        stage: MatchStage;
        at: Date;
        cycle: number;
        by: Types.ObjectId;
        byName: string;
        reason?: string;
      }[] = [];
      for (let s = 0; s < reach && dayOf(at) <= LAST_DAY; s += 1) {
        steps.push({
          stage: MATCH_LADDER[s]!,
          at: momentOn(dayOf(at), r),
          cycle: 1,
          by: owner._id,
          byName: owner.name,
        });
        at += r.int(5, 40);
      }
      if (r.next() < 0.25 && dayOf(at) <= LAST_DAY && steps[steps.length - 1]!.stage !== 'invested')
        steps.push({
          stage: 'passed',
          at: momentOn(dayOf(at), r),
          cycle: 1,
          by: owner._id,
          byName: owner.name,
          reason: r.pick(PASS_REASONS),
        });
      const lastStep = steps[steps.length - 1]!;
      const open = lastStep.stage !== 'passed' && lastStep.stage !== 'invested';
      const mid = idOf('match', matchN++);
      matches.push({
        _id: mid,
        firm: id,
        investor: org._id,
        stage: lastStep.stage,
        open,
        cycle: 1,
        stageSince: lastStep.at,
        history: steps,
        owner: owner._id,
        nextStep: open ? 'Send the data room link' : undefined,
        dueOn: open ? dayOf(dayNumber(LAST_DAY) + r.int(-30, 30)) : undefined,
        notes: [{ body: 'Intro call went well.', at: steps[0]!.at, by: owner._id, byName: owner.name }],
        firmSector: sector,
        investorType: org.type,
        ...stamps(steps[0]!.at),
        __v: steps.length - 1,
      });
      const key = String(org._id);
      if (!lastContact.has(key) || lastContact.get(key)! < lastStep.at) lastContact.set(key, lastStep.at);
      for (const s of steps)
        auditEntry(id, `${label} × ${org.nameKo}`, 'match', mid, 'update', s.at, [
          { field: 'stage', before: null, after: s.stage },
        ]);
    }

    // Notes.
    for (let k = 0, n = r.int(1, 5); k < n; k += 1) {
      const author = r.pick(staff);
      const nid = idOf('note', noteN++);
      const at = momentOn(between(r, applied, LAST_DAY), r);
      notes.push({
        _id: nid,
        firm: id,
        body: r.pick(NOTE_TEXTS),
        by: author._id,
        byEmail: author.email,
        ...stamps(at),
        __v: 0,
      });
      auditEntry(id, label, 'note', nid, 'create', at, [{ field: 'body', before: null, after: 'note' }]);
    }

    // The rest of five years of edits to the firm, up to about 300 entries in all.
    for (let k = auditN - firstAudit; k < auditPerFirm; k += 1) {
      const field = r.pick(['headcount', 'pitch', 'website', 'fundraising.targetKrw', 'tags', 'stage']);
      auditEntry(id, label, 'firm', id, 'update', momentOn(between(r, applied, LAST_DAY), r), [
        { field, before: r.int(1, 50), after: r.int(1, 50) },
      ]);
    }
  }

  // Investor contacts, one or two per organisation (the first organisation's first is the investor login's person).
  for (const [i, org] of orgs.entries()) {
    for (let k = 0, n = r.int(1, 2); k < n; k += 1)
      people.push({
        _id: idOf('person', personN++),
        name: personName(r),
        title: 'Partner',
        email:
          i === 0 && k === 0
            ? BENCH_ACCOUNTS.investor
            : `c${personN}@${org.nameKey.replace(/[^a-z0-9]+/g, '')}.example`,
        firms: [],
        investorOrg: org._id,
        investorRole: r.pick(['partner', 'principal', 'associate'] as const),
        ...stamps(now),
        __v: 0,
      });
    const contact = lastContact.get(String(org._id));
    if (contact) Object.assign(org, { lastContactAt: contact });
  }

  // Totals from the rounds by the rounds feature's own rule.
  const byFirm = new Map<string, typeof rounds>();
  for (const round of rounds) byFirm.set(String(round.firm), [...(byFirm.get(String(round.firm)) ?? []), round]);
  for (const firm of firms)
    firm.totals = computeFirmTotals(
      (byFirm.get(String(firm._id)) ?? []) as unknown as Parameters<typeof computeFirmTotals>[0],
    );

  const writer = auditWriter(opts.flatAudit ?? false);
  let t = Date.now();
  const phase = async (name: string, work: () => Promise<unknown>) => {
    await work();
    opts.log?.(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
  };
  await phase('investors, users, firms, people, rounds, matches, notes', async () => {
    await insert(InvestorOrgModel, orgs);
    await insert(UserModel, users);
    await insert(FirmModel, firms);
    await insert(PersonModel, people);
    await insert(FundingRoundModel, rounds);
    await insert(MatchModel, matches);
    await insert(NoteModel, notes);
  });
  // In the order generated (firm by firm): a batch then touches the timelines of a few firms' records, not of all.
  // --audit-per-firm 0: none at all.
  if (auditPerFirm === 0) auditDocs.length = 0;
  await phase(`${auditDocs.length} audit entries (${writer.name})`, async () => {
    await writer.write(auditDocs);
    await writer.finish();
  });
  // Derived data, once: the reports' monthly summaries from everything above, then the plan's targets.
  await phase('monthly report summaries and targets', async () => {
    await ensureReportMonths();
    await seedTargetsIfNone({ baselineOn: '2024-12-31', targetOn: '2026-12-31', valueOn: metricOn });
    await invalidateAllComputed(); // the firms went in through the raw collection
  });

  return {
    counts: {
      firms: firms.length,
      investors: orgs.length,
      people: people.length,
      rounds: rounds.length,
      matches: matches.length,
      notes: notes.length,
      audit: auditDocs.length,
      users: users.length,
    },
    audit: writer.name,
  };
}

async function main(): Promise<number> {
  const opts = seedOptions(process.argv.slice(2));
  const t0 = Date.now();
  const db = await openDatabase(opts);
  try {
    await connectDb(db.uri);
    console.log(
      `seed: ${opts.firms} firms (seed ${opts.seed}) into ${opts.uri ? 'the database at --uri/MONGODB_URI' : opts.dataDir} (${db.kind})`,
    );
    if ((await FirmModel.estimatedDocumentCount()) > 0 || (await UserModel.estimatedDocumentCount()) > 0) {
      if (!opts.force) {
        console.error('seed: the database is not empty; --force drops it first');
        return 1;
      }
      await mongoose.connection.db!.dropDatabase();
      for (const model of Object.values(mongoose.connection.models)) await model.createIndexes();
    }
    const { counts, audit: auditPath } = await generate({ ...opts, log: (l) => console.log(`seed: ${l}`) });
    const s = ((Date.now() - t0) / 1000).toFixed(1);
    console.log(
      `seed: wrote ${Object.entries(counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')} in ${s} s; audit entries through ${auditPath}`,
    );
    console.log(
      `sign in with password "${BENCH_PASSWORD}": ${Object.entries(BENCH_ACCOUNTS)
        .map(([role, email]) => `${email} (${role})`)
        .join(', ')}`,
    );
    return 0;
  } finally {
    await disconnectDb();
    await db.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exit(1);
    },
  );
