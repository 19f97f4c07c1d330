import type { IDataObject } from 'n8n-workflow';
import { nextReadDelay } from '../nodes/shared/runs/poll';
import {
	FLORA_NODE,
	READ_RUN_ROUTE,
	prompts,
	runFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 10 });

const runOf = (itemIndex: number, runIds: string[]) => flora.sim.getRun(runIds[itemIndex])!;

describe('items in parallel', () => {
	test('runs finishing out of order still come out in item order, each paired with its item', async () => {
		// Item 0 is the longest run, item 4 the shortest (simulated seconds at time scale 10).
		const durations = [30, 24, 18, 12, 6];
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 5, pollInterval: 0.5 },
			},
			{
				triggerItems: prompts(
					...durations.map((seconds, index) => `item ${index} #duration:${seconds}`),
				),
			},
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		const runIds = items.map((item) => item.json.run_id as string);
		const inputs = runIds.map((runId) => flora.sim.getRun(runId)!.inputs[0].value);
		expect(inputs).toEqual(durations.map((seconds, index) => `item ${index} #duration:${seconds}`));
		// They ran at the same time: all started before the first one ended, and ended in reverse order.
		const firstEnd = Math.min(...runIds.map((runId) => flora.sim.getRun(runId)!.endedAt!));
		for (const runId of runIds) expect(flora.sim.getRun(runId)!.createdAt).toBeLessThan(firstEnd);
		expect(runOf(4, runIds).endedAt!).toBeLessThan(runOf(0, runIds).endedAt!);
	});

	test('concurrency 1 starts each run only after the previous one ended', async () => {
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 1, pollInterval: 0.5 },
			},
			{ triggerItems: prompts('a #duration:5', 'b #duration:5', 'c #duration:5') },
		);

		const runIds = result.items(FLORA_NODE).map((item) => item.json.run_id as string);
		expect(runOf(1, runIds).createdAt).toBeGreaterThanOrEqual(runOf(0, runIds).endedAt!);
		expect(runOf(2, runIds).createdAt).toBeGreaterThanOrEqual(runOf(1, runIds).endedAt!);
	});

	test('one failing item among many, under Continue On Fail, fails alone', async () => {
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 4 },
			},
			{
				continueOnFail: true,
				triggerItems: prompts('a', 'b', 'c #fail:provider_error', 'd', 'e', 'f', 'g'),
			},
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4, 5, 6].map((item) => ({ item })),
		);
		expect(
			items.map((item) => item.json.status ?? (item.json.error as IDataObject).error_code),
		).toEqual([
			'completed',
			'completed',
			'provider_error',
			'completed',
			'completed',
			'completed',
			'completed',
		]);
		expect(flora.sim.runsCreated()).toBe(7);
	});

	test('a 429 answered to one item pauses every item in flight for the time FLORA asked', async () => {
		flora.sim.injectFault({
			route: READ_RUN_ROUTE,
			kind: 'status',
			status: 429,
			code: 'rate_limited',
			headers: { 'retry-after': '1' },
		});

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 3, pollInterval: 0.5 },
			},
			{ triggerItems: prompts('a #duration:30', 'b #duration:30', 'c #duration:30') },
		);

		expect(result.status).toBe('success');
		const limited = flora.sim.requests.find((request) => request.status === 429)!;
		expect(limited).toBeDefined();
		// Requests already on the wire when the 429 was answered may land just after it; none may be
		// sent from then until the second FLORA asked for has passed.
		const pausedFrom = limited.answeredAt! + 100;
		const during = flora.sim.requests.filter(
			(request) =>
				request.receivedAt > pausedFrom && request.receivedAt < limited.answeredAt! + 1000,
		);
		expect(during.map((request) => request.receivedAt - limited.answeredAt!)).toEqual([]);
		const after = flora.sim.requests.filter(
			(request) => request.receivedAt >= limited.answeredAt! + 1000,
		);
		expect(new Set(after.map((request) => request.path)).size).toBe(3);
		expect(flora.sim.runsCreated()).toBe(3);
	});

	test('a concurrency outside 1–50 fails before any request', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { concurrency: 0 },
		});

		expect(result.nodes[FLORA_NODE].error!.message).toMatch(
			/Concurrency must be a whole number between 1 and 50/,
		);
		expect(flora.sim.requests).toHaveLength(0);
	});
});

describe('adaptive polling', () => {
	/** The reads the node makes for a run lasting `durationMs`, following its own schedule. */
	function readsFor(durationMs: number) {
		let elapsed = 0;
		let reads = 0;
		while (elapsed < durationMs) {
			elapsed += nextReadDelay(elapsed);
			reads++;
		}
		return { reads, lagMs: elapsed - durationMs };
	}

	test('a 5 s run is noticed within about a second', () => {
		const { reads, lagMs } = readsFor(5_000);
		expect(lagMs).toBeLessThanOrEqual(1_000);
		expect(reads).toBeLessThanOrEqual(6);
	});

	test('a 10 minute run costs a few dozen reads, not hundreds', () => {
		const { reads } = readsFor(600_000);
		expect(reads).toBeLessThanOrEqual(40);
		expect(reads).toBeGreaterThanOrEqual(10);
	});

	test('reads are never more than 30 s apart, and a set interval is used as it is', () => {
		expect(nextReadDelay(3_600_000)).toBe(30_000);
		expect(nextReadDelay(3_600_000, 2_500)).toBe(2_500);
	});

	test('without an interval the node reads a short run a few times, not every 10 s', async () => {
		flora.sim.setRunDuration('every-output-type', 30); // 3 s of real time at scale 10

		await runFlora(flora.sim, { technique: technique('every-output-type') });

		const reads = flora.sim.countRequests(READ_RUN_ROUTE);
		expect(reads).toBeGreaterThanOrEqual(2);
		expect(reads).toBeLessThanOrEqual(6);
	});
});
