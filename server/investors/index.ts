export { investorOptions, investorNames, getInvestor, type InvestorOption } from './investors.service.js';
export { investorsRouter } from './investors.routes.js';
