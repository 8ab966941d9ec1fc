import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../server/config.js';

describe('configuration', () => {
  it('when nothing is set, then development defaults apply', () => {
    const c = loadConfig({});
    expect(c.port).to.equal(3000);
    expect(c.env).to.equal('development');
    expect(c.mongodbUri).to.equal(undefined);
    expect(c.demoData).to.equal(true);
    expect(Object.isFrozen(c)).to.equal(true);
  });

  it('when PORT is not a number, then start-up stops with a message naming PORT', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw(ConfigError, /PORT/);
  });

  it('when MONGODB_URI is not a mongodb URL, then the message names MONGODB_URI', () => {
    try {
      loadConfig({ MONGODB_URI: 'postgres://x' });
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).problems.join('\n')).to.match(/^MONGODB_URI: must start with mongodb/m);
    }
  });

  it('when production lacks a session secret and a database, then both variables are named at once', () => {
    try {
      loadConfig({ NODE_ENV: 'production' });
      expect.fail('should throw');
    } catch (err) {
      const text = (err as ConfigError).problems.join('\n');
      expect(text).to.contain('SESSION_SECRET');
      expect(text).to.contain('MONGODB_URI');
    }
  });

  it('when production is configured, then cookies are secure and no demo data is made', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      MONGODB_URI: 'mongodb://db:27017/crm',
    });
    expect(c.secureCookies).to.equal(true);
    expect(c.demoData).to.equal(false);
  });

  it('when SHUTDOWN_TIMEOUT_MS is unset, then shutdown waits up to 30 s; when it is not a number, then the message names it', () => {
    expect(loadConfig({}).shutdownTimeoutMs).to.equal(30_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '5000' }).shutdownTimeoutMs).to.equal(5000);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: 'soon' })).to.throw(ConfigError, /SHUTDOWN_TIMEOUT_MS/);
  });

  it('when only ADMIN_EMAIL is given, then ADMIN_PASSWORD is asked for', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'a@b.org' })).to.throw(ConfigError, /ADMIN_PASSWORD/);
  });
});
