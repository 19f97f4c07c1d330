/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
import { DEFAULT_API_KEY } from '../simulator';
import {
	FLORA_NODE,
	READ_RUN_ROUTE,
	RUN_ROUTE,
	runFlora,
	startFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

const runCreates = () => flora.sim.requests.filter((request) => request.route === RUN_ROUTE);
const idempotencyKeys = () => runCreates().map((request) => request.headers['idempotency-key']);

describe('transient failures are retried without ever starting a run twice', () => {
	test('a 429 with retry-after is retried after the pause FLORA asked for', async () => {
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 429,
			code: 'rate_limited',
			headers: { 'retry-after': '1' },
		});

		const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

		expect(result.status).toBe('success');
		const [first, second] = runCreates();
		expect(runCreates()).toHaveLength(2);
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1000);
		expect(flora.sim.runsCreated()).toBe(1);
	});

	test('a 429 with retry-after-ms is honoured to the millisecond figure given', async () => {
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 429,
			code: 'rate_limited',
			headers: { 'retry-after-ms': '1500' },
		});

		await runFlora(flora.sim, { technique: technique('every-output-type') });

		const [first, second] = runCreates();
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1500);
	});

	test('5xx answers are retried with the same idempotency key, then the run completes', async () => {
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 503,
			code: 'service_unavailable',
		});
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'status', status: 500, code: 'unknown_error' });

		const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)).toHaveLength(5);
		expect(runCreates()).toHaveLength(3);
		const keys = idempotencyKeys();
		expect(new Set(keys).size).toBe(1);
		expect(keys[0]).toEqual(expect.any(String));
		for (const request of runCreates()) {
			expect((request.body as { idempotency_key: string }).idempotency_key).toBe(keys[0]);
		}
		expect(flora.sim.runsCreated()).toBe(1);
	});

	test('a failing read of the run is retried and the wait carries on', async () => {
		flora.sim.injectFault({
			route: READ_RUN_ROUTE,
			kind: 'status',
			status: 503,
			code: 'service_unavailable',
		});
		flora.sim.injectFault({ route: READ_RUN_ROUTE, kind: 'drop' });

		const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

		expect(result.status).toBe('success');
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBeGreaterThanOrEqual(3);
	});

	test('a connection dropped after FLORA started the run: the retry meets idempotency_duplicate and the node carries on with that run', async () => {
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'dropAfterHandling' });

		const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

		expect(result.status).toBe('success');
		expect(flora.sim.runsCreated({ technique: 'tech_every_output' })).toBe(1);
		expect(runCreates()).toHaveLength(2);
		expect(new Set(idempotencyKeys()).size).toBe(1);
		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(5);
		const createdRun = flora.sim.getRun(items[0].json.run_id as string);
		expect(createdRun).toBeDefined();
	});

	test('a user-given idempotency key is sent as header and body field', async () => {
		await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { idempotencyKey: 'campaign-2026-spring-001' },
		});

		const [create] = runCreates();
		expect(create.headers['idempotency-key']).toBe('campaign-2026-spring-001');
		expect((create.body as { idempotency_key: string }).idempotency_key).toBe(
			'campaign-2026-spring-001',
		);
	});
});

describe('waiting for a run', () => {
	test('a timeout with onTimeout=error fails with a message naming the still-running run', async () => {
		flora.sim.setRunDuration('every-output-type', 3600);

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { timeout: 1, pollInterval: 0.5 },
		});

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toMatch(/^The FLORA run run_\S+ did not finish within 1 seconds$/);
		expect(error.description).toMatch(/On Timeout/);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBeGreaterThanOrEqual(1);
	});

	test('a timeout with onTimeout=returnRun emits the still-running run for a later step', async () => {
		flora.sim.setRunDuration('every-output-type', 3600);

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { timeout: 1, pollInterval: 0.5, onTimeout: 'returnRun' },
		});

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			run_id: expect.stringMatching(/^run_/),
			status: expect.stringMatching(/^(pending|running)$/),
			timed_out: true,
			technique_id: 'tech_every_output',
		});
	});

	test('a set poll interval is honoured between reads', async () => {
		flora.sim.setRunDuration('every-output-type', 60); // 3 s at time scale 20

		await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { pollInterval: 0.7 },
		});

		const reads = flora.sim.requests.filter((request) => request.route === READ_RUN_ROUTE);
		expect(reads.length).toBeGreaterThanOrEqual(3);
		for (let index = 1; index < reads.length; index++) {
			expect(reads[index].receivedAt - reads[index - 1].receivedAt).toBeGreaterThanOrEqual(690);
		}
	});

	test('cancelling the execution during a wait stops the node promptly and it reads no more', async () => {
		flora.sim.setRunDuration('every-output-type', 3600);
		const running = startFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { pollInterval: 0.5 },
		});
		await until(() => flora.sim.countRequests(READ_RUN_ROUTE) >= 2);

		running.cancel();
		const cancelledAt = Date.now();
		const result = await running.result;
		const settledAt = Date.now();
		await new Promise((resolve) => setTimeout(resolve, 1200));

		expect(result.status).toBe('canceled');
		const lateReads = flora.sim.requests.filter(
			(request) => request.route === READ_RUN_ROUTE && request.receivedAt > settledAt,
		);
		expect(lateReads).toEqual([]);
		expect(settledAt - cancelledAt).toBeLessThan(1000);
	});
});

test('a poll_url outside the credential’s base URL is not followed: the node reads the run under its base URL', async () => {
	// Same simulator, another host name: FLORA's poll_url (127.0.0.1) is not under this base URL.
	const baseUrl = flora.sim.baseUrl.replace('127.0.0.1', 'localhost');
	flora.sim.setRunDuration('every-output-type', 30);

	const result = await runFlora(
		flora.sim,
		{ technique: technique('every-output-type'), options: { pollInterval: 0.5 } },
		{ credentials: { floraApi: { apiKey: DEFAULT_API_KEY, baseUrl } } },
	);

	expect(result.status).toBe('success');
	const reads = flora.sim.requests.filter((request) => request.route === READ_RUN_ROUTE);
	expect(reads.length).toBeGreaterThanOrEqual(1);
	expect(reads.every((request) => String(request.headers.host).startsWith('localhost:'))).toBe(
		true,
	);
	const created = flora.sim.getRun(result.items(FLORA_NODE)[0].json.run_id as string)!;
	expect(created).toBeDefined();
});

describe('stream mode', () => {
	test('follows the event stream to the terminal snapshot without polling', async () => {
		flora.sim.setStreamFormat('event-stream');

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			mode: 'stream',
		});

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)).toHaveLength(5);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBe(0);
		expect((runCreates()[0].body as { mode: string }).mode).toBe('stream');
	});

	test('falls back to polling when FLORA answers plain JSON', async () => {
		flora.sim.setStreamFormat('json');

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			mode: 'stream',
		});

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)).toHaveLength(5);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBeGreaterThanOrEqual(1);
	});

	test('a stream cut mid-run is finished by polling, with one run only', async () => {
		flora.sim.setStreamFormat('event-stream');
		flora.sim.setRunDuration('every-output-type', 40);
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'cutStream', afterEvents: 2 });

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			mode: 'stream',
		});

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)).toHaveLength(5);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBeGreaterThanOrEqual(1);
		expect(flora.sim.runsCreated()).toBe(1);
	});

	test('a stream cut before its first event: the repeat meets idempotency_duplicate and the node finds the run', async () => {
		flora.sim.setStreamFormat('event-stream');
		flora.sim.setRunDuration('every-output-type', 40);
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'cutStream', afterEvents: 0 });

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			mode: 'stream',
		});

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)).toHaveLength(5);
		expect(flora.sim.runsCreated()).toBe(1);
		expect(new Set(idempotencyKeys()).size).toBe(1);
	});

	test('not waiting in stream mode outputs the first snapshot', async () => {
		flora.sim.setStreamFormat('event-stream');
		flora.sim.setRunDuration('every-output-type', 40);

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			mode: 'stream',
			waitForCompletion: false,
			inputs: textInput('a quick look'),
		});

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			run_id: expect.stringMatching(/^run_/),
			technique_id: 'tech_every_output',
		});
	});
});

async function until(condition: () => boolean, limitMs = 10_000) {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > limitMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}
