import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_LIMITS,
  type PublishConfig,
  parseFlowControlValue,
  parsePublishConfig,
  type RequestHeaders,
  withQueryConfig,
} from './publish-config.ts';

const NOW = Date.UTC(2026, 10, 27, 12);

function parse(h: RequestHeaders): PublishConfig {
  const c = parsePublishConfig(h, NOW, DEFAULT_LIMITS);
  if (typeof c === 'string') throw new Error(c);
  return c;
}
const refused = (h: RequestHeaders) => parsePublishConfig(h, NOW, DEFAULT_LIMITS) as string;

test('defaults: POST, now, 3 retries, no optional fields', () => {
  assert.deepEqual(parse({}), {
    method: 'POST',
    header: {},
    notBefore: NOW,
    retries: 3,
    contentBasedDeduplication: false,
  });
});

test('only Content-Type, Upstash-Forward-* and Workflow headers reach the destination, Go-canonical', () => {
  const c = parse({
    'content-type': 'application/json',
    'upstash-forward-test-header': 'value-uppercase, value-lowercase',
    'upstash-forward-x-multi': ['a', 'b'],
    'upstash-workflow-runid': 'wfr_1',
    'upstash-feature-set': 'LazyFetch',
    authorization: 'Bearer secret',
    'user-agent': 'sdk',
    'upstash-telemetry-sdk': 'x',
    'upstash-retries': '1',
  });
  assert.deepEqual(c.header, {
    'Content-Type': ['application/json'],
    'Test-Header': ['value-uppercase, value-lowercase'],
    'X-Multi': ['a, b'],
    'Upstash-Workflow-Runid': ['wfr_1'],
    'Upstash-Feature-Set': ['LazyFetch'],
  });
});

test('method, delay, not-before, retries, retry delay, timeout', () => {
  const c = parse({
    'upstash-method': 'put',
    'upstash-delay': '1d10h30m',
    'upstash-retries': '5',
    'upstash-retry-delay': 'pow(2, retried) * 1000',
    'upstash-timeout': '90s',
  });
  assert.equal(c.method, 'PUT');
  assert.equal(c.notBefore, NOW + 124_200_000);
  assert.equal(c.retries, 5);
  assert.equal(c.retryDelayExpression, 'pow(2, retried) * 1000');
  assert.equal(c.timeoutMs, 90_000);
  // Not-Before (unix seconds) beats Delay; a past time means now.
  assert.equal(
    parse({ 'upstash-delay': '10s', 'upstash-not-before': String(NOW / 1000 + 60) }).notBefore,
    NOW + 60_000,
  );
  assert.equal(parse({ 'upstash-not-before': '1' }).notBefore, NOW);
  assert.equal(parse({ 'upstash-retries': '0' }).retries, 0);
  // A timeout beyond the plan's maximum is capped.
  assert.equal(parse({ 'upstash-timeout': '10h' }).timeoutMs, DEFAULT_LIMITS.maxTimeoutMs);
});

test('malformed configuration is refused with a message naming the header', () => {
  assert.match(refused({ 'upstash-method': 'TRACE' }), /Upstash-Method/);
  assert.match(refused({ 'upstash-delay': '5 minutes' }), /Upstash-Delay/);
  assert.match(refused({ 'upstash-delay': '400d' }), /delay exceeds/);
  assert.match(refused({ 'upstash-not-before': 'tomorrow' }), /Not-Before/);
  assert.match(refused({ 'upstash-retries': '-1' }), /Upstash-Retries/);
  assert.match(refused({ 'upstash-retries': 'three' }), /Upstash-Retries/);
  assert.match(refused({ 'upstash-retries': '21' }), /maximum/);
  assert.match(refused({ 'upstash-retry-delay': 'eval("1")' }), /Upstash-Retry-Delay/);
  assert.match(refused({ 'upstash-timeout': '0s' }), /Upstash-Timeout/);
  assert.match(refused({ 'upstash-timeout': 'soon' }), /Upstash-Timeout/);
  assert.match(refused({ 'upstash-callback': 'example.com/cb' }), /Upstash-Callback/);
  assert.match(refused({ 'upstash-failure-callback': 'ftp://x' }), /Upstash-Failure-Callback/);
  assert.match(refused({ 'upstash-flow-control-key': 'k', 'upstash-flow-control-value': 'rate=0' }), /flow control/);
  assert.match(refused({ 'upstash-forward-': 'x' }), /header name/);
  assert.match(refused({ 'upstash-forward-bad name': 'x' }), /header name/);
  assert.match(refused({ 'upstash-forward-x': 'a\r\nInjected: 1' }), /value/);
});

test('callbacks: URL, their own config and forwarded headers; Workflow headers renamed', () => {
  const c = parse({
    'upstash-callback': 'https://example.com/cb',
    'upstash-callback-method': 'put',
    'upstash-callback-retries': '2',
    'upstash-callback-timeout': '30s',
    'upstash-callback-delay': '1m',
    'upstash-callback-retry-delay': '1000',
    'upstash-callback-forward-token': 'abc',
    'upstash-callback-workflow-runid': 'wfr_2',
    'upstash-failure-callback': 'http://example.com/fail',
    'upstash-failure-callback-forward-who': 'me',
  });
  assert.deepEqual(c.callback, {
    url: 'https://example.com/cb',
    header: { Token: ['abc'], 'Upstash-Workflow-Runid': ['wfr_2'] },
    method: 'PUT',
    retries: 2,
    timeoutMs: 30_000,
    delayMs: 60_000,
    retryDelayExpression: '1000',
  });
  assert.deepEqual(c.failureCallback, { url: 'http://example.com/fail', header: { Who: ['me'] } });
  // Callback forward headers are not sent to the destination.
  assert.deepEqual(c.header, {});
});

test('deduplication, labels, redaction, schedule fields', () => {
  const c = parse({
    'upstash-deduplication-id': 'd-1',
    'upstash-content-based-deduplication': 'TRUE',
    'upstash-label': ' first , second,,',
    'upstash-redact-fields': 'body, header[Authorization]',
    'upstash-cron': '*/10 * * * * ',
    'upstash-schedule-id': 'sched.1',
    'upstash-queue-name': 'q1',
  });
  assert.equal(c.deduplicationId, 'd-1');
  assert.equal(c.contentBasedDeduplication, true);
  assert.equal(c.label, 'first');
  assert.deepEqual(c.labels, ['first', 'second']);
  assert.deepEqual(c.redact, ['body', 'header[Authorization]']);
  assert.equal(c.cron, '*/10 * * * *');
  assert.equal(c.scheduleId, 'sched.1');
  assert.equal(c.queueName, 'q1');
});

test('flow control: key and value in seconds', () => {
  const c = parse({
    'upstash-flow-control-key': 'fk',
    'upstash-flow-control-value': 'parallelism=3, rate=10, period=1m',
  });
  assert.equal(c.flowControlKey, 'fk');
  assert.equal(c.parallelism, 3);
  assert.equal(c.rate, 10);
  assert.equal(c.period, 60);
  assert.deepEqual(parseFlowControlValue('period=1d, rate=5'), { period: 86_400, rate: 5 });
  assert.deepEqual(parseFlowControlValue('rate=5'), { rate: 5, period: 1 });
  assert.deepEqual(parseFlowControlValue('parallelism=2'), { parallelism: 2 });
  assert.deepEqual(parseFlowControlValue('rate=1,period=30'), { rate: 1, period: 30 });
  assert.deepEqual(parseFlowControlValue('RATE=2, Period=90s'), { rate: 2, period: 90 });
  assert.deepEqual(parseFlowControlValue(''), {});
  for (const bad of ['rate=0', 'rate=x', 'parallelism=', 'period=500ms', 'period=8d', 'speed=1', 'rate'])
    assert.equal(typeof parseFlowControlValue(bad), 'string', bad);
});

test('upstash-* query parameters configure like headers; headers win', () => {
  const merged = withQueryConfig(
    { 'upstash-retries': '1' },
    new URLSearchParams('upstash-retries=5&Upstash-Delay=10s&other=1'),
  );
  assert.deepEqual(merged, { 'upstash-retries': '1', 'upstash-delay': '10s' });
  const c = parse(merged);
  assert.equal(c.retries, 1);
  assert.equal(c.notBefore, NOW + 10_000);
});
