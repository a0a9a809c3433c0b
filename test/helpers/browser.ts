/**
 * Real Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core.
 * A machine without it skips browser tests with a clear message, except in CI
 * (CI=true), where a missing browser fails the run instead of passing silently.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Pass as node:test's `skip` option: false when the tests should run, or the reason to
 * skip. Under CI=true it is always false, so a missing browser fails at launch.
 */
export function skipWithoutBrowser(): string | false {
  if (fs.existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return false;
  return `Chromium not found at ${CHROMIUM_PATH}: browser tests skipped (install Debian's "chromium"; with CI=true this fails)`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is required at ${CHROMIUM_PATH} for browser tests (CI=true): install Debian's "chromium" package`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
