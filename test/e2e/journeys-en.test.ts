import { describeJourneys } from './journeys.js';

describeJourneys('en');
