export type TimelineItem = {
  at: string; // ISO instant or YYYY-MM-DD, for ordering
  kind: 'status' | 'round' | 'note' | 'edit';
  day?: string;
  instant?: Date;
  text: string;
  detail?: string;
  by?: string;
  changes?: { field: string; before: unknown; after: unknown }[];
  entity?: string;
  href?: string;
};

type Inputs = {
  statusHistory: { status: string; on: string; at: Date; note?: string | null; byEmail?: string | null }[];
  rounds: {
    _id: unknown;
    stage: string;
    status: string;
    amountKrw: number;
    closedOn?: string | null;
    announcedOn?: string | null;
  }[];
  notes: { body: string; createdAt: Date; byEmail?: string | null }[];
  audit: {
    at: Date;
    action: string;
    entity: string;
    actorEmail?: string | null;
    changes?: { field: string; before: unknown; after: unknown }[];
  }[];
  firmId: string;
};

// Everything that happened to a firm, newest first: status changes and rounds by their calendar day, notes and edits by instant.
export function buildTimeline(
  x: Inputs,
  label: {
    status: (s: string) => string;
    round: (stage: string, status: string) => string;
    action: (entity: string, action: string) => string;
  },
): TimelineItem[] {
  const items: TimelineItem[] = [];
  // A status change sorts on its effective day, at the time of day it was recorded (so same-day moves keep their order).
  for (const s of x.statusHistory) {
    items.push({
      at: `${s.on}T${s.at.toISOString().slice(11)}`,
      kind: 'status',
      day: s.on,
      text: label.status(s.status),
      detail: s.note ?? undefined,
      by: s.byEmail ?? undefined,
    });
  }
  for (const r of x.rounds) {
    const day = r.closedOn || r.announcedOn;
    if (!day) continue;
    items.push({
      at: `${day}T00:00:00.000Z`,
      kind: 'round',
      day,
      text: label.round(r.stage, r.status),
      href: `/firms/${x.firmId}/rounds/${String(r._id)}/edit`,
    });
  }
  for (const n of x.notes)
    items.push({
      at: n.createdAt.toISOString(),
      kind: 'note',
      instant: n.createdAt,
      text: n.body,
      by: n.byEmail ?? undefined,
    });
  for (const a of x.audit) {
    if (a.entity === 'note' || a.action === 'status') continue; // notes and status moves are shown as themselves
    items.push({
      at: a.at.toISOString(),
      kind: 'edit',
      instant: a.at,
      text: label.action(a.entity, a.action),
      by: a.actorEmail ?? undefined,
      changes: a.changes,
      entity: a.entity,
    });
  }
  return items.sort((a, b) => b.at.localeCompare(a.at));
}
