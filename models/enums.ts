// Domain vocabularies shared by models, validation schemas and views (see shared DOMAIN.md).
export const ROLES = ['admin', 'staff', 'investor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const FIRM_STATUSES = [
  'applicant',
  'screening',
  'admitted',
  'resident',
  'graduated',
  'exited',
  'withdrawn',
  'rejected',
] as const;
export type FirmStatus = (typeof FIRM_STATUSES)[number];
// The statuses a firm can be registered with (later ones are reached through status changes).
export const INITIAL_FIRM_STATUSES = [
  'applicant',
  'screening',
  'admitted',
  'resident',
] as const satisfies readonly FirmStatus[];

export const SECTORS = [
  'payments',
  'digital-assets',
  'lending',
  'insurtech',
  'wealthtech',
  'regtech',
  'security-identity',
  'data-ai',
  'banking-infrastructure',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

export const FIRM_STAGES = [
  'idea',
  'pre-seed',
  'seed',
  'pre-a',
  'series-a',
  'series-b',
  'series-c-plus',
  'pre-ipo',
  'public',
] as const;
export type FirmStage = (typeof FIRM_STAGES)[number];

export const ROUND_STAGES = [
  'pre-seed',
  'seed',
  'pre-a',
  'series-a',
  'series-b',
  'series-c-plus',
  'pre-ipo',
  'bridge',
  'grant',
  'tips-rnd',
] as const;
export type RoundStage = (typeof ROUND_STAGES)[number];

export const INSTRUMENTS = [
  'common',
  'preferred',
  'rcps',
  'convertible-bond',
  'convertible-note',
  'safe',
  'grant',
  'loan',
] as const;
export type Instrument = (typeof INSTRUMENTS)[number];

export const ROUND_STATUSES = ['planned', 'open', 'closed', 'cancelled'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export const INVESTOR_TYPES = [
  'vc',
  'cvc',
  'angel-network',
  'angel',
  'bank',
  'securities',
  'insurer',
  'public-fund',
  'tips-operator',
  'accelerator',
] as const;
export type InvestorType = (typeof INVESTOR_TYPES)[number];

export const TIPS_TRACKS = ['tips', 'pre-tips', 'post-tips', 'scale-up-tips'] as const;
export const TIPS_STATUSES = ['none', 'recommended', 'evaluated', 'selected', 'agreement', 'completed'] as const;
export type TipsStatus = (typeof TIPS_STATUSES)[number];
export const TIPS_SUCCESS_CRITERIA = ['ma', 'ipo', 'revenue', 'follow-on', 'exports', 'headcount'] as const;

export const PERSON_ROLES = ['founder', 'co-founder', 'ceo', 'cto', 'contact', 'employee', 'advisor'] as const;

// Deal flow: a match of one firm and one investor organisation moves through these stages (see server/matches/match-stages.ts).
export const MATCH_STAGES = [
  'suggested',
  'intro-requested',
  'introduced',
  'meeting',
  'due-diligence',
  'term-sheet',
  'invested',
  'passed',
  'on-hold',
] as const;
export type MatchStage = (typeof MATCH_STAGES)[number];
export const PASS_REASONS = [
  'stage-mismatch',
  'sector-mismatch',
  'ticket-size',
  'valuation',
  'team',
  'traction',
  'timing',
  'portfolio-conflict',
  'other',
] as const;
export type PassReason = (typeof PASS_REASONS)[number];
export const INVESTOR_REGIONS = ['busan', 'capital-area', 'korea', 'asia', 'global'] as const;
export type InvestorRegion = (typeof INVESTOR_REGIONS)[number];
export const INVESTOR_CONTACT_ROLES = [
  'partner',
  'principal',
  'associate',
  'analyst',
  'investor-relations',
  'other',
] as const;
export type InvestorContactRole = (typeof INVESTOR_CONTACT_ROLES)[number];
export const NOTIFICATION_KINDS = ['interest', 'intro-request', 'pass', 'stage', 'assigned'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

// CSV imports (models/import-batch.model.ts): what a file holds, where a batch is, what each row does.
export const IMPORT_KINDS = ['firms', 'investors', 'rounds'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
// previewed → applying → applied | failed | interrupted. A failed import has been undone (nothing of it remains) and
// stays failed; an interrupted one (its process stopped or crashed midway) has been undone and can be applied again.
// undoing: between applying and failed/interrupted, while the undo runs under a lease like the apply's.
export const IMPORT_STATUSES = ['previewed', 'applying', 'undoing', 'applied', 'failed', 'interrupted'] as const;
export const ROW_ACTIONS = ['create', 'update', 'unchanged', 'error'] as const;
export type RowAction = (typeof ROW_ACTIONS)[number];

// One-time account links (models/account-link.model.ts): set the first password of an invited account, or reset one.
export const ACCOUNT_LINK_KINDS = ['invite', 'reset'] as const;
export type AccountLinkKind = (typeof ACCOUNT_LINK_KINDS)[number];

// The audit log (models/audit-entry.model.ts): what happened to a record.
export const AUDIT_ACTIONS = [
  'create',
  'update',
  'archive',
  'restore',
  'delete',
  'import',
  'login',
  'status',
  // One-time account links (server/users/account-links.service.ts).
  'invite',
  'reinvite',
  'revoke-link',
  'accept-invite',
  'reset-link',
  'reset-password',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

// Reporting targets (models/target.model.ts): what a target measures; the counting rules are in server/reports/report-metrics.ts.
export const TARGET_METRICS = [
  'resident-firms',
  'bifc-fund-capital',
  'capital-raised-resident',
  'jobs-resident',
  'tips-selections',
  'follow-on-rounds',
] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];
