/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Contract test, part 2: the routes beyond the technique runs (projects, models and
 * generations, actions, the asset list and upload retry). Drives each operation through every
 * status it can reach and validates each answer against flora-openapi.json as contract.test.ts
 * does, checks conforming requests leave contractViolations empty and broken ones are recorded,
 * and that every route answers a 429 fault in the error envelope.
 */
import { ROUTE_KEYS, VIEWER_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { contractChecker, type ContractChecker } from './contractCheck';
import { api } from './helpers';

let sim: Simulator;
let c: ContractChecker;

beforeAll(async () => {
	sim = await startSimulator({ timeScale: 200 });
	c = contractChecker(sim);
});
afterAll(() => sim.close());

const STUDIO = 'ws_sim_studio';
/** Every route this file covers, with the statuses it must reach. */
const EXPECTED: Record<string, number[]> = {
	'GET /projects': [200, 400, 401, 404, 429],
	'POST /projects': [201, 400, 401, 403, 404, 409, 422, 429],
	'GET /projects/{projectId}': [200, 400, 401, 404, 429],
	'GET /models': [200, 400, 401, 429],
	'POST /generate': [201, 400, 401, 402, 403, 404, 409, 422, 429, 500],
	'GET /generations': [200, 400, 401, 404, 429],
	'GET /actions': [200, 401, 429],
	'GET /actions/{actionId}': [200, 400, 401, 404, 429],
	'POST /runs/action': [201, 400, 401, 402, 403, 404, 409, 422, 429, 503],
	'GET /assets': [200, 400, 401, 404, 429],
	'POST /assets/{assetId}/retry': [200, 400, 401, 403, 404, 409, 422, 429],
};
const VIDEO = { type: 'video', url: 'https://cdn.example.com/clip.mp4' };
const WHERE = { workspace_id: STUDIO, project_id: 'prj_sim_default' };

/** Poll a run by id until it ends, checking every answer. */
async function untilEnded(runId: string) {
	for (;;) {
		const r = c.check(await api(sim).get(`/runs/${runId}`), 200);
		if (r.status === 'completed' || r.status === 'failed') return r;
		await new Promise((res) => setTimeout(res, 20));
	}
}

test('the projects routes answer what the contract says', async () => {
	const owner = api(sim);
	const { check } = c;
	const list = check(
		await owner.get('/projects', { params: { workspace_id: STUDIO, limit: 1 } }),
		200,
	);
	check(
		await owner.get('/projects', {
			params: { workspace_id: STUDIO, limit: 1, cursor: list.meta.next_cursor, query: '' },
		}),
		200,
	);
	check(await owner.get('/projects'), 400, 'input_validation_error');
	check(await owner.get('/projects', { params: { workspace_id: 'ws_nope' } }), 404, 'not_found');
	check(
		await api(sim, null).get('/projects', { params: { workspace_id: STUDIO } }),
		401,
		'unauthorized',
	);
	const headers = { 'Idempotency-Key': 'contract-project' };
	const made = check(
		await owner.post('/projects', { workspace_id: STUDIO, name: 'Contract' }, { headers }),
		201,
	);
	check(
		await owner.post('/projects', { workspace_id: STUDIO, name: 'Contract' }, { headers }),
		409,
		'idempotency_duplicate',
	);
	check(
		await owner.post('/projects', { workspace_id: STUDIO, name: 'Other' }, { headers }),
		422,
		'idempotency_conflict',
	);
	check(await owner.post('/projects', { workspace_id: STUDIO }), 400, 'input_validation_error');
	check(await owner.post('/projects', { workspace_id: 'ws_nope', name: 'x' }), 404, 'not_found');
	check(
		await api(sim, VIEWER_API_KEY).post('/projects', { workspace_id: STUDIO, name: 'x' }),
		403,
		'forbidden',
	);
	check(
		await api(sim, 'sk_live_revoked').post('/projects', { workspace_id: STUDIO, name: 'x' }),
		401,
		'invalid_api_key',
	);
	check(await owner.get(`/projects/${made.project_id}`), 200);
	check(await owner.get('/projects/prj_missing'), 404, 'not_found');
	check(await owner.get('/projects/missing'), 400, 'input_validation_error');
	check(await api(sim, null).get('/projects/prj_missing'), 401, 'unauthorized');
	expect(c.failures).toEqual([]);
});

test('the models and generations routes answer what the contract says', async () => {
	const owner = api(sim);
	const { check } = c;
	check(await owner.get('/models'), 200);
	check(await owner.get('/models', { params: { type: 'video' } }), 200);
	check(await owner.get('/models', { params: { type: 'music' } }), 400, 'input_validation_error');
	check(await api(sim, null).get('/models'), 401, 'unauthorized');

	const headers = { 'Idempotency-Key': 'contract-generate' };
	const image = { ...WHERE, type: 'image', prompt: 'a mug', params: { num_images: 2 } };
	const started = check(await owner.post('/generate', image, { headers }), 201);
	check(await owner.post('/generate', image, { headers }), 409, 'idempotency_duplicate');
	check(
		await owner.post('/generate', { ...image, prompt: 'a cup' }, { headers }),
		422,
		'idempotency_conflict',
	);
	const text = check(
		await owner.post('/generate', { ...WHERE, type: 'text', prompt: 'hi #duration:1' }),
		201,
	);
	const failed = check(
		await owner.post('/generate', {
			...WHERE,
			type: 'audio',
			prompt: 'x #fail:model_timeout #duration:1',
		}),
		201,
	);
	check(
		await owner.post('/generate', {
			...WHERE,
			type: 'image',
			prompt: 'x',
			params: { num_images: 9 },
		}),
		400,
		'input_validation_error',
	);
	check(
		await owner.post('/generate', { ...WHERE, type: 'image', prompt: 'x', project_id: 'prj_nope' }),
		404,
		'not_found',
	);
	check(await api(sim, VIEWER_API_KEY).post('/generate', image), 403, 'forbidden');
	check(await api(sim, null).post('/generate', image), 401, 'unauthorized');
	sim.setCredits(0.001);
	check(await owner.post('/generate', image), 402, 'insufficient_credits');
	sim.setCredits(1000);
	sim.injectFault({ route: 'POST /generate', kind: 'status', status: 500, code: 'unknown_error' });
	check(await owner.post('/generate', image), 500, 'unknown_error');
	for (const run of [started, text, failed]) await untilEnded(run.run_id);

	const page = check(await owner.get('/generations', { params: { limit: 2 } }), 200);
	check(
		await owner.get('/generations', { params: { limit: 2, cursor: page.meta.next_cursor } }),
		200,
	);
	check(await owner.get('/generations', { params: { ...WHERE, status: 'failed' } }), 200);
	check(
		await owner.get('/generations', { params: { status: 'done' } }),
		400,
		'input_validation_error',
	);
	check(await owner.get('/generations', { params: { workspace_id: 'ws_nope' } }), 404, 'not_found');
	check(await api(sim, 'sk_live_revoked').get('/generations'), 401, 'invalid_api_key');
	expect(c.failures).toEqual([]);
});

test('the actions routes answer what the contract says', async () => {
	const owner = api(sim);
	const { check } = c;
	check(await owner.get('/actions'), 200);
	check(await api(sim, null).get('/actions'), 401, 'unauthorized');
	check(await owner.get('/actions/stitch-videos'), 200);
	check(await owner.get('/actions/rotate-image'), 400, 'input_validation_error');
	check(await owner.get('/actions/reverse-video'), 404, 'not_found');
	check(await api(sim, 'sk_live_revoked').get('/actions/stitch-videos'), 401, 'invalid_api_key');

	const headers = { 'Idempotency-Key': 'contract-action' };
	const body = {
		...WHERE,
		action_id: 'resize-video',
		inputs: [VIDEO],
		params: { resolution: '480' },
	};
	const started = check(await owner.post('/runs/action', body, { headers }), 201);
	check(await owner.post('/runs/action', body, { headers }), 409, 'idempotency_duplicate');
	check(
		await owner.post('/runs/action', { ...body, params: {} }, { headers }),
		422,
		'idempotency_conflict',
	);
	const text = check(
		await owner.post('/runs/action', {
			...WHERE,
			action_id: 'concat-text-browser',
			inputs: [
				{ type: 'text', text: 'a' },
				{ type: 'text', text: 'b #duration:1' },
			],
		}),
		201,
	);
	const failed = check(
		await owner.post('/runs/action', {
			...WHERE,
			action_id: 'concat-text-browser',
			inputs: [{ type: 'text', text: '#fail:provider_error #duration:1' }],
		}),
		201,
	);
	check(await owner.post('/runs/action', { ...body, inputs: [] }), 400, 'input_validation_error');
	check(await owner.post('/runs/action', { ...body, action_id: 'split-video' }), 404, 'not_found');
	check(await api(sim, VIEWER_API_KEY).post('/runs/action', body), 403, 'forbidden');
	check(await api(sim, null).post('/runs/action', body), 401, 'unauthorized');
	sim.setCredits(0.001);
	check(await owner.post('/runs/action', body), 402, 'insufficient_credits');
	sim.setCredits(1000);
	sim.injectFault({
		route: 'POST /runs/action',
		kind: 'status',
		status: 503,
		code: 'service_unavailable',
	});
	check(await owner.post('/runs/action', body), 503, 'service_unavailable');
	for (const run of [started, text, failed]) await untilEnded(run.run_id);
	expect(c.failures).toEqual([]);
});

test('the asset list and the upload retry answer what the contract says', async () => {
	const owner = api(sim);
	const { check } = c;
	const reserve = (file_name: string) =>
		owner.post('/assets', {
			source: 'signed-url',
			workspace_id: STUDIO,
			file_name,
			content_type: 'image/png',
		});
	const a = (await reserve('a.png')).data;
	const b = (await reserve('b.png')).data;
	await reserve('c.png');
	const page = check(await owner.get('/assets', { params: { limit: 2 } }), 200);
	check(await owner.get('/assets', { params: { limit: 2, cursor: page.meta.next_cursor } }), 200);
	check(
		await owner.get('/assets', {
			params: { workspace_id: STUDIO, project_id: 'prj_sim_default', query: 'a' },
		}),
		200,
	);
	check(await owner.get('/assets', { params: { project_id: 'x' } }), 400, 'input_validation_error');
	check(await owner.get('/assets', { params: { workspace_id: 'ws_nope' } }), 404, 'not_found');
	check(await api(sim, null).get('/assets'), 401, 'unauthorized');

	check(await owner.post(`/assets/${a.asset_id}/retry`), 409, 'conflict');
	sim.expireUpload(a.asset_id);
	sim.expireUpload(b.asset_id, 'failed on purpose');
	const headers = { 'Idempotency-Key': 'contract-retry' };
	check(await owner.post(`/assets/${a.asset_id}/retry`, undefined, { headers }), 200);
	check(
		await owner.post(`/assets/${a.asset_id}/retry`, undefined, { headers }),
		409,
		'idempotency_duplicate',
	);
	check(
		await owner.post(`/assets/${b.asset_id}/retry`, undefined, { headers }),
		422,
		'idempotency_conflict',
	);
	check(await owner.post(`/assets/${b.asset_id}/retry`), 200);
	check(await owner.post('/assets/nope/retry'), 400, 'input_validation_error');
	check(await owner.post('/assets/asset_missing/retry'), 404, 'not_found');
	check(await api(sim, VIEWER_API_KEY).post(`/assets/${a.asset_id}/retry`), 403, 'forbidden');
	check(await api(sim, null).post(`/assets/${a.asset_id}/retry`), 401, 'unauthorized');
	expect(c.failures).toEqual([]);
});

test('conforming requests to these routes leave contractViolations empty; broken ones are recorded', async () => {
	const owner = api(sim);
	sim.contractViolations.length = 0;
	await owner.get('/projects', { params: { workspace_id: STUDIO, query: 'spring', limit: 5 } });
	await owner.post('/projects', { workspace_id: STUDIO, name: 'Fine' });
	await owner.get('/projects/prj_sim_default');
	await owner.get('/models', { params: { type: 'image' } });
	const gen = await owner.post(
		'/generate',
		{ ...WHERE, type: 'image', prompt: 'x', model: 't2i-aurora-2-fast', params: { seed: 3 } },
		{ headers: { 'Idempotency-Key': 'conforming' } },
	);
	expect(gen.status).toBe(201);
	await owner.get(`/runs/${gen.data.run_id}`);
	await owner.get('/generations', { params: { ...WHERE, status: 'pending', limit: 10 } });
	await owner.get('/actions');
	await owner.get('/actions/merge-audio-into-video');
	const act = await owner.post(
		'/runs/action',
		{
			...WHERE,
			action_id: 'merge-audio-into-video',
			inputs: [
				{ ...VIDEO, name: 'video' },
				{ type: 'audio', url: 'https://cdn.example.com/a.mp3' },
			],
			params: { duration: 'shortest' },
		},
		{ headers: { 'Idempotency-Key': 'conforming-action' } },
	);
	expect(act.status).toBe(201);
	await owner.get(`/runs/${act.data.run_id}`);
	await owner.get('/assets', { params: { workspace_id: STUDIO, query: 'png', limit: 3 } });
	const asset = await owner.post('/assets', {
		source: 'signed-url',
		workspace_id: STUDIO,
		content_type: 'image/png',
	});
	sim.expireUpload(asset.data.asset_id);
	await owner.post(`/assets/${asset.data.asset_id}/retry`, undefined, {
		headers: { 'Idempotency-Key': 'k' },
	});
	expect(sim.contractViolations).toEqual([]);
	await owner.get('/projects', { params: { sort: 'name' } });
	await owner.post('/projects', { workspace_id: STUDIO, name: '', color: 'red' });
	await owner.post('/generate', { ...WHERE, type: 'image', prompt: 'x', seed: 3 });
	await owner.get('/generations', { params: { project_id: 'project-1' } });
	await owner.get('/actions/concat-text');
	await owner.post('/runs/action', {
		...WHERE,
		action_id: 'resize-video',
		inputs: [VIDEO],
		callback_url: 'https://hooks.example.com/x',
	});
	await owner.get('/assets', { params: { project_id: 'default' } });
	await owner.post('/assets/upload-1/retry');
	expect(sim.contractViolations).toHaveLength(8);
	expect(sim.contractViolations[0]).toMatch(
		/GET \/projects .*query parameters: .*required property 'workspace_id'.*additional properties \(sort\)/,
	);
	expect(sim.contractViolations[1]).toMatch(
		/POST \/projects .*body: .*additional properties \(color\).*\/name must NOT have fewer than 1/,
	);
	expect(sim.contractViolations[2]).toMatch(
		/POST \/generate .*body: .*additional properties \(seed\)/,
	);
	expect(sim.contractViolations[3]).toMatch(
		/GET \/generations .*query parameters: \/project_id must match pattern/,
	);
	expect(sim.contractViolations[4]).toMatch(
		/GET \/actions\/\{actionId\} .*path parameters: \/actionId must be equal to one of the allowed values/,
	);
	expect(sim.contractViolations[5]).toMatch(
		/POST \/runs\/action .*body: .*additional properties \(callback_url\)/,
	);
	expect(sim.contractViolations[6]).toMatch(
		/GET \/assets .*query parameters: \/project_id must match pattern/,
	);
	expect(sim.contractViolations[7]).toMatch(
		/POST \/assets\/\{assetId\}\/retry .*path parameters: \/assetId must match pattern/,
	);
});

test('every route of this file answers an injected 429 in the error envelope, with its retry-after', async () => {
	const owner = api(sim);
	for (const route of Object.keys(EXPECTED)) {
		expect(ROUTE_KEYS as readonly string[]).toContain(route);
		sim.injectFault({
			route,
			kind: 'status',
			status: 429,
			code: 'rate_limited',
			headers: { 'retry-after': '3' },
		});
		const [method, template] = route.split(' ');
		const url = template
			.replace('{projectId}', 'prj_sim_default')
			.replace('{actionId}', 'resize-video')
			.replace('{assetId}', 'asset_x');
		const r = method === 'GET' ? await owner.get(url) : await owner.post(url, {});
		c.check(r, 429, 'rate_limited');
		expect(r.headers['retry-after']).toBe('3');
	}
	expect(c.failures).toEqual([]);
});

test('every route of this file reached every status it should', () => {
	expect(c.reachedOf(Object.keys(EXPECTED))).toEqual(EXPECTED);
});
