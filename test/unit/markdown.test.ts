import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, sanitize } from '../../src/entries/markdown.ts';

test('raw HTML in Markdown is not rendered as HTML', () => {
  const html = renderMarkdown('Hello <script>alert(1)</script> <img src=x onerror=alert(1)>');
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.match(html, /&lt;script&gt;/);
});

test('javascript: and data: links are stripped, safe links get rel=nofollow noopener', () => {
  const html = renderMarkdown('[x](javascript:alert(1)) [y](data:text/html,hi) <javascript:alert(2)> [z](https://example.com/a)');
  assert.doesNotMatch(html, /href="(javascript|data):/i);
  assert.equal(html.match(/<a /g)?.length, 1);
  assert.match(html, /<a href="https:\/\/example.com\/a" rel="nofollow noopener" target="_blank">z<\/a>/);
});

test('event handler attributes never survive, in Markdown titles or in stored HTML', () => {
  const md = renderMarkdown('[a](https://e.com "t\\" onmouseover=\\"alert(1)")');
  assert.match(md, /title="t&quot; onmouseover=&quot;alert\(1\)"/, 'the quote stays inside the attribute value');
  const html = sanitize('<p onclick="x()"><a href="https://e.com" onmouseover="y()">a</a><img src=x onerror=z()><svg onload=w()></svg></p>');
  assert.doesNotMatch(html, /\son\w+=/i);
  assert.doesNotMatch(html, /<img|<svg/i);
});

test('ordinary news copy renders paragraphs, emphasis and quotes', () => {
  const html = renderMarkdown('"Quote," he said.\n\nSecond **strong** paragraph.');
  assert.equal(html, '<p>“Quote,” he said.</p>\n<p>Second <strong>strong</strong> paragraph.</p>');
});

test('a level-one heading is demoted below the entry headline', () => {
  assert.equal(renderMarkdown('# Big'), '<h2>Big</h2>');
});
