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
