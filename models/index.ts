export * from './enums.js';
export * from './user.model.js';
export * from './audit-entry.model.js';
export * from './investor-org.model.js';
export * from './firm.model.js';
export * from './person.model.js';
export * from './funding-round.model.js';
export * from './note.model.js';
