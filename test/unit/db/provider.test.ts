import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { startDatabase, NoDatabaseError, type ProviderStarters } from '../../../server/db/provider.js';
import type { RunningDatabase } from '../../../server/db/provider.types.js';

function fake(kind: RunningDatabase['kind']): RunningDatabase {
  return { kind, uri: `mongodb://${kind}/x`, description: kind, stop: () => Promise.resolve() };
}

function starters(over: Partial<ProviderStarters>, calls: string[]): ProviderStarters {
  return {
    findMongod: () => {
      calls.push('findMongod');
      return Promise.resolve(undefined);
    },
    startMemoryServer: () => {
      calls.push('startMemoryServer');
      return Promise.resolve(fake('memory-server'));
    },
    startFerretdb: () => {
      calls.push('startFerretdb');
      return Promise.resolve(fake('ferretdb'));
    },
    ...over,
  };
}

const base = { dataDir: '/tmp/tipstown-provider-test', dbName: 'x', ephemeral: true, log: () => undefined };

describe('database provider chain', () => {
  it('when MONGODB_URI is set, then it connects there and never starts a local server', async () => {
    const calls: string[] = [];
    const db = await startDatabase({ ...base, mongodbUri: 'mongodb://prod:27017/crm' }, starters({}, calls));
    expect(db.kind).to.equal('uri');
    expect(db.uri).to.equal('mongodb://prod:27017/crm');
    expect(calls).to.deep.equal([]);
  });

  it('when a mongod can be had, then the embedded mongod is used and FerretDB is not started', async () => {
    const calls: string[] = [];
    const db = await startDatabase(
      base,
      starters({ findMongod: () => (calls.push('findMongod'), Promise.resolve('/usr/bin/mongod')) }, calls),
    );
    expect(db.kind).to.equal('memory-server');
    expect(calls).to.deep.equal(['findMongod', 'startMemoryServer']);
  });

  it('when no mongod can be had, then FerretDB is started', async () => {
    const calls: string[] = [];
    const db = await startDatabase(base, starters({}, calls));
    expect(db.kind).to.equal('ferretdb');
    expect(calls).to.deep.equal(['findMongod', 'startFerretdb']);
  });

  it('when mongod fails to start, then FerretDB takes over', async () => {
    const calls: string[] = [];
    const db = await startDatabase(
      base,
      starters(
        {
          findMongod: () => Promise.resolve('/bad/mongod'),
          startMemoryServer: () => Promise.reject(new Error('boom')),
        },
        calls,
      ),
    );
    expect(db.kind).to.equal('ferretdb');
  });

  it('when nothing works, then one error names all three ways', async () => {
    const calls: string[] = [];
    try {
      await startDatabase(base, starters({ startFerretdb: () => Promise.reject(new Error('no go')) }, calls));
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(NoDatabaseError);
      const msg = (err as Error).message;
      expect(msg).to.contain('MONGODB_URI');
      expect(msg).to.contain('MONGOMS_SYSTEM_BINARY');
      expect(msg).to.contain('FerretDB');
      expect(msg).to.contain('no go');
    }
  });

  it('when a throw-away database stops, or fails to start, then its temporary folder is removed', async () => {
    const folders: string[] = [];
    const recording = (fail: boolean): ProviderStarters =>
      starters(
        {
          startFerretdb: (o) => {
            folders.push(o.storeDir);
            return fail ? Promise.reject(new Error('no go')) : Promise.resolve(fake('ferretdb'));
          },
        },
        [],
      );
    const db = await startDatabase(base, recording(false));
    expect(existsSync(folders[0]!)).to.equal(true);
    await db.stop();
    expect(existsSync(folders[0]!)).to.equal(false);

    await startDatabase(base, recording(true)).catch(() => undefined);
    expect(folders).to.have.length(2);
    expect(existsSync(folders[1]!)).to.equal(false);
  });
});
