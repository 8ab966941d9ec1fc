// What an investor organisation may see of a firm: the one rule every portal route checks (pure; no database).

// The stored fields the rule reads (a firm as loaded for the portal).
export type Shareable = {
  archived?: boolean | null;
  fundraising?: { openToInvestors?: boolean | null } | null;
  sharing?: { orgs?: readonly unknown[] | null } | null;
};

// A firm is shared with an organisation when it is not archived and staff shared it with every investor or with that
// organisation. No organisation (an investor account not linked to one) sees nothing.
export function isSharedWith(firm: Shareable | null | undefined, orgId: string | null | undefined): boolean {
  if (!firm || !orgId || firm.archived) return false;
  if (firm.fundraising?.openToInvestors === true) return true;
  return (firm.sharing?.orgs ?? []).some((o) => String(o) === orgId);
}

type Sortable = Shareable & { _id: unknown; sortName: string; sortNameKo?: string | null };

// The firms of the two portal queries (shared with all, shared with the organisation) as one list: each firm once, only
// those the rule lets the organisation see, sorted by name in the page's language.
export function mergeShared<F extends Sortable>(
  lists: readonly (readonly F[])[],
  orgId: string,
  lang: 'ko' | 'en',
): F[] {
  const byId = new Map<string, F>();
  for (const firm of lists.flat()) if (isSharedWith(firm, orgId)) byId.set(String(firm._id), firm);
  const key = (f: F) => (lang === 'ko' ? f.sortNameKo || f.sortName : f.sortName);
  return [...byId.values()].sort(
    (a, b) => key(a).localeCompare(key(b), lang) || String(a._id).localeCompare(String(b._id)),
  );
}
