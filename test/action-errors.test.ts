import type { IDataObject } from 'n8n-workflow';

/* Action → Run errors (FLORA's and the node's own checks before any request), the spending guard, and Action → Get Many. */
import { ACTION_ROUTE, actionRun, operation } from './harness/actions';
import { FLORA_NODE, runFlora, useSimulator } from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const V2 = { typeVersion: 2 };
const CLIP = 'https://cdn.example.com/clip.mp4';
const clips = (count: number) =>
	Array.from({ length: count }, (_, index) => `https://cdn.example.com/c${index}.mp4`).join('\n');

const nodeError = (result: Awaited<ReturnType<typeof runFlora>>) => result.nodes[FLORA_NODE].error!;
const started = () => flora.sim.countRequests(ACTION_ROUTE);

describe('Action → Run, errors from FLORA', () => {
	test('a key FLORA refuses (401) is said to be the credential, and no run starts', async () => {
		const parameters = await actionRun(flora.sim, 'resize-video', { 'input:video': CLIP });
		const result = await runFlora(flora.sim, parameters, { ...V2, apiKey: 'flora_live_revoked' });

		expect(nodeError(result).message).toMatch(
			/FLORA (did not accept the credentials|API key is invalid)/,
		);
		expect(started()).toBe(0);
		expect(flora.sim.runsCreated()).toBe(0);
	});

	test('an action FLORA does not have (404) is named: "FLORA has no action …"', async () => {
		const parameters = await actionRun(flora.sim, 'blur-image-browser', {
			'input:image': 'https://cdn.example.com/photo.png',
		});
		const result = await runFlora(flora.sim, parameters, V2);

		expect(nodeError(result).message).toBe('FLORA has no action "blur-image-browser"');
		expect(nodeError(result).description).toMatch(/Action → Get Many/);
		expect(started()).toBe(0);
	});

	test('an action ID FLORA does not know at all (its 400) is named the same way', async () => {
		const parameters = await actionRun(flora.sim, 'make-coffee', { 'input:video': CLIP });
		const result = await runFlora(flora.sim, parameters, V2);

		expect(nodeError(result).message).toBe('FLORA has no action "make-coffee"');
		expect(started()).toBe(0);
	});

	test('a 422 from FLORA on the create with the user’s own key shows its message and fields, and is not retried', async () => {
		flora.sim.injectFault({
			route: ACTION_ROUTE,
			kind: 'status',
			status: 422,
			code: 'idempotency_conflict',
			message: 'Idempotency key "k" was already used with a different request body.',
		});
		// The node's own key is never used before by another request (test/execution-run-again.test.ts).
		const parameters = await actionRun(
			flora.sim,
			'resize-video',
			{ 'input:video': CLIP },
			{ options: { idempotencyKey: 'k' } },
		);
		const result = await runFlora(flora.sim, parameters, V2);

		expect(nodeError(result).message).toMatch(
			/^This idempotency key was already used with different inputs/,
		);
		expect(started()).toBe(1);
		expect(flora.sim.runsCreated()).toBe(0);
	});

	test.each([
		[429, 'rate_limited', { 'retry-after': '0.1' }],
		[500, 'unknown_error', {}],
		[503, 'service_unavailable', {}],
	])(
		'a %i on the create is retried with the same idempotency key, and one run starts',
		async (status, code, headers) => {
			flora.sim.injectFault({
				route: ACTION_ROUTE,
				kind: 'status',
				status,
				code,
				headers,
				times: 2,
			});
			const parameters = await actionRun(flora.sim, 'resize-video', { 'input:video': CLIP });
			const result = await runFlora(flora.sim, parameters, V2);

			expect(result.error?.message).toBeUndefined();
			expect(result.items(FLORA_NODE)[0].json.status).toBe('completed');
			const creates = flora.sim.requests.filter((request) => request.route === ACTION_ROUTE);
			expect(creates).toHaveLength(3);
			expect(new Set(creates.map((request) => request.headers['idempotency-key'])).size).toBe(1);
			expect(flora.sim.runsCreated()).toBe(1);
		},
	);
});

describe('Action → Run, bad parameters are refused before any run request, naming the field', () => {
	test.each<[string, string, Record<string, unknown>, RegExp]>([
		[
			'a required input left empty',
			'resize-video',
			{ 'input:video': '', 'param:resolution': '480' },
			/^The input "video" of the action "Resize Video" is required$/,
		],
		[
			'too few values for a port with a minimum',
			'stitch-videos',
			{ 'input:videos': clips(1) },
			/^The input "videos" of the action "Stitch Videos" takes 2 to 10 values, not 1$/,
		],
		[
			'too many values for a port with a maximum',
			'stitch-videos',
			{ 'input:videos': clips(11) },
			/^The input "videos" of the action "Stitch Videos" takes 2 to 10 values, not 11$/,
		],
		[
			'a number param out of range',
			'resize-video',
			{ 'input:video': CLIP, 'param:custom_resolution': 10 },
			/^The parameter "Custom Resolution \(px\)" of the action "Resize Video" must be a number from 64 to 4320$/,
		],
		[
			'a select value the action does not offer',
			'resize-video',
			{ 'input:video': CLIP, 'param:resolution': '999' },
			/^The parameter "Resolution" of the action "Resize Video" must be one of 240, 360, .*custom$/,
		],
		[
			'an object param that is not JSON',
			'crop-image-browser',
			{ 'input:image': 'https://cdn.example.com/p.png', 'param:center': 'the middle' },
			/^The parameter "Center" of the action "Crop Image" must be an object$/,
		],
		[
			'a media input that is not a URL',
			'resize-video',
			{ 'input:video': 'clip.mp4' },
			/^The input "video" of the action "Resize Video" is not a URL$/,
		],
	])('%s', async (_case, actionId, values, message) => {
		// Each value comes from the item, as n8n checks fixed values itself (see below).
		const fields = Object.fromEntries(
			Object.keys(values).map((id, index) => [id, `={{ $json.v${index} }}`]),
		);
		const item = Object.fromEntries(
			Object.values(values).map((value, index) => [`v${index}`, value]),
		) as IDataObject;
		const parameters = await actionRun(flora.sim, actionId, fields);
		const result = await runFlora(flora.sim, parameters, { ...V2, triggerItems: [item] });

		expect(result.status).toBe('error');
		expect(nodeError(result).message).toMatch(message);
		expect(started()).toBe(0);
		expect(flora.sim.requests.every((request) => request.method === 'GET')).toBe(true);
	});

	test.each<[string, Record<string, unknown>, RegExp]>([
		['resize-video', { 'param:resolution': '480' }, /Field "input:video" is required/],
		[
			'resize-video',
			{ 'input:video': CLIP, 'param:resolution': '999' },
			/'param:resolution' expects one of/,
		],
		[
			'crop-image-browser',
			{ 'input:image': CLIP, 'param:center': 'the middle' },
			/'param:center' expects a object/,
		],
	])(
		'n8n itself refuses a fixed bad value of %s (%j) before the node runs',
		async (actionId, values, message) => {
			const parameters = await actionRun(flora.sim, actionId, values);

			await expect(runFlora(flora.sim, parameters, V2)).rejects.toThrow(message);
			expect(flora.sim.requests).toHaveLength(0);
		},
	);

	test('with many items, a bad value on the last item starts no run for the earlier ones', async () => {
		const parameters = await actionRun(flora.sim, 'resize-video', {
			'input:video': CLIP,
			'param:custom_resolution': '={{ $json.px }}',
		});
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			triggerItems: [{ px: 720 }, { px: 1080 }, { px: 99999 }],
		});

		expect(nodeError(result).message).toMatch(/must be a number from 64 to 4320/);
		expect(started()).toBe(0);
	});
});

describe('Action → Run, the spending guard', () => {
	test('a batch whose action runs cost more than Max Cost per Execution starts nothing, naming the sum', async () => {
		// stitch-videos costs $0.05 a run: ten runs are $0.50.
		const parameters = await actionRun(
			flora.sim,
			'stitch-videos',
			{ 'input:videos': clips(2) },
			{ options: { maxCost: 0.4 } },
		);
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			triggerItems: Array.from({ length: 10 }, (_, index) => ({ index })),
		});

		expect(nodeError(result).message).toBe(
			'These 10 runs would cost $0.50, more than the Max Cost per Execution of $0.40',
		);
		expect(started()).toBe(0);
	});

	test('a batch within the cap runs', async () => {
		const parameters = await actionRun(
			flora.sim,
			'stitch-videos',
			{ 'input:videos': clips(2) },
			{ options: { maxCost: 0.1 } },
		);
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			triggerItems: [{ a: 1 }, { a: 2 }],
		});

		expect(result.error?.message).toBeUndefined();
		expect(started()).toBe(2);
	});
});

describe('Action → Get Many', () => {
	test('Return All lists every action with its inputs, params and cost', async () => {
		const result = await runFlora(
			flora.sim,
			operation('action', 'getMany', { returnAll: true }),
			V2,
		);

		const items = result.items(FLORA_NODE);
		const ids = items.map((item) => item.json.action_id);
		expect(ids).toEqual(
			expect.arrayContaining(['resize-video', 'stitch-videos', 'concat-text-browser']),
		);
		expect(ids).toHaveLength(new Set(ids).size);
		expect(ids.length).toBeGreaterThanOrEqual(8);
		const stitch = items.find((item) => item.json.action_id === 'stitch-videos')!;
		expect(stitch.json).toMatchObject({ charged_cost: 0.05, name: 'Stitch Videos' });
		expect(stitch.json).not.toHaveProperty('durationSeconds');
		expect(items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	test('filters by search words and input type, and a limit keeps the first ones', async () => {
		const byType = await runFlora(
			flora.sim,
			operation('action', 'getMany', { returnAll: true, filters: { inputType: 'text' } }),
			V2,
		);
		expect(byType.items(FLORA_NODE).map((item) => item.json.action_id)).toEqual([
			'concat-text-browser',
		]);

		const bySearch = await runFlora(
			flora.sim,
			operation('action', 'getMany', { returnAll: false, limit: 2, filters: { query: 'video' } }),
			V2,
		);
		const found = bySearch.items(FLORA_NODE);
		expect(found).toHaveLength(2);
		for (const item of found) expect(JSON.stringify(item.json).toLowerCase()).toContain('video');
	});
});
