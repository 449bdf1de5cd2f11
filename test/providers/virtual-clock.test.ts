// The virtual clock: sleeps complete at once in wall time; concurrent sleeps overlap as real ones
// would; sequential ones add up; aborts reject and leave nothing queued.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock, realClock } from '../../server/src/runtime/providers/index.ts';

test('sequential sleeps add up, in no wall time', async () => {
  const clock = new VirtualClock(1000);
  const wall = Date.now();
  for (let i = 0; i < 100; i++) await clock.sleep(60_000);
  assert.equal(clock.now(), 1000 + 100 * 60_000);
  assert.ok(Date.now() - wall < 1000);
});

test('concurrent sleeps overlap and wake in time order', async () => {
  const clock = new VirtualClock(0);
  const order: string[] = [];
  const branch = async (name: string, steps: number[]) => {
    for (const ms of steps) await clock.sleep(ms);
    order.push(`${name}@${clock.now()}`);
  };
  await Promise.all([branch('a', [300]), branch('b', [100, 100]), branch('c', [250, 100])]);
  assert.deepEqual(order, ['b@200', 'a@300', 'c@350']);
  assert.equal(clock.now(), 350);
});

test('abort rejects with the reason and removes the sleeper', async () => {
  const clock = new VirtualClock(0);
  const ctl = new AbortController();
  const p = clock.sleep(10_000, ctl.signal);
  ctl.abort(new Error('stop'));
  await assert.rejects(p, /stop/);
  assert.equal(clock.pending, 0);
  await assert.rejects(clock.sleep(1, ctl.signal), /stop/);
  assert.equal(clock.now(), 0);
});

test('advance() wakes sleepers by hand; zero and negative sleeps resolve', async () => {
  const clock = new VirtualClock(0);
  let woke = false;
  const p = clock.sleep(500).then(() => (woke = true));
  clock.advance(499);
  await Promise.resolve();
  assert.equal(woke, false);
  clock.advance(1);
  await p;
  assert.equal(woke, true);
  await clock.sleep(0);
  await clock.sleep(-5);
  assert.equal(clock.now(), 500);
});

test('the real clock sleeps for real and can be aborted', async () => {
  const t0 = realClock.now();
  await realClock.sleep(20);
  assert.ok(realClock.now() - t0 >= 15);
  const ctl = new AbortController();
  const p = realClock.sleep(10_000, ctl.signal);
  ctl.abort();
  await assert.rejects(p);
});
