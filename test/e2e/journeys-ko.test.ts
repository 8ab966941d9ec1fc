import { describeJourneys } from './journeys.js';

describeJourneys('ko');
