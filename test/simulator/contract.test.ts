/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Contract test: drives every operation and every reachable status through the simulator
 * and validates each answer against flora-openapi.json (response schema per operation and
 * status), every webhook body against WebhookEvent, and the route table against the spec.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AxiosResponse } from 'axios';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
	Contract,
	DEFAULT_API_KEY,
	ROUTE_KEYS,
	VIEWER_API_KEY,
	startSimulator,
	type Simulator,
} from '../../simulator';
import { specRouteKeys } from '../../simulator/spec';
import { api, pollRun, textInput, waitFor, type Json } from './helpers';
import { LOOPBACK_CALLBACKS, publicUrl } from '../harness/publicHost';

/**
 * Documented in ../shared/flora-api.md but absent from the official spec: these error codes
 * (and the 422/503 statuses) are answered by FLORA and by the simulator. They are checked
 * against the Error envelope with the code enum extended by exactly this list.
 */
const DOCUMENTED_EXTENSION_CODES = [
	'conflict',
	'idempotency_conflict',
	'internal_error',
	'service_unavailable',
];
const DOCUMENTED_EXTENSION_STATUSES = [422, 503];

let sim: Simulator;
let contract: Contract;
let extendedError: ReturnType<InstanceType<typeof Ajv2020>['compile']>;
const reached = new Map<string, Set<number>>();
const failures: string[] = [];
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({ timeScale: 200, callbackHosts: LOOPBACK_CALLBACKS });
	contract = sim.contract;
	const errSchema: Json = JSON.parse(JSON.stringify(contract.spec.components.schemas.Error));
	errSchema.properties.error.properties.code.enum.push(...DOCUMENTED_EXTENSION_CODES);
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	addFormats(ajv);
	extendedError = ajv.compile(errSchema);
	receiver = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push(body);
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
	receiverUrl = publicUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
});

afterAll(async () => {
	await sim.close();
	await new Promise((r) => receiver.close(r));
});

/** Validate one answer against the spec for its operation and status; remember the status as reached. */
function check(resp: AxiosResponse, expectedStatus: number, expectedCode?: string): Json {
	expect(resp.status).toBe(expectedStatus);
	const requestId = resp.headers['request-id'];
	expect(requestId).toMatch(/^req_[0-9a-f]+$/);
	const rec = sim.requests.find((r) => r.requestId === requestId);
	expect(rec).toBeDefined();
	const route = rec!.route ?? 'unmatched';
	const body = resp.data;
	if (expectedCode) expect(body.error.code).toBe(expectedCode);
	const isExtension =
		resp.status >= 400 &&
		(DOCUMENTED_EXTENSION_STATUSES.includes(resp.status) ||
			DOCUMENTED_EXTENSION_CODES.includes(body?.error?.code));
	if (isExtension) {
		if (
			!DOCUMENTED_EXTENSION_CODES.includes(body?.error?.code) &&
			!contract.responseValidator(route, resp.status)
		) {
			failures.push(`${route} ${resp.status}: undocumented status with code ${body?.error?.code}`);
		}
		if (!extendedError(body))
			failures.push(`${route} ${resp.status} (extension): ${JSON.stringify(extendedError.errors)}`);
	} else {
		const v = contract.responseValidator(route, resp.status);
		if (!v) failures.push(`${route}: status ${resp.status} is not declared by the spec`);
		else if (!v(body))
			failures.push(
				`${route} ${resp.status}: ${Contract.describe(v)} — ${JSON.stringify(body).slice(0, 300)}`,
			);
	}
	if (!reached.has(route)) reached.set(route, new Set());
	reached.get(route)!.add(resp.status);
	return body;
}

const RUN_BODY = { inputs: [textInput('prompt', 'a lighthouse at dusk')], mode: 'async' };

test('the route table covers exactly the spec paths and methods', () => {
	expect([...ROUTE_KEYS].sort()).toEqual(specRouteKeys(contract.spec).sort());
});

test('every operation and every reachable status answers bodies that match the spec', async () => {
	const owner = api(sim);
	const viewer = api(sim, VIEWER_API_KEY);
	const anon = api(sim, null);
	const bad = api(sim, 'sk_live_not_a_real_key');

	// ---- GET /techniques
	const page1 = check(await owner.get('/techniques'), 200);
	check(await owner.get('/techniques', { params: { cursor: page1.meta.next_cursor } }), 200);
	check(
		await owner.get('/techniques', {
			params: { query: 'video', workspace_id: 'ws_sim_studio', limit: 3 },
		}),
		200,
	);
	check(await owner.get('/techniques', { params: { limit: 0 } }), 400, 'input_validation_error');
	check(await anon.get('/techniques'), 401, 'unauthorized');
	check(await bad.get('/techniques'), 401, 'invalid_api_key');
	check(
		await owner.get('/techniques', { params: { workspace_id: 'ws_someone_else' } }),
		404,
		'not_found',
	);

	// ---- GET /techniques/{techniqueId}
	check(await owner.get('/techniques/product-shot'), 200);
	check(await owner.get('/techniques/tech_product_shot'), 200);
	check(await owner.get('/techniques/tech_does_not_exist'), 404, 'not_found');
	check(await bad.get('/techniques/product-shot'), 401, 'invalid_api_key');

	// ---- POST /techniques/{techniqueId}/runs
	const created = check(
		await owner.post('/techniques/every-output-type/runs', {
			...RUN_BODY,
			callback_url: receiverUrl,
		}),
		201,
	);
	const stream = await owner.post(
		'/techniques/voiceover/runs',
		{ inputs: [textInput('script', 'hello')], mode: 'stream' },
		{ responseType: 'text' },
	);
	expect(stream.status).toBe(200);
	expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
	const runSchema = contract.responseValidator('POST /techniques/{techniqueId}/runs', 200)!;
	const events = String(stream.data)
		.split('\n\n')
		.filter((e) => e.startsWith('data: '))
		.map((e) => JSON.parse(e.slice(6)));
	expect(events.length).toBeGreaterThanOrEqual(2);
	for (const e of events)
		if (!runSchema(e)) failures.push(`stream snapshot: ${Contract.describe(runSchema)}`);
	reached.get('POST /techniques/{techniqueId}/runs')!.add(200);
	check(
		await owner.post('/techniques/every-output-type/runs', '{"inputs": [', {
			headers: { 'content-type': 'application/json' },
			transformRequest: [(d) => d],
		}),
		400,
		'invalid_json',
	);
	check(
		await owner.post('/techniques/every-output-type/runs', { inputs: [], mode: 'async' }),
		400,
		'input_validation_error',
	);
	check(await anon.post('/techniques/every-output-type/runs', RUN_BODY), 401, 'unauthorized');
	check(await viewer.post('/techniques/every-output-type/runs', RUN_BODY), 403, 'forbidden');
	check(await owner.post('/techniques/archived-campaign/runs', RUN_BODY), 403, 'forbidden');
	check(await owner.post('/techniques/no-such-technique/runs', RUN_BODY), 404, 'not_found');
	const keyed = { ...RUN_BODY, idempotency_key: 'contract-key-1' };
	check(await owner.post('/techniques/every-output-type/runs', keyed), 201);
	check(
		await owner.post('/techniques/every-output-type/runs', keyed),
		409,
		'idempotency_duplicate',
	);
	check(
		await owner.post('/techniques/every-output-type/runs', {
			...keyed,
			inputs: [textInput('prompt', 'something else')],
		}),
		422,
		'idempotency_conflict',
	);
	sim.setCredits(0.1);
	check(
		await owner.post('/techniques/every-output-type/runs', RUN_BODY),
		402,
		'insufficient_credits',
	);
	sim.setCredits(1000);
	sim.injectFault({
		route: 'POST /techniques/{techniqueId}/runs',
		kind: 'status',
		status: 500,
		code: 'internal_error',
	});
	check(await owner.post('/techniques/every-output-type/runs', RUN_BODY), 500, 'internal_error');
	sim.injectFault({
		route: 'POST /techniques/{techniqueId}/runs',
		kind: 'status',
		status: 503,
		code: 'service_unavailable',
	});
	check(
		await owner.post('/techniques/every-output-type/runs', RUN_BODY),
		503,
		'service_unavailable',
	);

	// ---- GET /techniques/{techniqueId}/runs/{runId}
	check(await owner.get(`/techniques/every-output-type/runs/${created.run_id}`), 200);
	check(await owner.get(`/runs/${created.run_id}`), 200);
	const done = await pollRun(owner, 'tech_every_output', created.run_id);
	expect(done.status).toBe('completed');
	check(await owner.get(`/techniques/tech_every_output/runs/${created.run_id}`), 200);
	check(await owner.get(`/techniques/voiceover/runs/${created.run_id}`), 404, 'not_found');
	check(await owner.get('/techniques/voiceover/runs/run_missing'), 404, 'not_found');
	check(
		await anon.get(`/techniques/every-output-type/runs/${created.run_id}`),
		401,
		'unauthorized',
	);
	const failed = check(
		await owner.post('/techniques/voiceover/runs', {
			inputs: [textInput('script', 'x #fail:safety_blocked')],
			mode: 'async',
		}),
		201,
	);
	expect((await pollRun(owner, 'voiceover', failed.run_id)).status).toBe('failed');
	check(await owner.get(`/techniques/voiceover/runs/${failed.run_id}`), 200);

	// ---- GET /runs/{runId}
	expect(check(await owner.get(`/runs/${created.run_id}`), 200).outputs).toContainEqual(
		expect.objectContaining({ type: 'text' }),
	);
	check(await owner.get(`/runs/${failed.run_id}`), 200);
	check(await viewer.get(`/runs/${failed.run_id}`), 200);
	check(await owner.get('/runs/not-a-run'), 400, 'input_validation_error');
	check(await owner.get('/runs/run_missing'), 404, 'not_found');
	check(await anon.get(`/runs/${failed.run_id}`), 401, 'unauthorized');
	check(await bad.get(`/runs/${failed.run_id}`), 401, 'invalid_api_key');
	sim.injectFault({
		route: 'GET /runs/{runId}',
		kind: 'status',
		status: 500,
		code: 'unknown_error',
	});
	check(await owner.get(`/runs/${failed.run_id}`), 500, 'unknown_error');

	// ---- GET /technique-runs
	const runs = check(await owner.get('/technique-runs', { params: { limit: 2 } }), 200);
	check(
		await owner.get('/technique-runs', { params: { limit: 2, cursor: runs.meta.next_cursor } }),
		200,
	);
	check(
		await owner.get('/technique-runs', {
			params: {
				workspace_id: 'ws_sim_studio',
				project_id: 'prj_sim_default',
				technique_id: 'tech_voiceover',
				status: 'failed',
			},
		}),
		200,
	);
	check(
		await owner.get('/technique-runs', { params: { status: 'done' } }),
		400,
		'input_validation_error',
	);
	check(
		await owner.get('/technique-runs', { params: { project_id: 'project-42' } }),
		500,
		'unknown_error',
	);
	check(
		await owner.get('/technique-runs', { params: { workspace_id: 'ws_nope' } }),
		404,
		'not_found',
	);
	check(await bad.get('/technique-runs'), 401, 'invalid_api_key');

	// ---- GET /workspaces
	check(await owner.get('/workspaces'), 200);
	check(await viewer.get('/workspaces'), 200);
	check(await anon.get('/workspaces'), 401, 'unauthorized');

	// ---- POST /assets
	const form = new FormData();
	form.append('workspace_id', 'ws_sim_studio');
	form.append(
		'file',
		new Blob([Buffer.from('%PDF-1.4\n%%EOF\n')], { type: 'application/pdf' }),
		'brief.pdf',
	);
	const direct = check(await owner.post('/assets', form), 201);
	const signed = check(
		await owner.post('/assets', {
			source: 'signed-url',
			workspace_id: 'ws_sim_studio',
			file_name: 'big.mp4',
			content_type: 'video/mp4',
		}),
		201,
	);
	check(
		await owner.post('/assets', {
			source: 'https://images.example.com/cat.png',
			workspace_id: 'ws_sim_studio',
		}),
		201,
	);
	check(
		await owner.post('/assets', {
			source: 'signed-url',
			workspace_id: 'ws_sim_studio',
			file_name: 'x.exe',
			content_type: 'application/x-msdownload',
		}),
		400,
		'input_validation_error',
	);
	check(
		await owner.post('/assets', 'not json', {
			headers: { 'content-type': 'text/plain' },
			transformRequest: [(d) => d],
		}),
		400,
		'invalid_json',
	);
	check(
		await anon.post('/assets', {
			source: 'signed-url',
			workspace_id: 'ws_sim_studio',
			content_type: 'image/png',
		}),
		401,
		'unauthorized',
	);
	check(
		await viewer.post('/assets', {
			source: 'signed-url',
			workspace_id: 'ws_sim_studio',
			content_type: 'image/png',
		}),
		403,
		'forbidden',
	);
	check(
		await owner.post('/assets', {
			source: 'signed-url',
			workspace_id: 'ws_other',
			content_type: 'image/png',
		}),
		404,
		'not_found',
	);
	const reserve = {
		source: 'signed-url',
		workspace_id: 'ws_sim_studio',
		file_name: 'a.png',
		content_type: 'image/png',
	};
	check(
		await owner.post('/assets', reserve, { headers: { 'Idempotency-Key': 'asset-key-1' } }),
		201,
	);
	check(
		await owner.post('/assets', reserve, { headers: { 'Idempotency-Key': 'asset-key-1' } }),
		409,
		'idempotency_duplicate',
	);
	check(
		await owner.post(
			'/assets',
			{ ...reserve, file_name: 'b.png' },
			{ headers: { 'Idempotency-Key': 'asset-key-1' } },
		),
		422,
		'idempotency_conflict',
	);
	sim.injectFault({ route: 'POST /assets', kind: 'status', status: 500, code: 'unknown_error' });
	check(await owner.post('/assets', reserve), 500, 'unknown_error');

	// ---- GET /assets/{assetId}
	check(await owner.get(`/assets/${direct.asset_id}`), 200);
	check(await owner.get(`/assets/${signed.asset_id}`), 200);
	check(await owner.get('/assets/asset_missing'), 404, 'not_found');
	check(await anon.get(`/assets/${direct.asset_id}`), 401, 'unauthorized');

	// ---- POST /assets/{assetId}/complete
	check(await owner.post(`/assets/${signed.asset_id}/complete`), 409, 'conflict'); // no bytes yet
	const up = new FormData();
	for (const [k, v] of Object.entries<string>(signed.upload.form_fields)) up.append(k, v);
	up.append('file', new Blob([Buffer.alloc(1000, 7)], { type: 'video/mp4' }), 'big.mp4');
	const upResp = await fetch(signed.upload.url, { method: 'POST', body: up });
	expect(upResp.status).toBe(204);
	check(await owner.post(`/assets/${signed.asset_id}/complete`), 200);
	check(await owner.post(`/assets/${signed.asset_id}/complete`), 409, 'conflict');
	check(await owner.post(`/assets/${direct.asset_id}/complete`), 409, 'conflict');
	check(await owner.post('/assets/asset_missing/complete'), 404, 'not_found');
	check(await viewer.post(`/assets/${signed.asset_id}/complete`), 403, 'forbidden');
	check(await anon.post(`/assets/${signed.asset_id}/complete`), 401, 'unauthorized');

	// ---- rate limiting on every route, with retry-after
	for (const route of ROUTE_KEYS) {
		sim.injectFault({
			route,
			kind: 'status',
			status: 429,
			code: 'rate_limited',
			headers: { 'retry-after': '2' },
		});
		const [method, template] = route.split(' ');
		const url = template
			.replace('{techniqueId}', 'voiceover')
			.replace('{runId}', failed.run_id)
			.replace('{assetId}', signed.asset_id);
		const r = method === 'GET' ? await owner.get(url) : await owner.post(url, {});
		check(r, 429, 'rate_limited');
		expect(r.headers['retry-after']).toBe('2');
	}
	sim.injectFault({ kind: 'status', status: 503, code: 'service_unavailable' });
	check(await owner.get('/workspaces'), 503, 'service_unavailable');

	// ---- unknown paths
	const unknown = await owner.get('/no-such-thing');
	expect(unknown.status).toBe(404);
	expect(unknown.data).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
	expect(extendedError(unknown.data)).toBe(true);

	expect(failures).toEqual([]);

	const expected: Record<string, number[]> = {
		'GET /techniques': [200, 400, 401, 404, 429, 503],
		'GET /techniques/{techniqueId}': [200, 401, 404, 429],
		'POST /techniques/{techniqueId}/runs': [
			200, 201, 400, 401, 402, 403, 404, 409, 422, 429, 500, 503,
		],
		'GET /techniques/{techniqueId}/runs/{runId}': [200, 401, 404, 429],
		'GET /technique-runs': [200, 400, 401, 404, 429, 500],
		'GET /runs/{runId}': [200, 400, 401, 404, 429, 500],
		'GET /workspaces': [200, 401, 429, 503],
		'POST /assets': [201, 400, 401, 403, 404, 409, 422, 429, 500],
		'GET /assets/{assetId}': [200, 401, 404, 429],
		'POST /assets/{assetId}/complete': [200, 401, 403, 404, 409, 429],
	};
	// The 503 on GET /techniques is reached through the any-route fault below.
	sim.injectFault({ kind: 'status', status: 503, code: 'service_unavailable' });
	check(await owner.get('/techniques'), 503, 'service_unavailable');
	const got: Record<string, number[]> = {};
	for (const k of Object.keys(expected)) got[k] = [...(reached.get(k) ?? [])].sort((a, b) => a - b);
	expect(got).toEqual(expected);
	expect(DEFAULT_API_KEY).toBe('sk_test_flora_simulator');
});

test('every webhook body matches WebhookEvent', async () => {
	const owner = api(sim);
	const ok = await owner.post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'hi')],
		mode: 'async',
		callback_url: receiverUrl,
	});
	const ko = await owner.post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'hi #fail:model_timeout')],
		mode: 'async',
		callback_url: receiverUrl,
	});
	expect([ok.status, ko.status]).toEqual([201, 201]);
	// A delivery is recorded just before it is sent: wait until the receiver has it too.
	await waitFor(
		() =>
			(sim.webhookDeliveries.filter((d) => d.runId === ok.data.run_id || d.runId === ko.data.run_id)
				.length === 2 &&
				received.length === sim.webhookDeliveries.length) ||
			undefined,
	);
	const v = contract.componentValidator('WebhookEvent');
	const bodies = sim.webhookDeliveries.map((d) => JSON.parse(d.body));
	expect(bodies.length).toBeGreaterThanOrEqual(3); // also the run from the previous test
	for (const b of bodies)
		expect({ body: b, valid: v(b), errors: v.errors }).toMatchObject({ valid: true });
	expect(received.length).toBe(sim.webhookDeliveries.length);
	const failedEvent = bodies.find((b) => b.data.run_id === ko.data.run_id);
	expect(failedEvent).toMatchObject({
		type: 'run.failed',
		data: { status: 'failed', error_code: 'model_timeout', run_type: 'technique' },
	});
});

test('a request that breaks the spec is recorded in contractViolations, a conforming one is not', async () => {
	const owner = api(sim);
	sim.contractViolations.length = 0;
	const good = await owner.post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'fine')],
		mode: 'async',
	});
	expect(good.status).toBe(201);
	await owner.get('/techniques', { params: { query: 'shot', limit: 5 } });
	expect(sim.contractViolations).toEqual([]);

	const extra = await owner.post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'x')],
		mode: 'async',
		priority: 'high',
	});
	expect(extra.status).toBe(400);
	expect(extra.data.error.fields).toEqual([{ field: 'priority', message: 'is not allowed' }]);
	await owner.get('/techniques', { params: { sort: 'name' } });
	expect(sim.contractViolations).toHaveLength(2);
	expect(sim.contractViolations[0]).toMatch(
		/POST \/techniques\/\{techniqueId\}\/runs.*additional properties \(priority\)/,
	);
	expect(sim.contractViolations[1]).toMatch(
		/GET \/techniques.*query parameters.*additional properties \(sort\)/,
	);
});

test('GET /runs/{runId} requests are checked against the spec: a run_ id conforms, another id breaks the path pattern', async () => {
	const owner = api(sim);
	sim.contractViolations.length = 0;
	const run = await owner.post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'by id')],
		mode: 'async',
	});
	expect((await owner.get(`/runs/${run.data.run_id}`)).status).toBe(200);
	expect((await owner.get('/runs/run_unknown')).status).toBe(404);
	expect(sim.contractViolations).toEqual([]);
	expect((await owner.get('/runs/asset_123')).status).toBe(400);
	await owner.get(`/runs/${run.data.run_id}`, { params: { expand: 'outputs' } });
	expect(sim.contractViolations).toHaveLength(2);
	expect(sim.contractViolations[0]).toMatch(
		/GET \/runs\/\{runId\} \(\/api\/v1\/runs\/asset_123\): path parameters: \/runId must match pattern/,
	);
	expect(sim.contractViolations[1]).toMatch(
		/GET \/runs\/\{runId\}.*query parameters.*additional properties \(expand\)/,
	);
});
