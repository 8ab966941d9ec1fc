import { wonSortKey } from '../lib/money.js';

export type RoundForTotals = {
  _id?: { toString(): string }; // an ObjectId: its hex string breaks ties
  status: string;
  stage: string;
  amountKrw: number;
  preMoneyKrw?: number | null;
  closedOn?: string | null;
  announcedOn?: string | null;
};

export type FirmTotals = {
  raisedKrw: number;
  raisedKey: string;
  roundCount: number;
  lastRoundOn?: string;
  lastRoundStage?: string;
  lastRoundKrw?: number;
  lastValuationKrw?: number;
};

const dayOf = (r: RoundForTotals) => r.closedOn || r.announcedOn || '';

// Totals derive from the closed rounds alone, whatever order they were entered or edited in (recomputed, never incremented).
export function computeFirmTotals(rounds: RoundForTotals[]): FirmTotals {
  const closed = rounds
    .filter((r) => r.status === 'closed')
    .sort((a, b) => dayOf(a).localeCompare(dayOf(b)) || String(a._id ?? '').localeCompare(String(b._id ?? '')));
  const raisedKrw = closed.reduce((s, r) => s + r.amountKrw, 0);
  const totals: FirmTotals = { raisedKrw, raisedKey: wonSortKey(raisedKrw), roundCount: closed.length };
  const last = closed[closed.length - 1];
  if (last) {
    totals.lastRoundOn = dayOf(last) || undefined;
    totals.lastRoundStage = last.stage;
    totals.lastRoundKrw = last.amountKrw;
  }
  const priced = closed.filter((r) => typeof r.preMoneyKrw === 'number' && r.preMoneyKrw > 0);
  const lastPriced = priced[priced.length - 1];
  // Post-money of the latest priced round.
  if (lastPriced) totals.lastValuationKrw = lastPriced.preMoneyKrw! + lastPriced.amountKrw;
  return totals;
}

export type ParticipantCheck = { error?: 'participantsExceedAmount'; warning?: 'participantsBelowAmount' };

// Participants may not exceed the round; a closed round they don't fill gets a warning.
export function checkParticipants(round: {
  amountKrw: number;
  status: string;
  participants: { amountKrw?: number | null }[];
}): ParticipantCheck {
  const sum = round.participants.reduce((s, p) => s + (p.amountKrw ?? 0), 0);
  if (sum > round.amountKrw) return { error: 'participantsExceedAmount' };
  if (round.status === 'closed' && round.participants.length > 0 && sum < round.amountKrw)
    return { warning: 'participantsBelowAmount' };
  return {};
}
