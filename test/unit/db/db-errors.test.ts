import { expect } from 'chai';
import mongoose from 'mongoose';
import {
  MongoClientClosedError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoTopologyClosedError,
} from 'mongodb';
import { isDbUnreachableError } from '../../../server/db/db-errors.js';

const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('database-unreachable errors', () => {
  it('when the driver cannot reach or has closed the database, then the error is "unreachable"', () => {
    for (const err of [
      new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017'),
      new MongoNotConnectedError('Client must be connected before running operations'),
      new MongoTopologyClosedError(),
      new MongoClientClosedError(),
      named('MongoServerSelectionError', 'connect ECONNREFUSED'),
      named('MongooseServerSelectionError', 'connect ECONNREFUSED'),
      named('MongoPoolClearedError'),
      new mongoose.Error('Operation `firms.find()` buffering timed out after 1500ms'),
    ]) {
      expect(isDbUnreachableError(err), `${err.name}: ${err.message}`).to.equal(true);
    }
  });

  it('when a library wraps the driver error, then its cause is looked at', () => {
    expect(
      isDbUnreachableError(new Error('session store failed', { cause: new MongoNetworkError('read ECONNRESET') })),
    ).to.equal(true);
  });

  it('when the database answered with an error or the code failed, then it is not "unreachable"', () => {
    for (const err of [
      new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }),
      new mongoose.Error.ValidationError(),
      new TypeError('cannot read properties of undefined'),
      new Error('client was closed'), // not a Mongo error: a message alone is not enough
      undefined,
      'boom',
    ]) {
      expect(isDbUnreachableError(err), String(err)).to.equal(false);
    }
  });
});
