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
  ];
  for (const [env, re] of bad) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && re.test((e as Error).message), JSON.stringify(env));
  }
});

test('PUBLIC_URL loses its trailing slash', () => {
  assert.equal(loadConfig({ PUBLIC_URL: 'https://live.example.com/' }).publicUrl, 'https://live.example.com');
});
