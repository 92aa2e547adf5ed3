/**
 * examples/ai-chat end to end: Redstash and the app in this process on 127.0.0.1, the page driven in
 * headless Chromium. Replies appear, the same prompt in a fresh conversation comes back marked cached (the
 * fake model is not called again), and the request limit shows its 429 in the page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { startTestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';
import { chromium } from 'playwright-core';
import { createChatApp } from '../../examples/ai-chat/app.ts';
import { createFakeLlm } from '../../examples/ai-chat/llm.ts';
import { serve } from '../../examples/ai-chat/node-serve.ts';

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => !!p && existsSync(p),
);

test('chat in the browser: replies, a cached reply marked, then the rate limit', {
  skip: executablePath ? false : 'no Chromium executable (install Debian `chromium` or set CHROMIUM_PATH)',
}, async () => {
  const redstash = await startTestServer();
  const redis = new Redis({ url: redstash.url, token: redstash.token, enableTelemetry: false, retry: false });
  const llm = createFakeLlm();
  // 4 requests per day: a window that cannot roll over mid-test, so the 5th is refused whatever the time.
  const app = createChatApp({ redis, llm, limits: { requests: 4, window: '1 d' } });
  const server = await serve(app.fetch, 0);
  const browser = await chromium.launch({ executablePath: executablePath as string, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const assistant = page.locator('.msg.assistant');
    const send = async (text: string) => {
      await page.fill('#input', text);
      await page.click('#send');
    };

    await send('hello');
    await assistant.nth(0).waitFor();
    assert.equal(await assistant.nth(0).locator('span').textContent(), 'You said "hello" (1 words, turn 1).');
    await send('how are you');
    await assistant.nth(1).waitFor();
    assert.equal(await assistant.nth(1).locator('span').textContent(), 'You said "how are you" (3 words, turn 2).');
    assert.equal(await page.locator('.badge').count(), 0);
    assert.equal(llm.calls, 2);

    // A new conversation: same model, same window of messages, so the stored reply answers.
    await page.click('#new');
    await send('hello');
    await assistant.nth(0).waitFor();
    assert.equal(await assistant.nth(0).locator('span').textContent(), 'You said "hello" (1 words, turn 1).');
    assert.equal(await assistant.nth(0).locator('.badge').textContent(), 'cached');
    assert.equal(llm.calls, 2, 'the cached reply did not call the model');

    await send('one more');
    await assistant.nth(1).waitFor();
    await send('over the limit');
    const error = page.locator('.msg.error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /^Rate limited: Too many requests, retry in \d+ s$/);
    assert.equal(llm.calls, 3);
    // The memory kept this conversation's turns (the refused one is not among them).
    const sessionId = String(await page.evaluate('sessionId'));
    assert.deepEqual(
      (await app.memory.get(sessionId)).map((m) => m.content),
      ['hello', 'You said "hello" (1 words, turn 1).', 'one more', 'You said "one more" (2 words, turn 2).'],
    );
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await redstash.close();
  }
});
