/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
import axios from 'axios';
import { createHmac } from 'node:crypto';
import type { IDataObject, IHookFunctions, INodeType } from 'n8n-workflow';

import { DEFAULT_WEBHOOK_SECRET, MEDIA_ROUTE } from '../simulator';
import { loadPackage, runWorkflow } from './harness/engine';
import {
	FLORA_NODE,
	READ_RUN_ROUTE,
	RUN_ROUTE,
	prompts,
	runTechniqueWorkflow,
	technique,
	textInput,
	useSimulator,
	webhookCredentials,
	withNodesAfterFlora,
} from './harness/flora';
import type { WaitingExecution } from './harness/waiting';
import { loopbackUrl } from './harness/publicHost';
import { startWaitingExecution } from './harness/waiting';

const flora = useSimulator({ timeScale: 20 });

const credentials = (overrides: Record<string, unknown> = {}) =>
	webhookCredentials(flora.sim, overrides);

const webhookRun = (parameters: Record<string, unknown> = {}) =>
	runTechniqueWorkflow({
		technique: technique('every-output-type'),
		inputs: textInput('={{ $json.prompt }}'),
		waitMode: 'webhook',
		...parameters,
	});

let execution: WaitingExecution | undefined;
afterEach(async () => {
	await execution?.close();
	execution = undefined;
});

function sign(
	body: string,
	timestamp = Math.floor(Date.now() / 1000),
	secret = DEFAULT_WEBHOOK_SECRET,
) {
	const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
	return `t=${timestamp},v1=${signature}`;
}

async function until(condition: () => boolean, limitMs = 15_000) {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > limitMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('waiting for runs by webhook', () => {
	test('the execution waits without reading the run, resumes on FLORA’s signed callback and emits the outputs', async () => {
		execution = await startWaitingExecution(webhookRun(), {
			credentials: credentials(),
			triggerItems: prompts('a vase'),
		});

		const firstPart = await execution.firstPart;
		expect(firstPart.status).toBe('waiting');
		const [create] = flora.sim.requests.filter((request) => request.method === 'POST');
		const callbackUrl = (create.body as { callback_url: string }).callback_url;
		expect(callbackUrl.startsWith(`${execution.baseUrl}/`)).toBe(true);
		expect(callbackUrl.slice(execution.baseUrl.length + 1)).toMatch(
			/^\d+(\?signature=[0-9a-f]+)?$/,
		);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBe(0);

		const final = await execution.final;
		expect(final.status).toBe('success');
		const items = final.items(FLORA_NODE);
		expect(items.map((item) => item.json.type)).toEqual([
			'imageUrl',
			'videoUrl',
			'audioUrl',
			'text',
			'documentUrl',
		]);
		expect(
			items.every((item) => item.json.status === 'completed' && item.pairedItem !== undefined),
		).toBe(true);
		expect(execution.calls).toEqual([expect.objectContaining({ status: 200, resumed: true })]);
		await until(() => typeof flora.sim.webhookDeliveries[0]?.status === 'number');
		expect(flora.sim.webhookDeliveries[0].status).toBe(200);
		// While waiting nothing polled: every read came after the callback (the outputs, from the
		// run history), none of them a read of the run on its own.
		const reads = flora.sim.requests.filter((request) => request.receivedAt > create.receivedAt);
		expect(reads.length).toBeGreaterThanOrEqual(1);
		for (const read of reads) {
			expect(read.receivedAt).toBeGreaterThanOrEqual(flora.sim.webhookDeliveries[0].attemptedAt);
		}
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBe(0);
	});

	test('three items: the execution resumes only after the last run’s callback, every item paired', async () => {
		execution = await startWaitingExecution(webhookRun({ options: { outputLayout: 'perRun' } }), {
			credentials: credentials(),
			triggerItems: prompts('slow #duration:40', 'fast #duration:4', 'middle #duration:20'),
		});

		const final = await execution.final;
		expect(final.status).toBe('success');
		expect(execution.calls.map((call) => call.resumed)).toEqual([false, false, true]);
		expect(execution.calls.slice(0, 2).map((call) => call.status)).toEqual([202, 202]);
		const items = final.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const inputs = items.map(
			(item) => flora.sim.getRun(item.json.run_id as string)!.inputs[0].value,
		);
		expect(inputs).toEqual(['slow #duration:40', 'fast #duration:4', 'middle #duration:20']);
	});

	test('Download Outputs is honoured after the resume: media outputs arrive as binary data', async () => {
		execution = await startWaitingExecution(webhookRun({ options: { download: true } }), {
			credentials: credentials(),
			triggerItems: prompts('a vase'),
		});

		const final = await execution.final;
		const items = final.items(FLORA_NODE);
		const image = items.find((item) => item.json.type === 'imageUrl')!;
		expect(image.binary?.data).toMatchObject({
			mimeType: 'image/png',
			fileName: `${image.json.output_id}.png`,
		});
		expect(items.find((item) => item.json.type === 'text')!.binary).toBeUndefined();
		expect(flora.sim.mediaRequests.filter((request) => request.method === 'GET')).toHaveLength(4);
	});

	test('a failed run under Continue On Fail becomes its item’s error item after the resume', async () => {
		const workflow = webhookRun({ options: { outputLayout: 'perRun' } });
		workflow.nodes.find((node) => node.name === FLORA_NODE)!.onError = 'continueRegularOutput';
		execution = await startWaitingExecution(workflow, {
			credentials: credentials(),
			triggerItems: prompts('fine', 'bad #fail:safety_blocked'),
		});

		const final = await execution.final;
		const items = final.items(FLORA_NODE);
		expect(items[0].json.status).toBe('completed');
		expect(items[1].json.error).toMatchObject({
			error_code: 'safety_blocked',
			run_id: expect.stringMatching(/^run_/),
		});
	});

	test('a failed download after the resume becomes its item’s error item under Continue On Fail, as when polling', async () => {
		const workflow = webhookRun({ options: { download: true, outputLayout: 'perRun' } });
		workflow.nodes.find((node) => node.name === FLORA_NODE)!.onError = 'continueRegularOutput';
		execution = await startWaitingExecution(workflow, {
			credentials: credentials(),
			triggerItems: prompts('a vase'),
		});
		flora.sim.injectFault({
			route: MEDIA_ROUTE,
			kind: 'status',
			status: 404,
			code: 'gone',
			times: 10,
		});

		const final = await execution.final;

		expect(final.status).toBe('success');
		const [runItem, ...errorItems] = final.items(FLORA_NODE);
		// The run's own item stays (without the files), then one error item per file, as when polling.
		expect(runItem.json).toMatchObject({
			status: 'completed',
			run_id: expect.stringMatching(/^run_/),
		});
		expect(errorItems).toHaveLength(4);
		for (const item of [runItem, ...errorItems]) expect(item.pairedItem).toEqual({ item: 0 });
		for (const item of errorItems) {
			expect((item.json.error as IDataObject).message).toMatch(
				new RegExp(`^Could not download output \\S+ of the FLORA run ${runItem.json.run_id} from `),
			);
		}
	});

	test('a failed run without Continue On Fail ends the execution with the run’s error', async () => {
		execution = await startWaitingExecution(webhookRun(), {
			credentials: credentials(),
			triggerItems: prompts('bad #fail:provider_error'),
		});

		const final = await execution.final;
		expect(final.status).toBe('error');
		expect(final.error?.message).toMatch(/^The FLORA run run_\S+ failed/);
	});
});

describe('when the wait time runs out before every run has ended', () => {
	const AFTER = 'After FLORA';

	const withNodeAfter = (parameters: Record<string, unknown>) =>
		withNodesAfterFlora(webhookRun(parameters), AFTER);

	async function waitingThenTimedOut(parameters: Record<string, unknown>, ...items: string[]) {
		execution = await startWaitingExecution(withNodeAfter(parameters), {
			credentials: credentials(),
			triggerItems: prompts(...items),
		});
		expect((await execution.firstPart).status).toBe('waiting');
		return await execution.expireWait();
	}

	test('On Timeout "Return the Run": the execution goes on with each unfinished run marked timed_out, paired with its item', async () => {
		const result = await waitingThenTimedOut(
			{ options: { onTimeout: 'returnRun', timeout: 30 } },
			'a long one #duration:3600',
			'another #duration:3600',
		);

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json)).toEqual([
			expect.objectContaining({
				run_id: expect.stringMatching(/^run_/),
				technique_id: 'tech_every_output',
				status: expect.stringMatching(/^(pending|running)$/),
				timed_out: true,
			}),
			expect.objectContaining({ run_id: expect.stringMatching(/^run_/), timed_out: true }),
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const runs = items.map((item) => flora.sim.getRun(item.json.run_id as string)!);
		expect(runs.map((run) => run.inputs[0].value)).toEqual([
			'a long one #duration:3600',
			'another #duration:3600',
		]);
		expect(result.items(AFTER).map((item) => item.json.run_id)).toEqual(
			items.map((item) => item.json.run_id),
		);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBe(0);
	});

	test('On Timeout "Fail": each unfinished run comes out as an error item that names it', async () => {
		const result = await waitingThenTimedOut(
			{ options: { timeout: 30 } },
			'a long one #duration:3600',
		);

		const [item] = result.items(FLORA_NODE);
		expect(item.json).toEqual({
			error: {
				message: expect.stringMatching(/^The FLORA run run_\S+ did not finish within 30 seconds$/),
				description: expect.stringContaining('Run → Get'),
				run_id: expect.stringMatching(/^run_/),
			},
		});
		const error = item.json.error as IDataObject;
		expect(error.message).toContain(error.run_id);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(result.items(AFTER)).toHaveLength(1);
	});

	test('On Timeout "Fail" with On Error "Continue (using error output)": the timed-out run goes to the error output', async () => {
		execution = await startWaitingExecution(
			withNodesAfterFlora(webhookRun({ options: { timeout: 30 } }), 'Completed', 'Failed'),
			{ credentials: credentials(), triggerItems: prompts('a long one #duration:3600') },
		);
		expect((await execution.firstPart).status).toBe('waiting');

		const result = await execution.expireWait();

		expect(result.nodes.Completed).toBeUndefined();
		const [failed] = result.items('Failed');
		expect(failed.json).toMatchObject({
			prompt: 'a long one #duration:3600',
			error: { message: expect.stringMatching(/did not finish within 30 seconds$/) },
		});
	});

	test('an item whose run could not start keeps its error item; the started run is passed on', async () => {
		const workflow = withNodeAfter({
			options: { onTimeout: 'returnRun', timeout: 30, concurrency: 1 },
		});
		workflow.nodes.find((node) => node.name === FLORA_NODE)!.onError = 'continueRegularOutput';
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 402,
			code: 'insufficient_credits',
			times: 1,
		});
		execution = await startWaitingExecution(workflow, {
			credentials: credentials(),
			triggerItems: prompts('not started #duration:3600', 'a long one #duration:3600'),
		});
		expect((await execution.firstPart).status).toBe('waiting');

		const result = await execution.expireWait();

		const items = result.items(FLORA_NODE);
		expect(items[0].json.error).toMatchObject({ error_code: 'insufficient_credits' });
		expect(items[0].json.run_id).toBeUndefined();
		expect(items[1].json).toMatchObject({
			run_id: expect.stringMatching(/^run_/),
			timed_out: true,
		});
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	test('a run that ended before the timeout is passed on like the others, for Run → Get to collect', async () => {
		execution = await startWaitingExecution(
			withNodeAfter({ options: { onTimeout: 'returnRun', timeout: 30 } }),
			{
				credentials: credentials(),
				triggerItems: prompts('quick #duration:4', 'slow #duration:3600'),
			},
		);
		await until(() => execution!.calls.length === 1);
		expect(execution.calls[0]).toMatchObject({ status: 202, resumed: false });

		const result = await execution.expireWait();

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.timed_out)).toEqual([true, true]);
		expect(flora.sim.getRun(items[0].json.run_id as string)!.status).toBe('completed');
	});

	test('FLORA’s callback after the timeout resumed the execution is refused and changes nothing', async () => {
		const result = await waitingThenTimedOut(
			{ options: { onTimeout: 'returnRun', timeout: 30 } },
			'ends soon after #duration:20',
		);
		expect(result.items(FLORA_NODE)[0].json.timed_out).toBe(true);

		await until(() => typeof flora.sim.webhookDeliveries[0]?.status === 'number');

		expect(flora.sim.webhookDeliveries[0].status).toBe(409);
		expect(execution!.calls.filter((call) => call.resumed)).toHaveLength(0);
	});
});

describe('callbacks that must not resume the execution', () => {
	async function waitingFor(prompt: string) {
		execution = await startWaitingExecution(webhookRun(), {
			credentials: credentials(),
			triggerItems: prompts(prompt),
		});
		const firstPart = await execution.firstPart;
		expect(firstPart.status).toBe('waiting');
		const create = flora.sim.requests.find((request) => request.method === 'POST')!;
		// The resume URL FLORA was given is public; the test posts to the listener itself.
		return loopbackUrl((create.body as { callback_url: string }).callback_url);
	}

	const body = JSON.stringify({
		id: 'whd_forged',
		type: 'run.completed',
		api_version: '2026-06-11',
		created_at: Date.now(),
		data: {
			run_id: 'run_forged',
			run_type: 'technique',
			workspace_id: 'ws_sim_studio',
			status: 'completed',
		},
	});
	const post = (url: string, payload: string, signature?: string) =>
		axios.post(url, payload, {
			headers: {
				'content-type': 'application/json',
				...(signature ? { 'flora-signature': signature } : {}),
			},
			validateStatus: () => true,
		});

	test.each([
		['no signature', () => undefined],
		['a signature made with another secret', () => sign(body, undefined, 'whsec_someone_else')],
		['a signature ten minutes old', () => sign(body, Math.floor(Date.now() / 1000) - 600)],
		['a body changed after signing', () => sign(body.replace('run_forged', 'run_other'))],
	])('%s is answered 401 and the execution keeps waiting', async (_name, signature) => {
		const url = await waitingFor('a long one #duration:3600');

		const answer = await post(url, body, signature());

		expect(answer.status).toBe(401);
		expect(execution!.calls).toEqual([expect.objectContaining({ status: 401, resumed: false })]);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBe(0);
	});

	test('a delivery replayed while another run is still going is answered and resumes nothing', async () => {
		execution = await startWaitingExecution(webhookRun(), {
			credentials: credentials(),
			triggerItems: prompts('quick #duration:4', 'slow #duration:3600'),
		});
		await until(() => typeof flora.sim.webhookDeliveries[0]?.status === 'number');
		const delivery = flora.sim.webhookDeliveries[0];
		expect(delivery.status).toBe(202);

		const answer = await axios.post(delivery.deliveredTo!, delivery.body, {
			headers: delivery.headers as Record<string, string>,
			validateStatus: () => true,
		});

		expect(answer.status).toBe(202);
		expect(answer.data).toEqual({ received: true, waiting: true });
		expect(execution.calls.map((call) => call.resumed)).toEqual([false, false]);
	});

	test('a replayed delivery after the resume starts nothing again', async () => {
		await waitingFor('quick');
		await execution!.final;
		await until(() => flora.sim.webhookDeliveries.length > 0);
		const delivery = flora.sim.webhookDeliveries[0];

		const answer = await axios.post(delivery.deliveredTo!, delivery.body, {
			headers: delivery.headers as Record<string, string>,
			validateStatus: () => true,
		});

		expect(answer.status).toBe(409);
		expect(execution!.calls.filter((call) => call.resumed)).toHaveLength(1);
	});
});

describe('waiting by webhook is refused before any run starts when FLORA could not call back', () => {
	test('without a webhook signing secret', async () => {
		const result = await runWorkflow(webhookRun(), {
			credentials: credentials({ webhookSecret: '' }),
			triggerItems: prompts('a vase'),
		});

		expect(result.nodes[FLORA_NODE].error!.message).toBe(
			'Waiting by webhook needs the webhook signing secret',
		);
		expect(flora.sim.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
	});

	test.each(['http://127.0.0.1:5678/webhook-waiting', 'http://n8n.flora.test/webhook-waiting'])(
		'when n8n’s resume URL is not HTTPS (%s)',
		async (webhookWaitingBaseUrl) => {
			const result = await runWorkflow(webhookRun(), {
				credentials: credentials(),
				triggerItems: prompts('a vase'),
				webhookWaitingBaseUrl,
			});

			const error = result.nodes[FLORA_NODE].error!;
			expect(error.message).toBe('FLORA cannot call this n8n back: its resume URL is not HTTPS');
			expect(error.description).toContain('WEBHOOK_URL');
			expect(flora.sim.requests).toHaveLength(0);
		},
	);

	test.each([
		['https://localhost:5678/webhook-waiting', 'localhost'],
		['https://127.0.0.1/webhook-waiting', '127.0.0.1'],
		['https://[::1]:5678/webhook-waiting', '[::1]'],
		['https://10.1.2.3/webhook-waiting', '10.1.2.3'],
		['https://192.168.0.10/webhook-waiting', '192.168.0.10'],
		['https://169.254.169.254/webhook-waiting', '169.254.169.254'],
		['https://n8n.localhost/webhook-waiting', 'n8n.localhost'],
	])(
		'when n8n’s resume URL is HTTPS but points to a local or private host (%s)',
		async (webhookWaitingBaseUrl, host) => {
			const result = await runWorkflow(webhookRun(), {
				credentials: credentials(),
				triggerItems: prompts('a vase'),
				webhookWaitingBaseUrl,
			});

			const error = result.nodes[FLORA_NODE].error!;
			expect(error.message).toBe(
				`FLORA cannot call this n8n back: its resume URL points to ${host}`,
			);
			expect(error.description).toContain('WEBHOOK_URL');
			expect(flora.sim.requests).toHaveLength(0);
		},
	);
});

describe('the webhook lifecycle', () => {
	test('registers nothing: FLORA has no webhook API, so checkExists, create and delete succeed without touching n8n or FLORA', async () => {
		const { nodeTypes } = await loadPackage();
		const node = nodeTypes.getByName('n8n-nodes-flora.floraTechnique') as INodeType;
		const methods = node.webhookMethods?.default;
		expect(Object.keys(methods ?? {}).sort()).toEqual(['checkExists', 'create', 'delete']);
		// Any use of the hook context (a request, a parameter, static data) would throw here.
		const untouchable = new Proxy({} as IHookFunctions, {
			get: (_target, key) => {
				throw new Error(`the lifecycle read ${String(key)}`);
			},
		});
		const before = flora.sim.requests.length;
		await expect(methods!.checkExists.call(untouchable)).resolves.toBe(true);
		await expect(methods!.create.call(untouchable)).resolves.toBe(true);
		await expect(methods!.delete.call(untouchable)).resolves.toBe(true);
		expect(flora.sim.requests).toHaveLength(before);
	});
});
