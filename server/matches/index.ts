// Deal flow's public face: its router, the round hand-off and the dashboard's follow-up counts.
export { matchesRouter } from './matches.routes.js';
export { linkRound } from './matches.service.js';
export { followUpCounts, matchForRound, matchesOfInvestor, type InvestorMatch } from './match-read.service.js';
export { isOpen } from './match-stages.js';
export { respondAsInvestor, type InvestorResponse, type MatchActor } from './matches.service.js';
