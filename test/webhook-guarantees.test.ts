/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Wait By: Webhook under faults and at scale: one failed read never loses the execution, reads
 * grow linearly with the items, the execution resumes once, and a failed run stops the node
 * the way polling does.
 */
import axios from 'axios';
import { createHmac } from 'node:crypto';

import { DEFAULT_WEBHOOK_SECRET } from '../simulator';
import {
	FLORA_NODE,
	READ_RUN_ROUTE,
	RUN_ROUTE,
	prompts,
	runTechniqueWorkflow,
	technique,
	textInput,
	useSimulator,
	withNodesAfterFlora,
	webhookCredentials,
} from './harness/flora';
import { loopbackUrl } from './harness/publicHost';
import type { WaitingExecution } from './harness/waiting';
import { startWaitingExecution } from './harness/waiting';

const flora = useSimulator({ timeScale: 20 });
const HISTORY_ROUTE = 'GET /technique-runs';

const credentials = () => webhookCredentials(flora.sim);

const webhookRun = (options: Record<string, unknown> = {}) =>
	runTechniqueWorkflow({
		technique: technique('every-output-type'),
		inputs: textInput('={{ $json.prompt }}'),
		waitMode: 'webhook',
		options: { outputLayout: 'perRun', ...options },
	});

let execution: WaitingExecution | undefined;
afterEach(async () => {
	await execution?.close();
	execution = undefined;
});

function signed(body: string) {
	const t = Math.floor(Date.now() / 1000);
	const v1 = createHmac('sha256', DEFAULT_WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex');
	return { 'content-type': 'application/json', 'flora-signature': `t=${t},v1=${v1}` };
}

async function until(condition: () => boolean, limitMs = 20_000) {
	const start = Date.now();
	while (!condition()) {
		if (Date.now() - start > limitMs) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('one failed read never ends the execution', () => {
	test('a callback whose history read fails is answered 503; FLORA delivers again and every run’s results arrive', async () => {
		execution = await startWaitingExecution(webhookRun(), {
			credentials: credentials(),
			triggerItems: prompts('first #duration:4', 'second #duration:20'),
		});
		await execution.firstPart;
		// The callbacks find FLORA's history failing for longer than a callback may wait (6 s).
		flora.sim.injectFault({
			route: HISTORY_ROUTE,
			kind: 'status',
			status: 503,
			code: 'service_unavailable',
			headers: { 'retry-after-ms': '1000' },
			times: 20,
		});

		const final = await execution.final;

		expect(final.status).toBe('success');
		expect(execution.calls.some((call) => call.status === 503)).toBe(true);
		const items = final.items(FLORA_NODE);
		expect(items.map((item) => item.json.status)).toEqual(['completed', 'completed']);
		expect(execution.calls.filter((call) => call.resumed)).toHaveLength(1);
	});

	test('the run history failing while the ended runs are collected is waited out', async () => {
		execution = await startWaitingExecution(webhookRun(), {
			credentials: credentials(),
			triggerItems: prompts('only #duration:4'),
		});
		await execution.firstPart;
		// A single run: its own callback resumes at once; the collection then meets the faults.
		flora.sim.injectFault({ route: HISTORY_ROUTE, kind: 'drop', times: 3 });
		flora.sim.injectFault({
			route: HISTORY_ROUTE,
			kind: 'status',
			status: 500,
			code: 'unknown_error',
			headers: { 'retry-after-ms': '50' },
			times: 4,
		});

		const final = await execution.final;

		expect(final.status).toBe('success');
		expect(final.items(FLORA_NODE)[0].json).toMatchObject({ status: 'completed' });
	});
});

describe('reads grow linearly with the items, and the execution resumes once', () => {
	test('60 items: at most 3 requests per run in all, create included, and one resume', async () => {
		const count = 60;
		execution = await startWaitingExecution(webhookRun({ concurrency: 20 }), {
			credentials: credentials(),
			triggerItems: prompts(
				...Array.from(
					{ length: count },
					(_, index) => `item ${index} #duration:${4 + (index % 7)}`,
				),
			),
		});

		const final = await execution.final;

		expect(final.status).toBe('success');
		expect(final.items(FLORA_NODE)).toHaveLength(count);
		// The technique is read once; every other request is a create, a history read or a run read.
		const requests = flora.sim.requests.filter(
			(request) => request.route !== 'GET /techniques/{techniqueId}',
		);
		expect(flora.sim.countRequests(RUN_ROUTE)).toBe(count);
		expect(requests.length).toBeLessThanOrEqual(3 * count);
		expect(flora.sim.countRequests(READ_RUN_ROUTE)).toBe(0);
		expect(execution.calls.filter((call) => call.resumeAsked)).toHaveLength(1);
	});

	test('runs that end at the same moment: their callbacks arrive together, and the node asks to resume once', async () => {
		execution = await startWaitingExecution(webhookRun({ concurrency: 4 }), {
			credentials: credentials(),
			triggerItems: prompts('a', 'b', 'c', 'd'),
		});
		await execution.firstPart;
		await until(() => flora.sim.webhookDeliveries.length >= 4);

		const final = await execution.final;
		await until(() => execution!.calls.length >= 4);

		expect(final.status).toBe('success');
		expect(execution.calls.filter((call) => call.resumeAsked)).toHaveLength(1);
		// Calls that come once the execution runs again are refused by n8n itself (409), not by the node.
		expect(
			execution.calls.every(
				(call) => (call.status >= 200 && call.status < 300) || call.status === 409,
			),
		).toBe(true);
	});

	/** An execution waiting for a run of an hour; answers its resume URL. */
	async function waitingResumeUrl() {
		execution = await startWaitingExecution(webhookRun(), {
			credentials: credentials(),
			triggerItems: prompts('long #duration:3600'),
		});
		await execution.firstPart;
		const [create] = flora.sim.requests.filter((request) => request.route === RUN_ROUTE);
		// The resume URL FLORA was given is public; the test posts to the listener itself.
		return loopbackUrl((create.body as { callback_url: string }).callback_url);
	}

	test('a signed body that is not a FLORA event is answered 400 without reading FLORA', async () => {
		const url = await waitingResumeUrl();
		const before = flora.sim.requests.length;
		const body = JSON.stringify({ hello: 'world' });

		const answer = await axios.post(url, body, {
			headers: signed(body),
			validateStatus: () => true,
		});

		expect(answer.status).toBe(400);
		expect(flora.sim.requests.length).toBe(before);
		expect(execution!.calls.map((call) => call.resumed)).toEqual([false]);
	});

	test('a signed event about a run this execution did not start is answered 200 without reading FLORA', async () => {
		const url = await waitingResumeUrl();
		const before = flora.sim.requests.length;
		const body = JSON.stringify({
			id: 'whd_stranger',
			type: 'run.completed',
			api_version: '2026-06-11',
			created_at: Date.now(),
			data: { run_id: 'run_someone_else', run_type: 'technique', status: 'completed' },
		});

		const answer = await axios.post(url, body, {
			headers: signed(body),
			validateStatus: () => true,
		});

		expect(answer.status).toBe(200);
		expect(answer.data).toEqual({ received: true, ignored: 'unknown_run' });
		expect(flora.sim.requests.length).toBe(before);
	});
});

describe('a failed run ends the execution the way polling does', () => {
	test('without Continue On Fail: the node is in error, nothing after it runs, and FLORA’s callbacks got 2xx', async () => {
		const workflow = withNodesAfterFlora(webhookRun(), 'After FLORA');
		execution = await startWaitingExecution(workflow, {
			credentials: credentials(),
			triggerItems: prompts('fine #duration:4', 'bad #fail:provider_error #duration:6'),
		});

		const final = await execution.final;

		expect(final.status).toBe('error');
		expect(final.nodes[FLORA_NODE].error?.message).toMatch(/^The FLORA run run_\S+ failed/);
		expect(final.nodes['After FLORA']).toBeUndefined();
		// The earlier nodes' run data is kept.
		expect(Object.keys(final.nodes)).toContain('When clicking ‘Execute workflow’');
		await until(() => flora.sim.webhookDeliveries.every((delivery) => delivery.status !== null));
		expect(flora.sim.webhookDeliveries.map((delivery) => delivery.status)).toEqual([202, 200]);
	});

	test('with On Error "Continue (using error output)": the failed run goes to the error output, the other to the success output', async () => {
		const workflow = withNodesAfterFlora(webhookRun(), 'Succeeded', 'Failed');
		execution = await startWaitingExecution(workflow, {
			credentials: credentials(),
			triggerItems: prompts('fine #duration:4', 'bad #fail:provider_error #duration:6'),
		});

		const final = await execution.final;

		expect(final.status).toBe('success');
		expect(final.items('Succeeded').map((item) => item.json.status)).toEqual(['completed']);
		const [failed] = final.items('Failed');
		expect(failed.json.error).toMatchObject({
			run_id: expect.stringMatching(/^run_/),
			error_code: 'provider_error',
		});
	});
});
