/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
import axios from 'axios';
import { createHmac } from 'node:crypto';
import type { IDataObject, INodeParameters, IWorkflowBase } from 'n8n-workflow';

import { verifyFloraSignature } from '../nodes/shared/flora/webhookSignature';
import type { FloraSimulator } from '../simulator';
import { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET } from '../simulator';
import { loadWorkflow, useSimulator } from './harness/flora';
import type { WebhookDelivery, WebhookReceiver } from './harness/webhooks';
import { startWebhookReceiver } from './harness/webhooks';

// Retries of a refused callback come after 10 ms, 60 ms and 300 ms; a 5 s run takes 5 ms.
const flora = useSimulator({ timeScale: 1000 });

const TRIGGER = 'FLORA Trigger';
const AFTER_TRIGGER = 'Received';
const OUTPUT_TYPES = ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'];

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
	await Promise.all(receivers.splice(0).map(async (receiver) => await receiver.close()));
});

function triggerWorkflow(parameters: INodeParameters = {}): IWorkflowBase {
	const workflow = loadWorkflow('trigger-flora.json');
	const node = workflow.nodes.find((candidate) => candidate.name === TRIGGER)!;
	node.parameters = { ...node.parameters, ...parameters };
	return workflow;
}

async function receiver(
	sim: FloraSimulator,
	parameters: INodeParameters = {},
	webhookSecret = DEFAULT_WEBHOOK_SECRET,
) {
	const started = await startWebhookReceiver(triggerWorkflow(parameters), {
		floraApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl, webhookSecret },
	});
	receivers.push(started);
	return started;
}

async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value !== undefined && value !== false) return value;
		if (Date.now() > deadline) throw new Error('Timed out waiting');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const pause = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a run through FLORA's API itself, with the receiver as its callback. */
async function startRun(sim: FloraSimulator, callbackUrl: string, prompt = 'a vase on linen') {
	const answer = await axios.post(
		`${sim.baseUrl}/techniques/every-output-type/runs`,
		{
			inputs: [{ id: 'prompt', type: 'text', value: `${prompt} #duration:5` }],
			mode: 'async',
			callback_url: callbackUrl,
		},
		{ headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` }, validateStatus: () => true },
	);
	expect(answer.status).toBe(201);
	return answer.data.run_id as string;
}

/** What FLORA signs: hex HMAC-SHA256 of `<t>.<body>`, keyed with the secret as written. */
function sign(body: string, secret = DEFAULT_WEBHOOK_SECRET, t = Math.floor(Date.now() / 1000)) {
	return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

function eventBody(id = `whd_test${Math.random().toString(36).slice(2, 12)}`): string {
	return JSON.stringify({
		id,
		type: 'run.completed',
		api_version: '2026-06-11',
		created_at: Date.now(),
		data: {
			run_id: 'run_test0000000001',
			run_type: 'technique',
			workspace_id: 'ws_sim_studio',
			status: 'completed',
		},
	});
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
	return await axios.post(url, body, {
		headers: { 'Content-Type': 'application/json', ...headers },
		transformRequest: [(data: string) => data],
		validateStatus: () => true,
	});
}

/** The headers of a recorded delivery, as FLORA sent them (minus per-connection ones). */
function replayHeaders(delivery: WebhookDelivery): Record<string, string> {
	const skip = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
	return Object.fromEntries(
		Object.entries(delivery.headers)
			.filter(([name]) => !skip.has(name))
			.map(([name, value]) => [name, String(value)]),
	);
}

/** The statuses FLORA saw for its callback attempts, once it has seen an answer to each. */
async function answersFloraSaw(sim: FloraSimulator) {
	await waitFor(() => sim.webhookDeliveries.every((attempt) => attempt.status !== null));
	return sim.webhookDeliveries.map((attempt) => attempt.status);
}

async function executedItems(hook: WebhookReceiver) {
	await hook.idle();
	expect(hook.executions).toHaveLength(1);
	expect(hook.executions[0].status).toBe('success');
	return hook.executions[0].items(AFTER_TRIGGER).map((item) => item.json);
}

describe('FLORA Trigger: genuine deliveries from FLORA', () => {
	test('a signed run.completed callback starts exactly one execution with the event, the run id and the run’s outputs', async () => {
		const hook = await receiver(flora.sim);
		const runId = await startRun(flora.sim, hook.publicUrl);

		await waitFor(() => hook.deliveries.length === 1);
		const items = await executedItems(hook);
		expect(hook.deliveries[0]).toMatchObject({ status: 200, executed: true });
		expect(await answersFloraSaw(flora.sim)).toEqual([200]);

		expect(items).toHaveLength(1);
		const item = items[0];
		expect(item).toMatchObject({
			event: 'run.completed',
			delivery_id: flora.sim.webhookDeliveries[0].deliveryId,
			created_at: expect.any(Number),
			run_id: runId,
			run_type: 'technique',
			status: 'completed',
			workspace_id: 'ws_sim_studio',
		});
		expect(item).not.toHaveProperty('run_error');
		const run = item.run as IDataObject;
		expect(run).toMatchObject({
			run_id: runId,
			status: 'completed',
			technique_id: 'tech_every_output',
		});
		const outputs = run.outputs as IDataObject[];
		expect(outputs.map((output) => output.type)).toEqual(OUTPUT_TYPES);
		expect(outputs.map((output) => output.url ?? output.text)).toEqual(
			flora.sim.getRun(runId)!.outputs!.map((output) => output.url),
		);
		const text = outputs.find((output) => output.type === 'text')!;
		expect(text).not.toHaveProperty('url');

		// The key went to FLORA's API, and nowhere in the item.
		const reads = flora.sim.requests.filter((request) => request.method === 'GET');
		// One read by the run's id (FLORA's run-by-id route), instead of searching the history.
		expect(reads.map((request) => request.route)).toEqual(['GET /runs/{runId}']);
		for (const request of reads) {
			expect(request.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
		}
		expect(JSON.stringify(hook.executions[0].run.data)).not.toContain(DEFAULT_API_KEY);
	});

	test('a run.failed callback carries FLORA’s error code and message, and the run read shows the failure', async () => {
		const hook = await receiver(flora.sim);
		const runId = await startRun(flora.sim, hook.publicUrl, 'a vase #fail:safety_blocked');

		await waitFor(() => hook.deliveries.length === 1);
		const [item] = await executedItems(hook);
		expect(item).toMatchObject({
			event: 'run.failed',
			run_id: runId,
			status: 'failed',
			error_code: 'safety_blocked',
			error_message: expect.any(String),
		});
		expect(item.run).toMatchObject({
			run_id: runId,
			status: 'failed',
			error_code: 'safety_blocked',
		});
		expect((item.run as IDataObject).outputs).toEqual([]);
	});

	test('without Include Run Outputs the item is the event alone and FLORA’s API is not called', async () => {
		const hook = await receiver(flora.sim, { includeRun: false });
		const runId = await startRun(flora.sim, hook.publicUrl);

		await waitFor(() => hook.deliveries.length === 1);
		const [item] = await executedItems(hook);
		expect(item).toMatchObject({ event: 'run.completed', run_id: runId, status: 'completed' });
		expect(item).not.toHaveProperty('run');
		expect(flora.sim.requests).toHaveLength(1); // the run create of the test itself
	});

	test('a delivery repeated with the same Flora-Webhook-Id is acknowledged with 2xx and starts no second execution', async () => {
		const hook = await receiver(flora.sim);
		await startRun(flora.sim, hook.publicUrl);
		await waitFor(() => hook.deliveries.length === 1);
		await hook.idle();
		expect(hook.executions).toHaveLength(1);

		const first = hook.deliveries[0];
		const again = await post(hook.url, first.body, replayHeaders(first));

		expect(again.status).toBe(200);
		expect(again.data).toEqual({ received: true, duplicate: true });
		await hook.idle();
		expect(hook.deliveries[1]).toMatchObject({ status: 200, executed: false });
		expect(hook.executions).toHaveLength(1);
	});

	test('an accepted delivery is answered with a small JSON answer, not n8n’s "firstEntryJson"', async () => {
		const hook = await receiver(flora.sim);
		await startRun(flora.sim, hook.publicUrl);
		await waitFor(() => hook.deliveries.length === 1);
		await hook.idle();

		expect(hook.deliveries[0]).toMatchObject({ status: 200, executed: true });
		expect(hook.deliveries[0].response).toEqual({ received: true });
	});

	test('several distinct deliveries, then each replayed: every replay starts nothing, as n8n 2.41 saves static data', async () => {
		const hook = await receiver(flora.sim, { includeRun: false });
		const bodies = ['whd_one', 'whd_two', 'whd_three'].map((id) => eventBody(id));
		for (const body of bodies) {
			expect((await post(hook.url, body, { 'Flora-Signature': sign(body) })).status).toBe(200);
			await hook.idle();
		}
		expect(hook.executions).toHaveLength(3);

		for (const body of [...bodies, ...bodies]) {
			const replay = await post(hook.url, body, { 'Flora-Signature': sign(body) });
			expect(replay.data).toEqual({ received: true, duplicate: true });
			await hook.idle();
		}

		expect(hook.executions).toHaveLength(3);
		expect(hook.staticData()).toEqual({ deliveryIds: ['whd_one', 'whd_two', 'whd_three'] });
	});

	test('four copies of one delivery arriving at the same moment start one execution', async () => {
		const hook = await receiver(flora.sim, { includeRun: false });
		const body = eventBody('whd_burst');

		const answers = await Promise.all(
			[1, 2, 3, 4].map(async () => await post(hook.url, body, { 'Flora-Signature': sign(body) })),
		);
		await hook.idle();

		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
		expect(hook.executions).toHaveLength(1);
		expect(answers.filter((answer) => answer.data.duplicate === true)).toHaveLength(3);
	});

	test('an event that is not selected (only Run Failed) is acknowledged with 2xx, not retried, and starts nothing', async () => {
		const hook = await receiver(flora.sim, { events: ['run.failed'] });
		await startRun(flora.sim, hook.publicUrl);

		await waitFor(() => hook.deliveries.length === 1);
		await pause(100); // a refused attempt would be retried after 10 ms
		await hook.idle();
		expect(hook.deliveries[0]).toMatchObject({ status: 200, executed: false });
		expect(hook.deliveries[0].response).toEqual({ received: true, ignored: 'run.completed' });
		expect(await answersFloraSaw(flora.sim)).toEqual([200]);
		expect(hook.executions).toHaveLength(0);
	});
});

describe('FLORA Trigger: calls FLORA did not sign start nothing', () => {
	/** After each refusal, the same body signed now is accepted: only the forgery made the difference. */
	async function expectAcceptedWhenSignedProperly(hook: WebhookReceiver, body: string) {
		const genuine = await post(hook.url, body, { 'Flora-Signature': sign(body) });
		expect(genuine.status).toBe(200);
		await hook.idle();
		expect(hook.executions).toHaveLength(1);
	}

	async function expectRefused(hook: WebhookReceiver, answer: { status: number; data: unknown }) {
		expect(answer.status).toBe(401);
		await hook.idle();
		expect(hook.deliveries.at(-1)).toMatchObject({ status: 401, executed: false });
		expect(hook.executions).toHaveLength(0);
	}

	test('a call without a Flora-Signature header is refused with 401', async () => {
		const hook = await receiver(flora.sim, { includeRun: false });
		const body = eventBody();

		await expectRefused(hook, await post(hook.url, body));
		await expectAcceptedWhenSignedProperly(hook, body);
	});

	test('a call signed with another secret is refused with 401', async () => {
		const hook = await receiver(flora.sim, { includeRun: false });
		const body = eventBody();

		const forged = await post(hook.url, body, {
			'Flora-Signature': sign(body, 'whsec_not_the_workspace_secret'),
		});
		await expectRefused(hook, forged);
		expect(forged.data).toEqual({ message: 'The Flora-Signature does not match the body' });
		await expectAcceptedWhenSignedProperly(hook, body);
	});

	test('a correctly signed call whose timestamp is 10 minutes old is refused with 401', async () => {
		const hook = await receiver(flora.sim, { includeRun: false });
		const body = eventBody();
		const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;

		const stale = await post(hook.url, body, {
			'Flora-Signature': sign(body, DEFAULT_WEBHOOK_SECRET, tenMinutesAgo),
		});
		await expectRefused(hook, stale);
		expect(stale.data).toEqual({
			message: 'The Flora-Signature timestamp is too old or in the future',
		});
		await expectAcceptedWhenSignedProperly(hook, body);
	});

	test('a body changed after FLORA signed it is refused with 401', async () => {
		const hook = await receiver(flora.sim, { includeRun: false });
		await startRun(flora.sim, hook.publicUrl);
		await waitFor(() => hook.deliveries.length === 1);
		await hook.idle();
		expect(hook.executions).toHaveLength(1);

		const original = hook.deliveries[0];
		const event = JSON.parse(original.body);
		event.id = 'whd_tampered0000000001';
		event.type = 'run.failed';
		event.data.status = 'failed';
		const tampered = await post(hook.url, JSON.stringify(event), replayHeaders(original));

		expect(tampered.status).toBe(401);
		await hook.idle();
		expect(hook.deliveries[1]).toMatchObject({ status: 401, executed: false });
		expect(hook.executions).toHaveLength(1);
	});

	test('without a webhook secret in the credential every call is refused with 401, FLORA’s retries too', async () => {
		const hook = await receiver(flora.sim, {}, '');
		await startRun(flora.sim, hook.publicUrl);

		await waitFor(() => flora.sim.webhookDeliveries.length === 4 && hook.deliveries.length === 4);
		await hook.idle();
		expect(hook.deliveries.map((delivery) => delivery.status)).toEqual([401, 401, 401, 401]);
		expect(hook.deliveries.every((delivery) => !delivery.executed)).toBe(true);
		expect(await answersFloraSaw(flora.sim)).toEqual([401, 401, 401, 401]);
		expect(hook.deliveries[0].response).toEqual({
			message: expect.stringContaining('set the Webhook Signing Secret'),
		});
		expect(hook.executions).toHaveLength(0);
		expect(flora.sim.countRequests('GET /technique-runs')).toBe(0);
	});
});

describe('verifyFloraSignature', () => {
	const body = eventBody('whd_unit0000000001');
	const now = Date.now();
	const t = Math.floor(now / 1000);
	const digest = (secret: string, payload = body, at = t) =>
		createHmac('sha256', secret).update(`${at}.${payload}`).digest('hex');

	test('a header with several v1 values is valid when one of them matches, whatever its place', () => {
		const good = digest(DEFAULT_WEBHOOK_SECRET);
		const other = digest('whsec_rotated_out');
		for (const header of [
			`t=${t},v1=${other},v1=${good}`,
			`t=${t},v1=${good},v1=${other}`,
			`t=${t}, v0=abc, v1=${other}, v1=${good}`,
		]) {
			expect(
				verifyFloraSignature({
					rawBody: body,
					signatureHeader: header,
					secret: DEFAULT_WEBHOOK_SECRET,
					now,
				}),
			).toEqual({ valid: true, timestamp: t });
		}
		expect(
			verifyFloraSignature({
				rawBody: body,
				signatureHeader: `t=${t},v1=${other},v1=${digest('whsec_another')}`,
				secret: DEFAULT_WEBHOOK_SECRET,
				now,
			}),
		).toEqual({ valid: false, reason: 'mismatch' });
	});

	test('malformed headers are reported as malformed, an absent or empty one as missing', () => {
		const good = digest(DEFAULT_WEBHOOK_SECRET);
		const check = (signatureHeader: string | undefined) =>
			verifyFloraSignature({ rawBody: body, signatureHeader, secret: DEFAULT_WEBHOOK_SECRET, now });
		for (const header of [
			`v1=${good}`, // no timestamp
			`t=${t}`, // no signature
			`t=soon,v1=${good}`, // timestamp not a number
			`t=${t},v1=not-hex`, // signature not hex
			`t=${t},v1=${good.slice(0, 40)}`, // signature too short
			`t=${t},t=${t},v1=${good}`, // two timestamps
			'garbage',
		]) {
			expect(check(header)).toEqual({ valid: false, reason: 'malformed' });
		}
		expect(check(undefined)).toEqual({ valid: false, reason: 'missing' });
		expect(check('  ')).toEqual({ valid: false, reason: 'missing' });
	});

	test('the secret keys the HMAC as written, whsec_ prefix included, not base64-decoded', () => {
		const decodedKey = Buffer.from(DEFAULT_WEBHOOK_SECRET.slice('whsec_'.length), 'base64');
		const withDecodedKey = createHmac('sha256', decodedKey).update(`${t}.${body}`).digest('hex');
		const verify = (signature: string) =>
			verifyFloraSignature({
				rawBody: Buffer.from(body),
				signatureHeader: `t=${t},v1=${signature}`,
				secret: DEFAULT_WEBHOOK_SECRET,
				now,
			});
		expect(verify(digest(DEFAULT_WEBHOOK_SECRET))).toEqual({ valid: true, timestamp: t });
		expect(verify(withDecodedKey)).toEqual({ valid: false, reason: 'mismatch' });
	});

	test('timestamps beyond the tolerance, past or future, are stale; within it they verify', () => {
		const at = (offsetSeconds: number, toleranceSeconds?: number) =>
			verifyFloraSignature({
				rawBody: body,
				signatureHeader: `t=${t + offsetSeconds},v1=${digest(DEFAULT_WEBHOOK_SECRET, body, t + offsetSeconds)}`,
				secret: DEFAULT_WEBHOOK_SECRET,
				now,
				toleranceSeconds,
			});
		expect(at(-300)).toEqual({ valid: true, timestamp: t - 300 });
		expect(at(-301)).toEqual({ valid: false, reason: 'stale' });
		expect(at(301)).toEqual({ valid: false, reason: 'stale' });
		expect(at(-30, 10)).toEqual({ valid: false, reason: 'stale' });
	});

	test('one byte changed in the body, or no secret, fails verification', () => {
		const header = `t=${t},v1=${digest(DEFAULT_WEBHOOK_SECRET)}`;
		expect(
			verifyFloraSignature({
				rawBody: `${body} `,
				signatureHeader: header,
				secret: DEFAULT_WEBHOOK_SECRET,
				now,
			}),
		).toEqual({ valid: false, reason: 'mismatch' });
		expect(
			verifyFloraSignature({ rawBody: body, signatureHeader: header, secret: '', now }),
		).toEqual({
			valid: false,
			reason: 'no-secret',
		});
	});
});
