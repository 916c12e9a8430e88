// Posts the prod preview and the inventory change of a pull request as one comment, and
// updates that comment on later builds instead of adding another.
//
//   GITHUB_TOKEN=... GITHUB_REPOSITORY=owner/name CHANGE_ID=42 \
//     node infra/ci/pull-request-comment.mjs preview.txt inventory.diff
//
// GITHUB_API_URL overrides https://api.github.com, for GitHub Enterprise.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Marks the comment this script owns, so later builds find and update it. */
export const marker = '<!-- chat-platform-infrastructure-preview -->';

/** GitHub rejects comments longer than 65536 characters; each section gets a share. */
const sectionLimit = 30000;

/** Renders the comment body from the preview output and the inventory diff. */
export function renderComment(preview, inventoryDiff) {
  const diff = inventoryDiff.trim();
  return [
    marker,
    '### Infrastructure preview (prod)',
    '',
    '```',
    truncate(stripAnsi(preview).trim(), sectionLimit),
    '```',
    '',
    '### Inventory changes',
    '',
    diff === ''
      ? 'No change to `infra/inventory/`.'
      : ['```diff', truncate(diff, sectionLimit), '```'].join('\n'),
    '',
  ].join('\n');
}

function stripAnsi(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function truncate(text, limit) {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  return `${cut.slice(0, cut.lastIndexOf('\n'))}\n… truncated: ${text.length - limit} more characters in the build log`;
}

/** Creates the comment, or updates the one an earlier build posted. */
export async function publishComment({ apiUrl, token, repository, pullRequest, body }) {
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    'x-github-api-version': '2022-11-28',
  };
  const commentsUrl = `${apiUrl}/repos/${repository}/issues/${pullRequest}/comments`;

  const listed = await fetch(`${commentsUrl}?per_page=100`, { headers });
  if (!listed.ok)
    throw new Error(`listing comments failed: ${listed.status} ${await listed.text()}`);
  const existing = (await listed.json()).find((comment) => comment.body?.startsWith(marker));

  const response = existing
    ? await fetch(`${apiUrl}/repos/${repository}/issues/comments/${existing.id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ body }),
      })
    : await fetch(commentsUrl, { method: 'POST', headers, body: JSON.stringify({ body }) });
  if (!response.ok)
    throw new Error(`posting the comment failed: ${response.status} ${await response.text()}`);
  return { updated: existing !== undefined };
}

async function main() {
  const [previewFile, diffFile] = process.argv.slice(2);
  const missing = ['GITHUB_TOKEN', 'GITHUB_REPOSITORY', 'CHANGE_ID'].filter(
    (name) => !process.env[name],
  );
  if (previewFile === undefined || diffFile === undefined || missing.length > 0) {
    console.error('usage: pull-request-comment.mjs <preview file> <inventory diff file>');
    if (missing.length > 0) console.error(`missing environment variables: ${missing.join(', ')}`);
    process.exit(2);
  }

  const body = renderComment(readFileSync(previewFile, 'utf8'), readFileSync(diffFile, 'utf8'));
  const result = await publishComment({
    apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
    token: process.env.GITHUB_TOKEN,
    repository: process.env.GITHUB_REPOSITORY,
    pullRequest: process.env.CHANGE_ID,
    body,
  });
  console.log(result.updated ? 'updated the preview comment' : 'posted the preview comment');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
