import { TargetModel } from '../../models/target.model.js';
import type { TargetMetric } from '../../models/enums.js';
import { NotFound } from '../lib/app-error.js';
import { atVersion, nextVersion, versionOf, type Versioned } from '../lib/edit-conflict.js';
import { nameIn } from '../lib/names.js';
import { recordAudit, diffFields, editConflictSince, type Actor } from '../audit/index.js';
import { MILESTONE_SLOTS, type EditTargetInput, type TargetInput } from './reports.schemas.js';
import type { Day } from './cohort-count.js';

export async function listTargets() {
  return TargetModel.find({}).sort({ order: 1, _id: 1 }).limit(100).lean();
}

export async function getTarget(id: string) {
  const target = await TargetModel.findById(id).lean();
  if (!target) throw NotFound('target');
  return target;
}

export type TargetRecord = {
  nameKo?: string;
  nameEn?: string;
  metric: TargetMetric;
  baseline: { value: number; on: string };
  target: { value: number; on: string };
  milestones: { value: number; on: string }[];
};

function toTargetRecord(input: TargetInput | EditTargetInput): TargetRecord {
  const milestones = MILESTONE_SLOTS.flatMap((i) => {
    const on = input[`m${i}On`];
    const value = input[`m${i}Value`];
    return on !== undefined && value !== undefined ? [{ on, value }] : [];
  }).sort((a, b) => a.on.localeCompare(b.on));
  return {
    nameKo: input.nameKo,
    nameEn: input.nameEn,
    metric: input.metric,
    baseline: { value: input.baselineValue, on: input.baselineOn },
    target: { value: input.targetValue, on: input.targetOn },
    milestones,
  };
}

type StoredTarget = Awaited<ReturnType<typeof getTarget>>;

// A target as its form shows it (values as typed: plain digits), and the version it is at.
function targetFormValues(
  t: Pick<StoredTarget, 'nameKo' | 'nameEn' | 'metric' | 'baseline' | 'target' | 'milestones'>,
): Record<string, string> {
  const values: Record<string, string> = {
    nameKo: t.nameKo ?? '',
    nameEn: t.nameEn ?? '',
    metric: t.metric,
    baselineValue: String(t.baseline.value),
    baselineOn: t.baseline.on,
    targetValue: String(t.target.value),
    targetOn: t.target.on,
  };
  for (const i of MILESTONE_SLOTS) {
    const m = t.milestones?.[i - 1];
    values[`m${i}On`] = m?.on ?? '';
    values[`m${i}Value`] = m ? String(m.value) : '';
  }
  return values;
}

export const versionedTarget = (t: StoredTarget): Versioned => ({ version: versionOf(t), values: targetFormValues(t) });

const audited = (r: TargetRecord) => ({
  nameKo: r.nameKo,
  nameEn: r.nameEn,
  metric: r.metric,
  baseline: r.baseline,
  target: r.target,
  milestones: r.milestones.map((m) => `${m.on} ${m.value}`),
});

export async function createTarget(input: TargetInput, actor: Actor | null) {
  const record = toTargetRecord(input);
  const order = (await TargetModel.estimatedDocumentCount()) + 1;
  const target = await TargetModel.create({ ...record, order });
  await recordAudit({
    actor,
    entity: 'target',
    entityId: target._id,
    entityLabel: nameIn(target, 'ko'),
    action: 'create',
    changes: diffFields({}, audited(record)),
    version: versionOf(target),
  });
  return target;
}

// Saves only while the target is at the version the editor loaded (server/lib/edit-conflict.ts); a save that changes
// nothing writes nothing.
export async function updateTarget(id: string, input: EditTargetInput, actor: Actor) {
  const before = await getTarget(id);
  const version = input._version ?? versionOf(before);
  if (version !== versionOf(before)) throw await editConflictSince(id, version);
  const record = toTargetRecord(input);
  const changes = diffFields(
    audited({
      ...before,
      nameKo: before.nameKo ?? undefined,
      nameEn: before.nameEn ?? undefined,
      milestones: before.milestones ?? [],
    }),
    audited(record),
  );
  if (!changes.length) return;
  const { nameKo, nameEn, ...rest } = record;
  const $unset: Record<string, 1> = {};
  if (!nameKo) $unset.nameKo = 1;
  if (!nameEn) $unset.nameEn = 1;
  const saved = await TargetModel.findOneAndUpdate(
    { _id: id, ...atVersion(version) },
    nextVersion({ ...rest, ...(nameKo ? { nameKo } : {}), ...(nameEn ? { nameEn } : {}) }, $unset),
    { returnDocument: 'after' },
  ).lean();
  if (!saved) throw await editConflictSince(id, version);
  await recordAudit({
    actor,
    entity: 'target',
    entityId: before._id,
    entityLabel: nameIn(saved, 'ko'),
    action: 'update',
    changes,
    version: versionOf(saved),
  });
}

export type SeedTargetOptions = {
  baselineOn: Day;
  targetOn: Day;
  valueOn: (metric: TargetMetric, day: Day) => Promise<number>;
};

// The plan's targets, created once (when there are none): resident fintech firms 19 → 60 and the BIFC startup fund
// capital ₩1,400억 → ₩2,400억 (the plan's figures), and capital raised and jobs at resident firms from their values on
// the baseline day (to targets admins are expected to adjust at /admin/targets).
export async function seedTargetsIfNone(opts: SeedTargetOptions): Promise<number> {
  if ((await TargetModel.estimatedDocumentCount()) > 0) return 0;
  const { baselineOn: on, targetOn } = opts;
  const raised = await opts.valueOn('capital-raised-resident', on);
  const jobs = await opts.valueOn('jobs-resident', on);
  const targets: (TargetRecord & { order: number })[] = [
    {
      nameKo: '입주 핀테크 기업 60개',
      nameEn: '60 resident fintech firms',
      metric: 'resident-firms',
      baseline: { value: 19, on },
      target: { value: 60, on: targetOn },
      milestones: [],
      order: 1,
    },
    {
      nameKo: 'BIFC 창업투자펀드 2,400억원',
      nameEn: 'BIFC startup funds of ₩240B',
      metric: 'bifc-fund-capital',
      baseline: { value: 140_000_000_000, on },
      target: { value: 240_000_000_000, on: targetOn },
      milestones: [],
      order: 2,
    },
    {
      nameKo: '입주 기업 투자 유치',
      nameEn: 'Capital raised by resident firms',
      metric: 'capital-raised-resident',
      baseline: { value: raised, on },
      target: { value: Math.max(raised * 2, 200_000_000_000), on: targetOn },
      milestones: [],
      order: 3,
    },
    {
      nameKo: '입주 기업 일자리',
      nameEn: 'Jobs at resident firms',
      metric: 'jobs-resident',
      baseline: { value: jobs, on },
      target: { value: Math.max(jobs * 2, 1_000), on: targetOn },
      milestones: [],
      order: 4,
    },
  ];
  const created = await TargetModel.insertMany(targets);
  for (const [i, t] of created.entries()) {
    await recordAudit({
      actor: null,
      entity: 'target',
      entityId: t._id,
      entityLabel: nameIn(t, 'ko'),
      action: 'create',
      changes: diffFields({}, audited(targets[i]!)),
      version: versionOf(t),
    });
  }
  return created.length;
}
