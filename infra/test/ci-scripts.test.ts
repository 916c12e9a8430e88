import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The comment script is plain JavaScript, so that CI runs it without a TypeScript loader.
import { marker, publishComment, renderComment } from '../ci/pull-request-comment.mjs';
import { serviceCatalog } from '../lib/service-catalog.ts';
import { repositoryRoot } from './support/run-program.ts';

describe('renderComment', () => {
  it('starts with the marker and strips colours', () => {
    const body = renderComment('\u001b[32m+ create\u001b[0m container', '');
    expect(body.startsWith(marker)).toBe(true);
    expect(body).toContain('+ create container');
    expect(body).not.toContain('\u001b');
  });

  it('says when the inventory is unchanged', () => {
    expect(renderComment('preview', '  \n')).toContain('No change to `infra/inventory/`.');
  });

  it('shows the inventory diff', () => {
    expect(renderComment('preview', '-a\n+b\n')).toContain('```diff\n-a\n+b\n```');
  });

  it('truncates long output below the GitHub limit', () => {
    const long = 'line of output\n'.repeat(10_000);
    const body = renderComment(long, long);
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('truncated');
  });
});

describe('publishComment', () => {
  let server: Server;
  let apiUrl: string;
  const requests: { method: string; url: string; body: string; authorization: string }[] = [];
  let comments: { id: number; body: string }[] = [];

  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => resolve(body));
    });

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const body = await readBody(request);
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        body,
        authorization: String(request.headers.authorization),
      });
      response.setHeader('content-type', 'application/json');
      if (request.method === 'GET') {
        response.end(JSON.stringify(comments));
        return;
      }
      response.statusCode = request.method === 'POST' ? 201 : 200;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const options = () => ({
    apiUrl,
    token: 't0k',
    repository: 'example/chat',
    pullRequest: '7',
    body: `${marker}\nnew`,
  });

  it('creates the comment on the first build', async () => {
    requests.length = 0;
    comments = [{ id: 1, body: 'an unrelated review comment' }];
    expect(await publishComment(options())).toEqual({ updated: false });
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /repos/example/chat/issues/7/comments?per_page=100',
      'POST /repos/example/chat/issues/7/comments',
    ]);
    expect(JSON.parse(requests[1]?.body ?? '{}')).toEqual({ body: `${marker}\nnew` });
    expect(requests[0]?.authorization).toBe('Bearer t0k');
  });

  it('updates its own comment on later builds', async () => {
    requests.length = 0;
    comments = [
      { id: 1, body: 'an unrelated review comment' },
      { id: 9, body: `${marker}\nold` },
    ];
    expect(await publishComment(options())).toEqual({ updated: true });
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /repos/example/chat/issues/7/comments?per_page=100',
      'PATCH /repos/example/chat/issues/comments/9',
    ]);
  });
});

describe('image build script', () => {
  it('builds every catalog service and the migration job', () => {
    const script = readFileSync(path.join(repositoryRoot, 'infra/ci/build-images.sh'), 'utf8');
    const listed = /services=\(([^)]*)\)/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect([...listed].sort()).toEqual(
      [...serviceCatalog.map((service) => service.name), 'migrate'].sort(),
    );
    expect(script).toContain('--platform "$platforms"');
    expect(script).toContain('platforms=linux/amd64,linux/arm64');
  });
});
