import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../src/config.ts';

test('defaults', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.publicUrl, 'http://127.0.0.1:8080');
  assert.equal(c.databaseUrl, null);
  assert.equal(c.demo, true);
  assert.equal(c.workers, 1);
  assert.ok(Object.isFrozen(c));
});

test('a bad value names its variable', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'x' }, /^PORT /],
    [{ PORT: '70000' }, /^PORT /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL /],
    [{ REDIS_URL: 'nope' }, /^REDIS_URL /],
    [{ PUBLIC_URL: 'ftp://a' }, /^PUBLIC_URL /],
    [{ UNFOLD_DEMO: 'maybe' }, /^UNFOLD_DEMO /],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL /],
    [{ UNFOLD_ADMIN_EMAIL: 'a@b.c' }, /UNFOLD_ADMIN_PASSWORD/],
    [{ UNFOLD_WORKERS: '0' }, /^UNFOLD_WORKERS /],
    [{ UNFOLD_WORKERS: 'two' }, /^UNFOLD_WORKERS /],
  ];
  for (const [env, re] of bad) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && re.test((e as Error).message), JSON.stringify(env));
  }
});

test('PUBLIC_URL loses its trailing slash', () => {
  assert.equal(loadConfig({ PUBLIC_URL: 'https://live.example.com/' }).publicUrl, 'https://live.example.com');
});

test('TRUST_PROXY: off by default; true, hop count or address list; nonsense refused', () => {
  assert.equal(loadConfig({}).trustProxy, false);
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true);
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  assert.equal(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, '10.0.0.0/8, 127.0.0.1');
  assert.throws(() => loadConfig({ TRUST_PROXY: 'everyone' }), (e: unknown) => e instanceof ConfigError && /^TRUST_PROXY /.test((e as Error).message));
});
