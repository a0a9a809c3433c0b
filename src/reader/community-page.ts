/**
 * `/community-standards`: the rules of the discussion under our coverage, linked from
 * every page's footer. Static text: rendered once at start-up and cached like an asset.
 */
import { shell, type AssetNames } from './page-shell.ts';

const RULES: [string, string][] = [
  ['Be respectful', 'Argue with ideas, not with people. Disagreement is welcome; insults, name-calling and personal attacks are not.'],
  [
    'No hate, harassment or threats',
    'We remove content that attacks people for their race, ethnicity, nationality, religion, sex, gender identity, sexual orientation, disability or age, and any harassment, intimidation or threat of violence.',
  ],
  ['No doxxing', 'Do not post anyone’s private information — addresses, phone numbers, email addresses, workplaces or photos shared without consent — or encourage others to find it.'],
  ['Stay on topic', 'Keep comments relevant to the story being covered. Breaking news moves fast; off-topic threads bury useful contributions.'],
  ['No spam or self-promotion', 'No advertising, repeated posts, link farming or promotion of your own products, channels or fundraisers.'],
  ['No impersonation', 'Do not pretend to be another person, a journalist, a moderator or an organisation, and do not mislead others about who you are.'],
  [
    'No illegal content',
    'Do not post anything that breaks the law, including defamation, contempt of court (such as comment that could prejudice a trial), copyright infringement or content that exploits children.',
  ],
];

export function renderCommunityPage(assets: AssetNames): string {
  const rules = RULES.map(([title, text]) => `<li><h2>${title}</h2><p>${text}</p></li>`).join('');
  const body =
    `<article class="prose">` +
    `<h1>Community standards</h1>` +
    `<p class="lead">Our live coverage is better with readers in it. These standards keep the discussion useful, safe and open to everyone.</p>` +
    `<ol class="rules">${rules}</ol>` +
    `<h2>Moderation</h2>` +
    `<p>Moderators may remove comments that break these standards, and may suspend or close accounts that break them repeatedly or seriously. We moderate to the same standards whatever the opinion expressed.</p>` +
    `<h2>Reporting a comment</h2>` +
    `<p>If you see a comment that breaks these standards, use the <strong>Report</strong> link beside it and tell us which rule it breaks. Reports are anonymous: the person you report is not told who reported them. Please do not reply to abuse — report it.</p>` +
    `<h2>Appeals</h2>` +
    `<p>If you believe a moderation decision about your comment or account was wrong, you can appeal it by replying to the notice you received. A different moderator reviews every appeal and tells you the outcome.</p>` +
    `</article>`;
  return shell({
    lang: 'en',
    title: 'Community standards | Unfold',
    assets,
    head: `<meta name="description" content="The standards for discussion on Unfold: be respectful, stay on topic, and how moderation, reporting and appeals work.">`,
    body,
  });
}
