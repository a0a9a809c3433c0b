import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseLivePage, looksLikeHeadline } from '../../src/importer/live-page-parser.ts';

const page = parseLivePage(fs.readFileSync(new URL('../../fixtures/live-page-lavrov-2018.txt', import.meta.url), 'utf8'));

test('the fixture yields its title, lead, description and header date', () => {
  assert.equal(page.title, "Lavrov Holds Press Conference on Russia's 2017 Diplomacy");
  assert.match(page.lead, /^Russian Foreign Minister Sergei Lavrov holds a press conference on Monday/);
  assert.match(page.description, /^In line with the format of the conference/);
  assert.match(page.description, /cyber security will be discussed\.$/);
  assert.equal(page.headerDate, '2020-11-25');
  assert.equal(page.zone, 'GMT');
  assert.equal(page.credit, 'Sputnik');
});

test('17 text entries, newest first, with their times; the two media-only messages are skipped', () => {
  assert.equal(page.entries.length, 17);
  assert.deepEqual(page.skipped.map((s) => s.time), ['07:57', '07:31']);
  assert.deepEqual(
    page.entries.map((e) => e.time),
    ['10:19', '09:28', '09:09', '08:58', '08:47', '08:25', '08:13', '08:05', '07:54', '07:47', '07:45', '07:35', '07:31', '07:27', '07:23', '07:19', '07:13'],
  );
});

test('headlines and bodies are split as on the page', () => {
  const first = page.entries[0];
  assert.equal(first.headline, 'Russia Concerned US Will Have Access to Air Defense Control in Japan');
  assert.equal(first.body.split('\n\n').length, 2);
  assert.match(first.body, /^"The problem of missile defense/);
  const headlineOnly = page.entries.find((e) => e.time === '07:31')!;
  assert.equal(headlineOnly.headline, 'Moscow is Ready to Support Direct Talks Between Sides in North Korea Missile Crisis');
  assert.equal(headlineOnly.body, '');
  const bodyOnly = page.entries.find((e) => e.time === '07:27')!;
  assert.equal(bodyOnly.headline, null);
  assert.match(bodyOnly.body, /^Russia will support direct contacts/);
  const last = page.entries[16];
  assert.equal(last.headline, "Washington's Latest Remarks on Iran Nuclear Deal Do Not Add to Stability");
  assert.doesNotMatch(last.body, /Community standards|Discussion/);
});

test('headline heuristic', () => {
  assert.equal(looksLikeHeadline('Moscow Respects Ukraine\'s Integrity'), true);
  assert.equal(looksLikeHeadline('He said so.'), false);
  assert.equal(looksLikeHeadline('"Quoted," he said."'), false);
});

test('a page of the same shape with another date and without a credit', () => {
  const p = parseLivePage('12:00 GMT3 March 2021\nListen Live\nLead here.\nTitle Of It\nNew messages\n• 12:01\nHead\nBody one.\n• 12:00\nOnly a sentence.\n');
  assert.equal(p.headerDate, '2021-03-03');
  assert.equal(p.title, 'Title Of It');
  assert.equal(p.lead, 'Lead here.');
  assert.deepEqual(p.entries, [
    { time: '12:01', headline: 'Head', body: 'Body one.' },
    { time: '12:00', headline: null, body: 'Only a sentence.' },
  ]);
});
