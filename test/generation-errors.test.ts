/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/* What FLORA refuses of a generation, as a builder reads it; and waiting for generations by webhook. */
import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_API_KEY, VIEWER_API_KEY } from '../simulator';
import {
	FLORA_NODE,
	prompts,
	runFlora,
	runTechniqueWorkflow,
	useSimulator,
	webhookCredentials,
} from './harness/flora';
import {
	GENERATE_ROUTE,
	GENERATIONS_ROUTE,
	PROJECT_ID,
	READ_ANY_RUN_ROUTE,
	WORKSPACE_ID,
	generate,
	modelLocator,
	modelParams,
} from './harness/generation';
import type { WaitingExecution } from './harness/waiting';
import { startWaitingExecution } from './harness/waiting';

const flora = useSimulator({ timeScale: 50 });

const fast = { model: modelLocator('t2i-aurora-2-fast') };

async function failing(parameters = generate(fast), apiKey?: string) {
	const result = await runFlora(flora.sim, parameters, { typeVersion: 2, apiKey });
	expect(result.status).toBe('error');
	const error = result.nodes[FLORA_NODE].error!;
	expect(error.name).toBe('NodeApiError');
	expect(error.description).toMatch(/Request ID: req_\S+/);
	expect(JSON.stringify(error)).not.toContain(DEFAULT_API_KEY);
	return error as typeof error & { httpCode: string };
}

describe('FLORA’s errors on Generation → Generate', () => {
	test('401 a bad API key: said at the first read, before any generation request', async () => {
		const error = await failing(generate(fast), 'sk_test_not_a_key');
		expect(error.httpCode).toBe('401');
		expect(error.message).toMatch(/invalid or has been revoked/);
		expect(error.description).toMatch(/Create a new key/);
		expect(flora.sim.countRequests(GENERATE_ROUTE)).toBe(0);
	});

	test('403 a read-only key: the generation is refused and nothing runs', async () => {
		const error = await failing(generate(), VIEWER_API_KEY);
		expect(error.httpCode).toBe('403');
		expect(error.message).toMatch(/not allowed/);
		expect(error.description).toMatch(/lacks permission/);
		expect(flora.sim.countRequests(GENERATE_ROUTE)).toBe(1);
		expect(flora.sim.listRuns()).toEqual([]);
	});

	test('404 a project FLORA does not know', async () => {
		const error = await failing(
			generate({ ...fast, project: { __rl: true, mode: 'id', value: 'prj_gone' } }),
		);
		expect(error.httpCode).toBe('404');
		expect(error.message).toMatch(/could not find/);
		expect(error.description).toMatch(/Check the ID the node was given/);
	});

	test('400 what only FLORA can check (parameters sent without a model) lists the fields it named', async () => {
		const error = await failing(generate({ modelParams: modelParams({ num_images: 9 }) }));
		expect(error.httpCode).toBe('400');
		expect(error.message).toMatch(/rejected the inputs/);
		expect(`${error.message} ${error.description}`).toContain('params.num_images');
		expect(flora.sim.listRuns()).toEqual([]);
	});

	test('422 an Idempotency Key used before with another prompt', async () => {
		const options = { idempotencyKey: 'spring-mug-001' };
		const first = await runFlora(flora.sim, generate({ ...fast, prompt: 'a mug', options }), {
			typeVersion: 2,
		});
		expect(first.status).toBe('success');

		const error = await failing(generate({ ...fast, prompt: 'a jug', options }));
		expect(error.httpCode).toBe('422');
		expect(error.message).toMatch(/used with different inputs/);
		expect(error.description).toMatch(/new Idempotency Key/);
		expect(flora.sim.listRuns()).toHaveLength(1);
	});

	test.each([
		[429, 'rate_limited'],
		[500, 'internal_error'],
		[503, 'service_unavailable'],
	])('%i %s is retried with the same key: one generation starts', async (status, code) => {
		flora.sim.injectFault({
			route: GENERATE_ROUTE,
			kind: 'status',
			status,
			code,
			headers: { 'retry-after-ms': '1' },
			times: 2,
		});

		const result = await runFlora(flora.sim, generate(fast), { typeVersion: 2 });

		expect(result.status).toBe('success');
		const creates = flora.sim.requests.filter((request) => request.route === GENERATE_ROUTE);
		expect(creates).toHaveLength(3);
		expect(new Set(creates.map((request) => request.headers['idempotency-key'])).size).toBe(1);
		expect(flora.sim.listRuns()).toHaveLength(1);
		expect(result.items(FLORA_NODE)[0].json.run_id).toBe(flora.sim.listRuns()[0].run_id);
	});

	test('503 five times: the error says it tried 5 times and to run again later; no generation started', async () => {
		flora.sim.injectFault({
			route: GENERATE_ROUTE,
			kind: 'status',
			status: 503,
			code: 'service_unavailable',
			headers: { 'retry-after-ms': '1' },
			times: 5,
		});

		const error = await failing();
		expect(error.httpCode).toBe('503');
		expect(error.description).toMatch(/tried 5 times/);
		// FLORA answered every attempt: no run may have started, so running again is safe.
		expect(error.description).toMatch(/Run the workflow again/);
		expect(error.description).not.toMatch(/may have started/);
		expect(flora.sim.countRequests(GENERATE_ROUTE)).toBe(5);
		expect(flora.sim.listRuns()).toEqual([]);
	});
});

test('a lost create answer is matched to its own generation, though another started a second earlier', async () => {
	// A generation FLORA's answer to a create does not date: the run history tells the node when.
	await axios.post(
		`${flora.sim.baseUrl}/generate`,
		{ type: 'image', prompt: 'someone else’s', workspace_id: WORKSPACE_ID, project_id: PROJECT_ID },
		{ headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` } },
	);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	// The first create is only delayed; the second is handled, then its answer is lost.
	flora.sim.injectFault({ route: GENERATE_ROUTE, kind: 'delay', ms: 1 });
	flora.sim.injectFault({ route: GENERATE_ROUTE, kind: 'dropAfterHandling' });

	const result = await runFlora(
		flora.sim,
		generate({ ...fast, options: { concurrency: 1, outputLayout: 'perRun' } }),
		{ typeVersion: 2, triggerItems: prompts('first', 'second', 'third') },
	);

	expect(result.error?.message).toBeUndefined();
	const items = result.items(FLORA_NODE);
	const runPrompts = items.map(
		(item) => flora.sim.getRun(item.json.run_id as string)?.inputs[0].value,
	);
	expect(runPrompts).toEqual(['first', 'second', 'third']);
	expect(flora.sim.listRuns()).toHaveLength(4);
});

describe('Generation → Generate, waiting by webhook', () => {
	let execution: WaitingExecution | undefined;
	afterEach(async () => {
		await execution?.close();
		execution = undefined;
	});

	const webhookGeneration = (parameters: IDataObject = {}, continueOnFail = false) =>
		runTechniqueWorkflow(generate({ ...fast, waitMode: 'webhook', ...parameters }), {
			typeVersion: 2,
			continueOnFail,
		});

	test('FLORA gets the resume URL as callback_url; the execution waits without reading, resumes and outputs the generations', async () => {
		execution = await startWaitingExecution(webhookGeneration(), {
			credentials: webhookCredentials(flora.sim),
			triggerItems: prompts('a vase #duration:6', 'a bowl #duration:2'),
		});

		expect((await execution.firstPart).status).toBe('waiting');
		const creates = flora.sim.requests.filter((request) => request.route === GENERATE_ROUTE);
		expect(creates).toHaveLength(2);
		for (const create of creates) {
			const callbackUrl = String((create.body as IDataObject).callback_url);
			expect(callbackUrl.startsWith(`${execution.baseUrl}/`)).toBe(true);
		}

		const final = await execution.final;
		expect(final.status).toBe('success');
		expect(execution.calls.map((call) => call.resumed)).toEqual([false, true]);
		const items = final.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const runPrompts = items.map(
			(item) => flora.sim.getRun(item.json.run_id as string)!.inputs[0].value,
		);
		expect(runPrompts).toEqual(['a vase #duration:6', 'a bowl #duration:2']);
		for (const item of items) {
			expect(item.json).toMatchObject({
				status: 'completed',
				type: 'imageUrl',
				generation_type: 'image',
				model_id: 't2i-aurora-2-fast',
				charged_cost: 0.01,
			});
		}
		expect(flora.sim.countRequests(READ_ANY_RUN_ROUTE)).toBe(0);
		expect(flora.sim.countRequests(GENERATIONS_ROUTE)).toBeGreaterThanOrEqual(1);
		expect(flora.sim.webhookDeliveries.every((delivery) => delivery.runId !== undefined)).toBe(
			true,
		);
	});

	test('a failed generation under Continue On Fail becomes its item’s error item after the resume', async () => {
		execution = await startWaitingExecution(webhookGeneration({}, true), {
			credentials: webhookCredentials(flora.sim),
			triggerItems: prompts('fine', 'bad #fail:model_timeout'),
		});

		const final = await execution.final;
		const items = final.items(FLORA_NODE);
		expect(items[0].json.status).toBe('completed');
		const failed = flora.sim.listRuns().find((run) => run.inputs[0].value.startsWith('bad'))!;
		expect(items[1].json.error).toMatchObject({
			error_code: 'model_timeout',
			run_id: failed.run_id,
		});
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});
});
