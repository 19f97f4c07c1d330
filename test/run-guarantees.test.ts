/*
 * What the node promises about paid runs when the network misbehaves: a run is only reported on
 * the item that started it, an outage never abandons a started run, every error after a start
 * names the run, and n8n's Retry On Fail never buys a run twice.
 */
import type { IDataObject } from 'n8n-workflow';

import { MEDIA_ROUTE } from '../simulator';
import {
	FLORA_NODE,
	READ_RUN_ROUTE,
	RUN_ROUTE,
	prompts,
	runFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

const HISTORY_ROUTE = 'GET /technique-runs';
const inputOf = (runId: unknown) => flora.sim.getRun(runId as string)?.inputs[0].value;
const errorOf = (json: IDataObject) => json.error as IDataObject;

describe('a run is only ever reported on the item that started it', () => {
	test('a lost create answer is matched to its own run, not to the run of an item whose answer is still on the way', async () => {
		// Item 0's answer arrives 6 s late (its run already exists); item 1's answer is lost after
		// FLORA created its run, so item 1's retry meets idempotency_duplicate.
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'delay', ms: 6000 });
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'dropAfterHandling' });

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { concurrency: 2, outputLayout: 'perRun' },
			},
			{ triggerItems: prompts('X', 'Y') },
		);

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items.map((item) => inputOf(item.json.run_id))).toEqual(['X', 'Y']);
		expect(flora.sim.runsCreated()).toBe(2);
		expect(new Set(items.map((item) => item.json.run_id)).size).toBe(2);
	});

	test('two answers lost in overlapping attempts: both items fail naming both candidate runs, and no run is given to the wrong item', async () => {
		flora.sim.setRunDuration('every-output-type', 60);
		// Both first creates are dropped after FLORA made the runs; sent at the same moment,
		// their attempts overlap, so nothing tells which run belongs to which item.
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'dropAfterHandling', times: 2 });

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { concurrency: 2, outputLayout: 'perRun' },
			},
			{ triggerItems: prompts('X', 'Y'), continueOnFail: true },
		);

		const items = result.items(FLORA_NODE);
		const runIds = flora.sim.listRuns().map((run) => run.run_id);
		expect(runIds).toHaveLength(2);
		for (const [index, item] of items.entries()) {
			if (item.json.run_id !== undefined) {
				// A run given to an item is that item's own.
				expect(inputOf(item.json.run_id)).toBe(['X', 'Y'][index]);
				continue;
			}
			const error = errorOf(item.json);
			expect(error.message).toMatch(/cannot tell which of these runs it is/);
			expect([...(error.candidate_run_ids as string[])].sort()).toEqual([...runIds].sort());
			expect(error.description).toMatch(/Do not run the workflow again/);
		}
	});

	test('a run that may be the item whose create gave up stays open to the item FLORA says it started: both errors name it', async () => {
		flora.sim.setRunDuration('every-output-type', 60);
		// Item 0's create reaches FLORA (the run is made, the answer lost) and then fails until it
		// gives up, so whether its run exists is unknown. Item 1's answer is lost too, then 503s
		// keep it busy until item 0 has given up, then FLORA answers idempotency_duplicate: its
		// run exists. Nothing tells the two runs apart.
		const fail = { kind: 'status', status: 500, code: 'unknown_error' } as const;
		flora.sim.injectFault({ route: RUN_ROUTE, idempotencyKey: 'key-0', kind: 'dropAfterHandling' });
		flora.sim.injectFault({
			route: RUN_ROUTE,
			idempotencyKey: 'key-0',
			...fail,
			headers: { 'retry-after-ms': '1' },
			times: 4,
		});
		flora.sim.injectFault({ route: RUN_ROUTE, idempotencyKey: 'key-1', kind: 'dropAfterHandling' });
		flora.sim.injectFault({
			route: RUN_ROUTE,
			idempotencyKey: 'key-1',
			kind: 'status',
			status: 503,
			code: 'service_unavailable',
			headers: { 'retry-after': '1' },
		});

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: {
					concurrency: 2,
					outputLayout: 'perRun',
					idempotencyKey: '=key-{{ $itemIndex }}',
				},
			},
			{ triggerItems: prompts('X', 'Y'), continueOnFail: true },
		);

		const runs = flora.sim.listRuns();
		expect(runs.map((run) => run.inputs[0].value).sort()).toEqual(['X', 'Y']);
		const runOf = (prompt: string) => runs.find((run) => run.inputs[0].value === prompt)!.run_id;
		const [first, second] = result.items(FLORA_NODE).map((item) => errorOf(item.json));
		expect(first.candidate_run_ids).toContain(runOf('X'));
		expect(second.message).toMatch(/cannot tell which of these runs it is/);
		expect(second.candidate_run_ids).toContain(runOf('Y'));
	});
});

describe('once a run has started, only the timeout ends the wait', () => {
	test('eight failed reads in a row (drops, 503s, 429s) do not abandon the run', async () => {
		flora.sim.setRunDuration('every-output-type', 30);
		flora.sim.injectFault({ route: READ_RUN_ROUTE, kind: 'drop', times: 2 });
		for (const [status, code] of [
			[503, 'service_unavailable'],
			[429, 'rate_limited'],
		] as const) {
			flora.sim.injectFault({
				route: READ_RUN_ROUTE,
				kind: 'status',
				status,
				code,
				headers: { 'retry-after-ms': '100' },
				times: 3,
			});
		}

		const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)).toHaveLength(5);
		expect(flora.sim.runsCreated()).toBe(1);
	});

	test('an outage that outlasts the timeout ends in an error that names the run and says how to collect it', async () => {
		flora.sim.setRunDuration('every-output-type', 3600);
		flora.sim.injectFault({
			route: READ_RUN_ROUTE,
			kind: 'status',
			status: 503,
			code: 'service_unavailable',
			times: 1000,
		});

		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { timeout: 3 },
		});

		const error = result.nodes[FLORA_NODE].error!;
		const [run] = flora.sim.listRuns();
		expect(error.message).toContain(run.run_id);
		expect(error.description).toMatch(/could not be read/);
		expect(error.description).toMatch(/Run → Wait/);
		expect(error.description).not.toMatch(/run the workflow again in/i);
	});

	test('a read refused after the start (the key was revoked) names the run, says it goes on, and never advises running again', async () => {
		flora.sim.setRunDuration('every-output-type', 30);
		flora.sim.injectFault({
			route: READ_RUN_ROUTE,
			kind: 'status',
			status: 401,
			code: 'invalid_api_key',
		});

		const result = await runFlora(
			flora.sim,
			{ technique: technique('every-output-type') },
			{ continueOnFail: true },
		);

		const [item] = result.items(FLORA_NODE);
		const [run] = flora.sim.listRuns();
		const error = errorOf(item.json);
		expect(error.run_id).toBe(run.run_id);
		expect(error.description).toMatch(/goes on there/);
		expect(error.description).toContain(`Run ID: ${run.run_id}`);
		expect(error.description).toMatch(/Do not run the workflow again/);
	});

	test('a create whose first attempt started the run and whose retries all failed names that run', async () => {
		flora.sim.injectFault({ route: RUN_ROUTE, kind: 'dropAfterHandling' });
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 500,
			code: 'unknown_error',
			headers: { 'retry-after-ms': '1' },
			times: 4,
		});

		const result = await runFlora(
			flora.sim,
			{ technique: technique('every-output-type') },
			{ continueOnFail: true },
		);

		const [run] = flora.sim.listRuns();
		const error = errorOf(result.items(FLORA_NODE)[0].json);
		expect(error.candidate_run_ids).toEqual([run.run_id]);
		expect(error.description).toMatch(/may have started/);
		expect(error.description).not.toMatch(/Try again later/);
	});

	test('a create that failed before FLORA acted on it says that no run was started', async () => {
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 500,
			code: 'unknown_error',
			headers: { 'retry-after-ms': '1' },
			times: 5,
		});

		const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

		expect(flora.sim.runsCreated()).toBe(0);
		expect(flora.sim.countRequests(HISTORY_ROUTE)).toBe(1);
		expect(result.nodes[FLORA_NODE].error!.description).toMatch(/no run was started/);
	});

	test('a failed download names the run and the output, and keeps the outputs that did download', async () => {
		flora.sim.injectFault({ route: MEDIA_ROUTE, kind: 'status', status: 404, code: 'gone' });

		const result = await runFlora(
			flora.sim,
			{ technique: technique('every-output-type'), options: { download: true } },
			{ continueOnFail: true },
		);

		const items = result.items(FLORA_NODE);
		const [run] = flora.sim.listRuns();
		const failed = items.filter((item) => item.json.error !== undefined);
		const kept = items.filter((item) => item.json.error === undefined);
		expect(failed).toHaveLength(1);
		expect(errorOf(failed[0].json)).toMatchObject({
			run_id: run.run_id,
			output_id: expect.any(String),
		});
		expect(errorOf(failed[0].json).message).toContain(run.run_id);
		// Five outputs: four kept, three of them media files that did download.
		expect(kept).toHaveLength(4);
		expect(kept.filter((item) => item.binary?.data !== undefined)).toHaveLength(3);
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});
});

test('when one item stops the node (no Continue On Fail), its error also names the runs the other items started', async () => {
	const result = await runFlora(
		flora.sim,
		{
			technique: technique('every-output-type'),
			inputs: textInput('={{ $json.prompt }}'),
			options: { concurrency: 3, outputLayout: 'perRun' },
		},
		{ triggerItems: prompts('A #duration:30', 'B #fail:provider_error', 'C #duration:30') },
	);

	const error = result.nodes[FLORA_NODE].error!;
	expect(error.message).toMatch(/failed/);
	const others = flora.sim.listRuns().filter((run) => !run.inputs[0].value.startsWith('B'));
	expect(others).toHaveLength(2);
	for (const run of others) expect(error.description).toContain(run.run_id);
	expect(error.description).toMatch(/Collect them with Run → Wait/);
});

describe("n8n's Retry On Fail never buys a run twice", () => {
	test('items whose runs started in an earlier try collect them; only the failed item gets new runs', async () => {
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { concurrency: 1, outputLayout: 'perRun' },
			},
			{
				triggerItems: prompts('A', 'B #fail:provider_error', 'C'),
				nodeSettings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
			},
		);

		expect(result.status).toBe('error');
		const runsFor = (prompt: string) =>
			flora.sim.listRuns().filter((run) => run.inputs[0].value === prompt);
		expect(runsFor('A')).toHaveLength(1);
		expect(runsFor('B #fail:provider_error')).toHaveLength(3);
		expect(runsFor('C')).toHaveLength(0);
	});
});
