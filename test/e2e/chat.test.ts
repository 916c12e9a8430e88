import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import mariadb, { type Connection } from 'mariadb';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPlatform } from '../setup/platform.ts';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Emoji, a right-to-left script and a space: bytes that trimming or re-encoding would change. */
const FIRST_BODY = 'hello 👋 مرحبا';
/** Leading and trailing blanks and a line break, which must survive unchanged. */
const SECOND_BODY = '  second line ✓\n\tindented  ';

/** How long persistence may take to write a message to MySQL before the test gives up. */
const PERSIST_DEADLINE_MS = 60_000;

/** The localStorage key of the web app's session. */
const SESSION_KEY = 'chat.session';

/** An access token no server accepts, standing in for one that expired. */
const INVALID_TOKEN = 'not-a-valid-token';

/** MySQL's `ER_CON_COUNT_ERROR`: the server is at `max_connections`. */
const MYSQL_TOO_MANY_CONNECTIONS = 1040;

type Platform = Awaited<ReturnType<typeof startPlatform>>;

let platform: Platform;
let webUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM_PATH}; install it with apt-get install -y chromium`,
    );
  }
  platform = await startPlatform(inject('backing'), { web: true });
  if (platform.webUrl === undefined) throw new Error('The platform started without the web app');
  webUrl = platform.webUrl;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

describe('chat web app', () => {
  it('delivers a message live across message instances', async () => {
    const suffix = randomBytes(4).toString('hex');
    const alice = { username: `alice_${suffix}`, displayName: 'Alice Example' };
    const bob = { username: `bob_${suffix}`, displayName: 'Bob Example' };
    const pageErrors: string[] = [];

    const alicePage = await openPage({ width: 1280, height: 800 }, pageErrors);
    const aliceInstance = await register(alicePage, alice);
    // Registering one after the other makes the gateway's round robin put the sockets apart.
    const bobPage = await openPage({ width: 390, height: 844 }, pageErrors);
    const bobInstance = await register(bobPage, bob);

    expect(aliceInstance).not.toBe('');
    expect(bobInstance).not.toBe('');
    expect(bobInstance).not.toBe(aliceInstance);

    // Alice opens the direct conversation and sends the first message.
    await alicePage.getByTestId('start-chat-username').fill(bob.username);
    await alicePage.getByTestId('start-chat-submit').click();
    await alicePage.waitForURL(/\/chat\/[^/]+$/);
    const conversationId = decodeURIComponent(
      new URL(alicePage.url()).pathname.split('/').at(-1) ?? '',
    );
    expect(conversationId).not.toBe('');
    await waitForText(alicePage, '[data-testid="conversation-title"]', bob.displayName);

    const firstSeq = await send(alicePage, FIRST_BODY);
    expect(firstSeq).toBeGreaterThanOrEqual(1);

    // Bob's list shows the new conversation and its last message without a reload.
    const bobItemSelector = `[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`;
    const bobItem = bobPage.locator(bobItemSelector);
    await waitForText(
      bobPage,
      `${bobItemSelector} [data-testid="conversation-last-message"]`,
      FIRST_BODY,
    );
    await waitForText(
      bobPage,
      `${bobItemSelector} [data-testid="conversation-name"]`,
      alice.displayName,
    );

    await bobItem.click();
    await bobPage.waitForURL(`**/chat/${encodeURIComponent(conversationId)}`);
    expect(await messageBody(bobPage, firstSeq)).toBe(FIRST_BODY);

    // A message sent while Bob has the conversation open appears live.
    const secondSeq = await send(alicePage, SECOND_BODY);
    expect(secondSeq).toBe(firstSeq + 1);
    expect(await messageBody(bobPage, secondSeq)).toBe(SECOND_BODY);

    // Both messages are still there after a reload, in order.
    await bobPage.reload();
    await connectedInstance(bobPage);
    expect(await messageBody(bobPage, firstSeq)).toBe(FIRST_BODY);
    expect(await messageBody(bobPage, secondSeq)).toBe(SECOND_BODY);
    const renderedSeqs = await bobPage
      .locator('[data-testid="message-item"][data-seq]')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-seq'))));
    expect(renderedSeqs).toEqual([firstSeq, secondSeq]);

    // MySQL contains both rows with the same seq and the exact bytes.
    const rows = await persistedMessages(platform.databaseUrl, conversationId, 2);
    expect(rows.map((row) => row.seq)).toEqual([firstSeq, secondSeq]);
    expect(rows[0]?.body).toBe(FIRST_BODY);
    expect(rows[0]?.hex).toBe(utf8Hex(FIRST_BODY));
    expect(rows[1]?.body).toBe(SECOND_BODY);
    expect(rows[1]?.hex).toBe(utf8Hex(SECOND_BODY));

    expect(pageErrors).toEqual([]);
  });

  it('syncs and resends after reconnecting', async () => {
    const suffix = randomBytes(4).toString('hex');
    const carol = { username: `carol_${suffix}`, displayName: 'Carol Example' };
    const dave = { username: `dave_${suffix}`, displayName: 'Dave Example' };
    const pageErrors: string[] = [];

    const carolPage = await openPage({ width: 1280, height: 800 }, pageErrors);
    await register(carolPage, carol);
    const davePage = await openPage({ width: 1280, height: 800 }, pageErrors);
    await register(davePage, dave);

    await carolPage.getByTestId('start-chat-username').fill(dave.username);
    await carolPage.getByTestId('start-chat-submit').click();
    await carolPage.waitForURL(/\/chat\/[^/]+$/);
    const conversationPath = new URL(carolPage.url()).pathname;
    const conversationId = decodeURIComponent(conversationPath.split('/').at(-1) ?? '');
    const firstSeq = await send(carolPage, 'before the outage');

    await davePage.goto(`${webUrl}${conversationPath}`);
    expect(await messageBody(davePage, firstSeq)).toBe('before the outage');

    // Dave misses a message while offline and gets it from sync once back.
    await davePage.context().setOffline(true);
    await disconnected(davePage);
    const missedSeq = await send(carolPage, 'missed while offline');
    await davePage.context().setOffline(false);
    await connectedInstance(davePage);
    expect(await messageBody(davePage, missedSeq)).toBe('missed while offline');

    // Carol writes while offline; the message waits and is sent with its clientMsgId on reconnect.
    await carolPage.context().setOffline(true);
    await disconnected(carolPage);
    await carolPage.getByTestId('composer-input').fill('written while offline');
    await carolPage.getByTestId('composer-send').click();
    const pending = carolPage.locator('[data-testid="message-item"][data-status="pending"]');
    await pending.waitFor();
    const clientMsgId = await pending.getAttribute('data-client-msg-id');
    expect(clientMsgId).toMatch(/^[0-9a-f-]{36}$/);

    await carolPage.context().setOffline(false);
    const resent = carolPage.locator(
      `[data-testid="message-item"][data-seq][data-client-msg-id="${clientMsgId}"]`,
    );
    await resent.waitFor({ timeout: 60_000 });
    const resentSeq = Number(await resent.getAttribute('data-seq'));
    expect(resentSeq).toBe(missedSeq + 1);
    expect(await carolPage.locator('[data-status="pending"]').count()).toBe(0);
    expect(await messageBody(davePage, resentSeq)).toBe('written while offline');

    const daveSeqs = await davePage
      .locator('[data-testid="message-item"][data-seq]')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-seq'))));
    expect(daveSeqs).toEqual([firstSeq, missedSeq, resentSeq]);

    const rows = await persistedMessages(platform.databaseUrl, conversationId, 3);
    expect(rows.map((row) => row.seq)).toEqual([firstSeq, missedSeq, resentSeq]);
    expect(rows[2]?.clientMsgId).toBe(clientMsgId);

    expect(pageErrors).toEqual([]);
  });

  it('recovers from a rejected access token', async () => {
    const suffix = randomBytes(4).toString('hex');
    const erin = { username: `erin_${suffix}`, displayName: 'Erin Example' };
    const frank = { username: `frank_${suffix}`, displayName: 'Frank Example' };
    const pageErrors: string[] = [];

    const frankPage = await openPage({ width: 1280, height: 800 }, pageErrors);
    await register(frankPage, frank);
    const erinPage = await openPage({ width: 1280, height: 800 }, pageErrors);
    await register(erinPage, erin);
    // A second tab of the same origin changes storage, which the chat tab follows.
    const storageTab = await erinPage.context().newPage();
    await storageTab.goto(`${webUrl}/icon.svg`);

    // The socket handshake is rejected with UNAUTHORIZED, so the app refreshes and reconnects.
    const original = await replaceAccessToken(storageTab, INVALID_TOKEN);
    await erinPage.context().setOffline(true);
    await disconnected(erinPage);
    await erinPage.context().setOffline(false);
    await connectedInstance(erinPage);
    const afterHandshake = await storedAccessToken(erinPage);
    expect(afterHandshake).not.toBe(INVALID_TOKEN);
    expect(afterHandshake).not.toBe(original);

    // A REST call gets 401, refreshes once and is sent again.
    await replaceAccessToken(storageTab, INVALID_TOKEN);
    await erinPage.getByTestId('start-chat-username').fill(frank.username);
    await erinPage.getByTestId('start-chat-submit').click();
    await erinPage.waitForURL(/\/chat\/[^/]+$/);
    const afterRequest = await storedAccessToken(erinPage);
    expect(afterRequest).not.toBe(INVALID_TOKEN);
    expect(afterRequest).not.toBe(afterHandshake);

    const seq = await send(erinPage, 'still signed in');
    expect(seq).toBe(1);
    expect(erinPage.url()).toContain('/chat/');
    expect(pageErrors).toEqual([]);
  });
});

async function openPage(
  viewport: { width: number; height: number },
  errors: string[],
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
}

/** Registers through the form and returns the message instance the socket reached. */
async function register(
  page: Page,
  account: { username: string; displayName: string },
): Promise<string> {
  await page.goto(`${webUrl}/register`);
  await page.getByTestId('register-username').fill(account.username);
  await page.getByTestId('register-display-name').fill(account.displayName);
  await page.getByTestId('register-password').fill(`pw-${account.username}-long-enough`);
  await page.getByTestId('register-submit').click();
  await page.waitForURL('**/chat');
  return connectedInstance(page);
}

/** Waits until the socket is connected and the server named its instance. */
async function connectedInstance(page: Page): Promise<string> {
  const status = page.locator(
    '[data-testid="connection-status"][data-state="connected"]:not([data-instance=""])',
  );
  await status.waitFor();
  return (await status.getAttribute('data-instance')) ?? '';
}

/** Returns the access token the app keeps in localStorage. */
async function storedAccessToken(page: Page): Promise<string> {
  const raw = (await page.evaluate(
    `localStorage.getItem(${JSON.stringify(SESSION_KEY)})`,
  )) as string;
  return (JSON.parse(raw) as { accessToken: string }).accessToken;
}

/** Overwrites the stored access token from `page` and returns the one it replaced. */
async function replaceAccessToken(page: Page, token: string): Promise<string> {
  const previous = await storedAccessToken(page);
  await page.evaluate(`(() => {
    const session = JSON.parse(localStorage.getItem(${JSON.stringify(SESSION_KEY)}));
    session.accessToken = ${JSON.stringify(token)};
    localStorage.setItem(${JSON.stringify(SESSION_KEY)}, JSON.stringify(session));
  })()`);
  return previous;
}

/** Waits until the page notices that its socket is gone. */
async function disconnected(page: Page): Promise<void> {
  await page
    .locator('[data-testid="connection-status"]:not([data-state="connected"])')
    .waitFor({ timeout: 60_000 });
}

/** Sends a message from the open conversation and returns the seq the server gave it. */
async function send(page: Page, body: string): Promise<number> {
  await page.getByTestId('composer-input').fill(body);
  await page.getByTestId('composer-send').click();

  const confirmed = page.locator('[data-testid="message-item"][data-seq]').last();
  // The first send on a fresh platform can wait for the Kafka producer to start.
  await expect
    .poll(() => textIfPresent(confirmed.getByTestId('message-body')), { timeout: 60_000 })
    .toBe(body);
  return Number(await confirmed.getAttribute('data-seq'));
}

/** Returns the exact text of the message with `seq`, waiting for it to appear. */
async function messageBody(page: Page, seq: number): Promise<string | null> {
  const body = page.locator(
    `[data-testid="message-item"][data-seq="${seq}"] [data-testid="message-body"]`,
  );
  await body.waitFor();
  return body.textContent();
}

/** Waits until the first element matching `selector` has exactly `expected` as its text. */
async function waitForText(page: Page, selector: string, expected: string): Promise<void> {
  const element = page.locator(selector).first();
  await expect.poll(() => textIfPresent(element), { timeout: 30_000 }).toBe(expected);
}

/** Returns the element's exact text, or null while it is not in the page. */
async function textIfPresent(locator: Locator): Promise<string | null> {
  if ((await locator.count()) === 0) return null;
  return locator.textContent();
}

interface PersistedRow {
  seq: number;
  clientMsgId: string;
  body: string;
  hex: string;
}

/** Polls MySQL until persistence wrote `count` messages of the conversation. */
async function persistedMessages(
  databaseUrl: string,
  conversationId: string,
  count: number,
): Promise<PersistedRow[]> {
  const deadline = Date.now() + PERSIST_DEADLINE_MS;
  const connection = await connectUntil(databaseUrl, deadline);
  try {
    for (;;) {
      const rows = (await connection.query(
        `SELECT seq, client_msg_id AS clientMsgId, body, HEX(body) AS hex
           FROM messages WHERE conversation_id = ? ORDER BY seq`,
        [conversationId],
      )) as PersistedRow[];
      if (rows.length >= count || Date.now() > deadline) {
        return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.end();
  }
}

/**
 * Opens a MySQL connection, retrying while the server is at its connection
 * limit, which the services of parallel test runs can reach for a moment.
 */
async function connectUntil(databaseUrl: string, deadline: number): Promise<Connection> {
  for (;;) {
    try {
      return await mariadb.createConnection(databaseUrl.replace(/^mysql:/, 'mariadb:'));
    } catch (error) {
      const tooMany = (error as { errno?: number }).errno === MYSQL_TOO_MANY_CONNECTIONS;
      if (!tooMany || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function utf8Hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex').toUpperCase();
}
