/** The rate-limit pace on its own: half after a 429 (not below 2, once per pause), one step up per round of successes (at most every 2 s), never above the Concurrency option. */
import { Pace } from '../nodes/shared/flora/pace';

test('a 429 halves the concurrency, once per pause, not below 2; successes raise it step by step up to the option', () => {
	const pace = new Pace();
	pace.max = 10;
	expect(pace.concurrency).toBe(10);
	const now = Date.now();
	pace.rateLimited(now, now + 1_000);
	expect(pace.concurrency).toBe(5);
	// Answers to requests sent before the pause ended cut no further.
	pace.rateLimited(now + 10, now + 1_000);
	expect(pace.concurrency).toBe(5);
	pace.rateLimited(now + 1_000, now + 2_000);
	expect(pace.concurrency).toBe(2);
	pace.rateLimited(now + 2_000, now + 3_000);
	expect(pace.concurrency).toBe(2);
	// Successes of requests sent before the cut do not count; later ones raise it, one step at a time.
	let at = now + 3_000;
	const succeed = (times: number) => {
		for (let i = 0; i < times; i++) pace.succeeded(Date.now(), (at += 100));
	};
	pace.succeeded(now - 1, now + 10_000);
	expect(pace.concurrency).toBe(2);
	succeed(1);
	expect(pace.concurrency).toBe(2);
	succeed(40);
	expect(pace.concurrency).toBeGreaterThan(2);
	expect(pace.concurrency).toBeLessThan(10);
	succeed(400);
	expect(pace.concurrency).toBe(10);
	succeed(100);
	expect(pace.concurrency).toBe(10);
});

test('without a Concurrency option set it never limits', () => {
	const pace = new Pace();
	pace.rateLimited(Date.now(), Date.now() + 1_000);
	expect(pace.concurrency).toBe(Number.POSITIVE_INFINITY);
});
