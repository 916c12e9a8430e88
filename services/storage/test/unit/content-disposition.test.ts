import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../src/content-disposition.ts';

describe('attachmentDisposition', () => {
  it('keeps a plain ASCII name in both parameters', () => {
    expect(attachmentDisposition('report.pdf')).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
  });

  it('percent-encodes UTF-8 and falls back to underscores', () => {
    expect(attachmentDisposition('café €.txt')).toBe(
      `attachment; filename="caf_ _.txt"; filename*=UTF-8''caf%C3%A9%20%E2%82%AC.txt`,
    );
  });

  it('replaces one astral character with one underscore', () => {
    expect(attachmentDisposition('😀.png')).toBe(
      `attachment; filename="_.png"; filename*=UTF-8''%F0%9F%98%80.png`,
    );
  });

  it('escapes quotes and backslashes out of the quoted string', () => {
    const header = attachmentDisposition('say "hi"\\.html');

    expect(header).toBe(
      `attachment; filename="say _hi__.html"; filename*=UTF-8''say%20%22hi%22%5C.html`,
    );
  });

  it('encodes characters that encodeURIComponent leaves alone', () => {
    const header = attachmentDisposition("it's (1)*.txt");

    expect(header).toContain(`filename*=UTF-8''it%27s%20%281%29%2A.txt`);
  });

  it('keeps the attr-char symbols of RFC 8187', () => {
    const header = attachmentDisposition('a!#$&+-.^_`|~b');

    expect(header).toContain(`filename*=UTF-8''a!#$&+-.^_\`|~b`);
  });

  it('produces printable ASCII only', () => {
    const header = attachmentDisposition('evil\r\nSet-Cookie: x=1 ünïcödé');

    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(decodeURIComponent(header.split("UTF-8''")[1] ?? '')).toBe(
      'evil\r\nSet-Cookie: x=1 ünïcödé',
    );
  });
});
