// A firm's people: founders and contacts, one record per person however many firms they work with.
export { peopleRouter } from './people.routes.js';
export { peopleOfFirm, unlinkEveryoneFrom } from './people.service.js';
// An investor organisation's contacts (their pages are the investors feature's, under /investors/:id/contacts).
export { addContactBody, editContactBody } from './people.schemas.js';
export {
  contactsOfInvestor,
  addInvestorContact,
  getInvestorContact,
  editInvestorContact,
  unlinkInvestorContact,
  type ContactOrg,
} from './investor-contacts.service.js';
