// Runs against the example service the build started: MONETIZE_BASE_URL, and demo keys in
// MONETIZE_PRO_KEY and MONETIZE_FREE_KEY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { AnalyticsClient, ApiProblem, parseRateLimit, retryAfterSeconds } from '../src/client';

const baseUrl = process.env.MONETIZE_BASE_URL ?? '';
const proKey = process.env.MONETIZE_PRO_KEY ?? '';
const freeKey = process.env.MONETIZE_FREE_KEY ?? '';

test('the environment names a running service', () => {
  assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(proKey, /^mk_test_/);
});

test('events go in and the summary is typed, with the usage of the call', async () => {
  const client = new AnalyticsClient({ baseUrl, apiKey: proKey });
  const accepted = await client.ingest([
    { type: 'page_view', timestamp: new Date('2026-11-24T10:00:00Z'), userId: 'u1', value: 2.5, properties: { page: '/home' } },
    { type: 'signup', userId: 'u2', value: 1, properties: {} },
  ]);
  assert.equal(accepted.accepted, 2);
  const summary = await client.summary();
  assert.ok((summary.events ?? 0) >= 2);
  assert.ok((summary.distinctUsers ?? 0) >= 2);
  assert.equal(typeof summary.byType, 'object');
  assert.ok(client.lastUsage, 'the RateLimit headers are read');
  assert.ok(Number.isInteger(client.lastUsage!.remaining));
  assert.ok(client.lastUsage!.resetSeconds >= 0);
  assert.match(client.lastUsage!.policies, /q=\d+/);
});

test('a refusal is a typed problem with its stable code', async () => {
  const client = new AnalyticsClient({ baseUrl, apiKey: 'mk_test_' + 'A'.repeat(28) });
  await assert.rejects(client.summary(), (e: unknown) => {
    assert.ok(e instanceof ApiProblem);
    assert.equal(e.status, 401);
    assert.ok(['key_invalid', 'key_missing'].includes(e.code), e.code);
    assert.ok(e.requestId);
    return true;
  });
  const bad = new AnalyticsClient({ baseUrl, apiKey: proKey });
  await assert.rejects(bad.ingest([{ type: '', value: 1, properties: {} }]), (e: unknown) => {
    assert.ok(e instanceof ApiProblem);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'bad_request');
    return true;
  });
});

test('429 answers are retried after their Retry-After, or thrown with it', async () => {
  const waits: number[] = [];
  const impatient = new AnalyticsClient({ baseUrl, apiKey: freeKey, maxRetries: 0 });
  const results = await Promise.allSettled(Array.from({ length: 12 }, () => impatient.summary()));
  const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
  assert.ok(refused.length > 0, 'the free plan allows 5 per second, burst 5');
  for (const e of refused) {
    assert.ok(e instanceof ApiProblem);
    assert.equal(e.status, 429);
    assert.equal(e.code, 'rate_limited');
    assert.ok((e.retryAfter ?? 0) >= 1);
  }
  await new Promise((r) => setTimeout(r, 2100)); // the bucket refills
  const patient = new AnalyticsClient({ baseUrl, apiKey: freeKey, maxRetries: 5,
    sleep: (ms) => { waits.push(ms); return new Promise((r) => setTimeout(r, ms)); } });
  const all = await Promise.all(Array.from({ length: 12 }, () => patient.summary()));
  assert.equal(all.length, 12);
  assert.ok(waits.length > 0, 'some calls waited');
  assert.ok(waits.every((ms) => ms >= 1000), `waits follow Retry-After: ${waits}`);
});

test('the RateLimit header is parsed as sent', () => {
  assert.deepEqual(parseRateLimit('"daily";r=50;t=30', '"daily";q=1000;w=86400'),
    { policy: 'daily', remaining: 50, resetSeconds: 30, policies: '"daily";q=1000;w=86400' });
  assert.equal(parseRateLimit(null, null), undefined);
  // several members: the tightest one, never a mix of two
  assert.deepEqual(parseRateLimit('"rate";r=4;t=1, "daily";r=900;t=80000', null),
    { policy: 'rate', remaining: 4, resetSeconds: 1, policies: '' });
});

test('Retry-After is a number of seconds or an HTTP date; anything else is no retry', () => {
  assert.equal(retryAfterSeconds('3'), 3);
  assert.equal(retryAfterSeconds(null), undefined);
  assert.equal(retryAfterSeconds(''), undefined);
  assert.equal(retryAfterSeconds('soon'), undefined);
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  assert.equal(retryAfterSeconds('Wed, 21 Oct 2015 07:28:05 GMT', now), 5);
  assert.equal(retryAfterSeconds('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
});

test('a 429 without Retry-After is thrown at once, not retried without a wait', async () => {
  let calls = 0;
  const waits: number[] = [];
  const stub = (async () => {
    calls++;
    return new Response(JSON.stringify({ status: 429, code: 'brand_new_code', detail: 'slow down' }),
      { status: 429, headers: { 'Content-Type': 'application/problem+json' } });
  }) as unknown as typeof fetch;
  const client = new AnalyticsClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', fetch: stub,
    sleep: async (ms) => { waits.push(ms); } });
  await assert.rejects(client.summary(), (e: unknown) => e instanceof ApiProblem && e.code === 'brand_new_code'
    && e.retryAfter === undefined);
  assert.equal(calls, 1);
  assert.deepEqual(waits, []);
});

test('a redirect is never followed: the key does not go to another origin', async () => {
  const collected: string[] = [];
  const listen = (server: Server) => new Promise<number>((ok) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    ok(typeof address === 'object' && address ? address.port : 0);
  }));
  const other = createServer((request, response) => {
    collected.push(String(request.headers['x-api-key']));
    response.setHeader('Content-Type', 'application/json');
    response.end('{"events":0,"distinct_users":0,"value_sum":0,"by_type":{}}');
  });
  const otherPort = await listen(other);
  const moved = createServer((request, response) => {
    response.statusCode = 302;
    response.setHeader('Location', `http://localhost:${otherPort}/collect${request.url}`);
    response.end();
  });
  const movedPort = await listen(moved);
  try {
    const client = new AnalyticsClient({ baseUrl: `http://127.0.0.1:${movedPort}`, apiKey: proKey });
    await assert.rejects(client.summary());
    assert.deepEqual(collected, []);
  } finally {
    moved.close();
    other.close();
  }
});
