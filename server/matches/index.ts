// Deal flow's public face: its router, the round hand-off, the dashboard's follow-up counts and an investor's matches.
export { matchesRouter } from './matches.routes.js';
export { linkRound } from './matches.service.js';
export { refreshMatchCopies, repairMatchCopies } from './match-copies.service.js';
export { followUpCounts, matchForRound, matchesOfInvestor } from './match-read.service.js';
export { interestShown, investorAnswers, isOpen, PIPELINE, type InvestorAnswers } from './match-stages.js';
export { respondAsInvestor, type InvestorResponse, type MatchActor } from './matches.service.js';
