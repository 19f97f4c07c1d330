/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Waiting for many runs at once without a Poll Interval: one read of the run history tells the
 * state of every run it shows, runs it does not show are read one by one, a set Poll Interval
 * still reads each run on its own at that interval, and reads scheduled by FLORA's progress
 * never come after the timeout.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_API_KEY } from '../simulator';
import { expectedEnd, nextReadAt } from '../nodes/shared/runs/schedule';
import {
	FLORA_NODE,
	READ_RUN_ROUTE,
	RUN_ROUTE,
	prompts,
	runFlora,
	startFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const HISTORY_ROUTE = 'GET /technique-runs';

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** The run each output item carries, checked against the run FLORA made for that item's prompt. */
function expectEachItemHasItsOwnRun(items: Array<{ json: IDataObject }>, promptsGiven: string[]) {
	expect(items).toHaveLength(promptsGiven.length);
	items.forEach((item, index) => {
		expect(item.json.status).toBe('completed');
		const run = flora.sim.getRun(String(item.json.run_id))!;
		expect(run.inputs[0].value).toBe(promptsGiven[index]);
	});
}

/** Requests that read these runs: their own reads, or run-list pages that showed them. */
function readsShowing(runId: string, route: string) {
	return flora.sim.requests.filter(
		(request) =>
			request.route === route && request.runsShown?.some((shown) => shown.runId === runId),
	);
}

describe('without a Poll Interval, the runs of one execution are read together', () => {
	test('one list read follows several runs, a run pushed off the first page by other clients is read on its own, and every item gets its own run', async () => {
		const given = Array.from(
			{ length: 6 },
			(_, index) => `item ${index} #duration:${40 + index * 4}`,
		);
		const running = startFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 3 },
			},
			{ triggerItems: prompts(...given) },
		);
		// The first three runs start; then another client starts 30 runs of the same technique,
		// which push ours off the first page of the run history.
		while (flora.sim.runsCreated() < 3) await sleep(10);
		const response = await Promise.all(
			Array.from({ length: 30 }, async (_, index) =>
				fetch(`${flora.sim.baseUrl}/techniques/every-output-type/runs`, {
					method: 'POST',
					headers: {
						Authorization: `Bearer ${DEFAULT_API_KEY}`,
						'Content-Type': 'application/json',
					},
					body: JSON.stringify({
						inputs: [{ id: 'prompt', type: 'text', value: `other client ${index} #duration:200` }],
						mode: 'async',
					}),
				}),
			),
		);
		expect(response.every((answer) => answer.status === 201)).toBe(true);
		const result = await running.result;

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expectEachItemHasItsOwnRun(items, given);
		const runIds = items.map((item) => String(item.json.run_id));
		// Read together: pages of the run history showed the later runs…
		expect(flora.sim.countRequests(HISTORY_ROUTE)).toBeGreaterThan(0);
		for (const runId of runIds.slice(3)) {
			expect(readsShowing(runId, HISTORY_ROUTE).length).toBeGreaterThan(0);
		}
		// …and the runs the other client pushed off the page were read one by one, to their end.
		for (const runId of runIds.slice(0, 3)) {
			const own = readsShowing(runId, READ_RUN_ROUTE);
			expect(own.length).toBeGreaterThan(0);
			expect(own[own.length - 1].runsShown![0].status).toBe('completed');
		}
		// Fewer requests than reading each run on its own every time.
		const reads = flora.sim.countRequests(READ_RUN_ROUTE) + flora.sim.countRequests(HISTORY_ROUTE);
		const answersShowingOurs = runIds.reduce(
			(total, runId) =>
				total +
				readsShowing(runId, READ_RUN_ROUTE).length +
				readsShowing(runId, HISTORY_ROUTE).length,
			0,
		);
		expect(reads).toBeLessThan(answersShowingOurs);
	});

	test('when the run history cannot be read (403), every run is read on its own and still reaches its item', async () => {
		flora.sim.injectFault({
			route: HISTORY_ROUTE,
			kind: 'status',
			status: 403,
			code: 'forbidden',
			times: 1000,
		});
		const given = Array.from(
			{ length: 4 },
			(_, index) => `item ${index} #duration:${30 + index * 5}`,
		);

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 4 },
			},
			{ triggerItems: prompts(...given) },
		);

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expectEachItemHasItsOwnRun(items, given);
		expect(flora.sim.countRequests(HISTORY_ROUTE)).toBeGreaterThan(0);
		for (const item of items) {
			const own = readsShowing(String(item.json.run_id), READ_RUN_ROUTE);
			expect(own[own.length - 1].runsShown![0].status).toBe('completed');
		}
	});
	test('a run that becomes due while its history is being read waits for that answer, and the execution goes on meanwhile', async () => {
		// The first create is slow, so its run starts while a slow read of the history is under way.
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'delay', ms: 1_500, times: 1 });
		flora.sim.injectFault({ route: HISTORY_ROUTE, kind: 'delay', ms: 2_000, times: 1 });
		const given = Array.from(
			{ length: 4 },
			(_, index) => `item ${index} #duration:${30 + index * 5}`,
		);

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 4 },
			},
			{ triggerItems: prompts(...given) },
		);

		expect(result.status).toBe('success');
		expectEachItemHasItsOwnRun(result.items(FLORA_NODE), given);
		const slowList = flora.sim.requests.find((request) => request.route === HISTORY_ROUTE)!;
		const creates = flora.sim.requests.filter((request) => request.route === RUN_ROUTE);
		const lateRun = creates.reduce((late, request) =>
			request.answeredAt! > late.answeredAt! ? request : late,
		);
		expect(lateRun.answeredAt!).toBeGreaterThan(slowList.receivedAt);
		expect(lateRun.answeredAt!).toBeLessThan(slowList.answeredAt!);
	});
});

describe('a set Poll Interval', () => {
	test('reads each of several runs on its own, never sooner than the interval after its last read', async () => {
		const given = ['a #duration:60', 'b #duration:70', 'c #duration:80'];

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 3, pollInterval: 0.7 },
			},
			{ triggerItems: prompts(...given) },
		);

		expectEachItemHasItsOwnRun(result.items(FLORA_NODE), given);
		expect(flora.sim.countRequests(HISTORY_ROUTE)).toBe(0);
		for (const item of result.items(FLORA_NODE)) {
			const reads = readsShowing(String(item.json.run_id), READ_RUN_ROUTE);
			expect(reads.length).toBeGreaterThanOrEqual(3);
			for (let index = 1; index < reads.length; index++) {
				expect(reads[index].receivedAt - reads[index - 1].receivedAt).toBeGreaterThanOrEqual(690);
			}
		}
	});
});

describe('reads scheduled by what FLORA says', () => {
	test('a run at 80 % after 8 s of running is expected to end about 2 s later', () => {
		const end = expectedEnd({
			startedAt: 0,
			runningSince: 1_000,
			lastSighting: { at: 9_000, share: 0.8 },
		})!;
		expect(end.latest).toBeCloseTo(11_000, -1);
		// Progress comes in hundredths: the earliest end reads 81 %.
		expect(end.earliest).toBeLessThan(end.latest);
		expect(end.earliest).toBeGreaterThan(10_800);
	});

	test('the next read is at the expected end (its earliest while FLORA says little), and never after the deadline', () => {
		// Known closely: read once, when the run should have ended.
		const late = {
			startedAt: 0,
			runningSince: 1_000,
			lastReadAt: 9_000,
			lastSighting: { at: 9_000, share: 0.8 },
		};
		expect(nextReadAt(late, 9_000, 60_000)).toBeCloseTo(expectedEnd(late)!.latest, -1);
		expect(nextReadAt(late, 9_000, 9_500)).toBe(9_500);
		// At 10 % the end may be seconds earlier than it seems: read at the earliest.
		const early = {
			startedAt: 0,
			runningSince: 1_000,
			lastReadAt: 3_000,
			lastSighting: { at: 3_000, share: 0.1 },
		};
		const end = expectedEnd(early)!;
		expect(end.latest - end.earliest).toBeGreaterThan(1_000);
		expect(nextReadAt(early, 3_000, 60_000)).toBeCloseTo(end.earliest, -1);
		// A first read a second after the start; then FLORA's estimate alone, while it says no progress.
		expect(nextReadAt({ startedAt: 0, estimatedMs: 20_000 }, 0, 60_000)).toBe(1_000);
		expect(
			nextReadAt({ startedAt: 0, estimatedMs: 20_000, lastReadAt: 1_000 }, 1_000, 60_000),
		).toBe(20_000);
	});

	test('with runs expected to end after the timeout, no read of them is made after it', async () => {
		// Runs of an hour (3 minutes at time scale 20) and a timeout of 3 s.
		const given = ['a #duration:3600', 'b #duration:3600', 'c #duration:3600'];

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun', concurrency: 3, timeout: 3, onTimeout: 'returnRun' },
			},
			{ triggerItems: prompts(...given) },
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.timed_out)).toEqual([true, true, true]);
		const creates = flora.sim.requests.filter((request) => request.route === RUN_ROUTE);
		const lastDeadline = Math.max(...creates.map((request) => request.receivedAt)) + 3_000;
		for (const item of items) {
			const runId = String(item.json.run_id);
			const create = creates.find((request) => request.runsShown?.[0].runId === runId)!;
			const reads = [...readsShowing(runId, READ_RUN_ROUTE), ...readsShowing(runId, HISTORY_ROUTE)];
			expect(reads.length).toBeGreaterThan(0);
			for (const read of reads) {
				expect(read.receivedAt).toBeLessThanOrEqual(create.receivedAt + 3_000 + 100);
			}
		}
		const late = flora.sim.requests.filter((request) => request.receivedAt > lastDeadline + 100);
		expect(late).toEqual([]);
	});
});
