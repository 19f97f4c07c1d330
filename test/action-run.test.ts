/* Action → Run through n8n's engine against the simulator: success, output items, files, waiting, failed runs. */
import type { INodeProperties } from 'n8n-workflow';

import { loadPackage, storeBinary } from './harness/engine';
import { ACTION_ROUTE, NODE_TYPE, actionRun } from './harness/actions';
import { FLORA_NODE, runFlora, useSimulator } from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const V2 = { typeVersion: 2 };
const CLIP = 'https://cdn.example.com/clip.mp4';

const creates = () => flora.sim.requests.filter((request) => request.route === ACTION_ROUTE);
const createBody = () => creates()[0]?.body as Record<string, unknown>;

describe('Action → Run, succeeding', () => {
	test('resize-video with a video URL and a select param outputs the resized video, paired, with run, cost and URL', async () => {
		const parameters = await actionRun(flora.sim, 'resize-video', {
			'input:video': CLIP,
			'param:resolution': '480',
		});
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			type: 'videoUrl',
			url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/media\/run_\w+\/\S+\.mp4$/),
			run_id: expect.stringMatching(/^run_/),
			action_id: 'resize-video',
			status: 'completed',
			charged_cost: 0.02,
		});
		expect(item.json).not.toHaveProperty('text');
		const run = flora.sim.getRun(item.json.run_id as string)!;
		expect(run).toMatchObject({
			run_type: 'action',
			action_id: 'resize-video',
			status: 'completed',
		});
		expect(run.params).toMatchObject({ resolution: '480' });
		expect(createBody()).toEqual({
			action_id: 'resize-video',
			workspace_id: 'ws_sim_studio',
			project_id: 'prj_sim_default',
			inputs: [{ type: 'video', name: 'video', url: CLIP }],
			params: { resolution: '480' },
		});
		expect(creates()[0].headers['idempotency-key']).toEqual(expect.any(String));
	});

	test('stitch-videos takes several videos, one per line, as inputs of the one port', async () => {
		const clips = ['a', 'b', 'c'].map((name) => `https://cdn.example.com/${name}.mp4`);
		const parameters = await actionRun(flora.sim, 'stitch-videos', {
			'input:videos': clips.join('\n'),
			'param:transition': 'fade',
			'param:transition_duration': 1.5,
		});
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.error?.message).toBeUndefined();
		expect(createBody().inputs).toEqual(
			clips.map((url) => ({ type: 'video', name: 'videos', url })),
		);
		expect(createBody().params).toEqual({ transition: 'fade', transition_duration: 1.5 });
		const run = flora.sim.getRun(result.items(FLORA_NODE)[0].json.run_id as string)!;
		expect(run.inputs.map((input) => input.value)).toEqual(clips);
	});

	test('concat-text-browser joins the texts as its text and toggle params say; the text is on the item', async () => {
		const parameters = await actionRun(flora.sim, 'concat-text-browser', {
			'input:texts': 'first part\nsecond part\n\nthird part',
			'param:separator': ' | ',
			'param:add_headers': false,
			'param:skip_empty': true,
		});
		const result = await runFlora(flora.sim, parameters, V2);

		const [item] = result.items(FLORA_NODE);
		expect(item.json).toMatchObject({
			type: 'text',
			text: 'first part | second part | third part',
		});
		expect(item.json).not.toHaveProperty('url');
		expect(createBody().params).toEqual({ separator: ' | ', add_headers: false, skip_empty: true });
	});

	test('crop-image-browser takes its point and size params as JSON objects', async () => {
		const parameters = await actionRun(flora.sim, 'crop-image-browser', {
			'input:image': 'https://cdn.example.com/photo.png',
			'param:center': '{"x": 0.25, "y": 0.75}',
			'param:size': { width: 0.5, height: 0.4 },
			'param:lock_aspect': true,
			'param:rotation': -90,
		});
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.error?.message).toBeUndefined();
		expect(result.items(FLORA_NODE)[0].json.type).toBe('imageUrl');
		expect(createBody().params).toEqual({
			center: { x: 0.25, y: 0.75 },
			size: { width: 0.5, height: 0.4 },
			lock_aspect: true,
			rotation: -90,
		});
	});

	test('every item runs its own action, and each output stays paired with its item', async () => {
		const parameters = await actionRun(flora.sim, 'resize-video', {
			'input:video': '={{ $json.clip }}',
		});
		const clips = ['one', 'two', 'three'].map((name) => ({
			clip: `https://cdn.example.com/${name}.mp4`,
		}));
		const result = await runFlora(flora.sim, parameters, { ...V2, triggerItems: clips });

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const [index, item] of items.entries()) {
			expect(flora.sim.getRun(item.json.run_id as string)!.inputs[0].value).toBe(clips[index].clip);
		}
		expect(creates()).toHaveLength(3);
	});

	test('a video input binary:data uploads the file of the item as an asset first, then runs on its URL', async () => {
		const bytes = Buffer.from('a small mp4 stand-in '.repeat(500));
		const binary = await storeBinary(bytes, 'clip.mp4', 'video/mp4');
		const parameters = await actionRun(flora.sim, 'resize-video', { 'input:video': 'binary:data' });
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			triggerItems: [{ json: {}, binary: { data: binary } }],
		});

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.uploads).toHaveLength(1);
		expect(flora.sim.uploads[0]).toMatchObject({ size: bytes.length, contentType: 'video/mp4' });
		const routes = flora.sim.requests.map((request) => request.route);
		expect(routes.indexOf('POST /assets')).toBeLessThan(routes.indexOf(ACTION_ROUTE));
		const [input] = createBody().inputs as Array<{ url: string }>;
		expect(input.url).toContain(`/assets/${flora.sim.uploads[0].assetId}/`);
	});

	test('a file of the wrong kind for a video input is refused before any upload or run', async () => {
		const binary = await storeBinary(Buffer.from('%PDF-1.4'), 'brief.pdf', 'application/pdf');
		const parameters = await actionRun(flora.sim, 'resize-video', { 'input:video': 'binary:data' });
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			triggerItems: [{ json: {}, binary: { data: binary } }],
		});

		expect(result.nodes[FLORA_NODE].error!.message).toMatch(/"video".*"application\/pdf"/);
		expect(flora.sim.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
	});

	test('Download Outputs puts each output file on its item as binary data', async () => {
		const parameters = await actionRun(
			flora.sim,
			'split-audio-from-video',
			{ 'input:video': CLIP },
			{ options: { download: true } },
		);
		const result = await runFlora(flora.sim, parameters, V2);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.type)).toEqual(['audioUrl', 'videoUrl']);
		for (const item of items) {
			const file = Object.values(item.binary ?? {})[0];
			expect(file).toBeDefined();
			expect(file.mimeType).toMatch(item.json.type === 'audioUrl' ? /^audio\// : /^video\//);
		}
	});
});

describe('Action → Run, waiting', () => {
	test('the run is waited for by polling GET /runs/{runId} until it completes', async () => {
		flora.sim.setRunDuration('stitch-videos', 20);
		const parameters = await actionRun(
			flora.sim,
			'stitch-videos',
			{
				'input:videos': `${CLIP}\n${CLIP}`,
			},
			{ options: { pollInterval: 0.5 } },
		);
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.items(FLORA_NODE)[0].json.status).toBe('completed');
		expect(flora.sim.countRequests('GET /runs/{runId}')).toBeGreaterThan(1);
		expect(createBody()).not.toHaveProperty('callback_url');
	});

	test('Wait for Completion off outputs the started run at once', async () => {
		const parameters = await actionRun(
			flora.sim,
			'resize-video',
			{ 'input:video': CLIP },
			{ waitForCompletion: false },
		);
		const result = await runFlora(flora.sim, parameters, V2);

		const [item] = result.items(FLORA_NODE);
		expect(item.json.run_id).toEqual(expect.stringMatching(/^run_/));
		expect(item.json.status).not.toBe('completed');
		expect(flora.sim.countRequests('GET /runs/{runId}')).toBe(0);
	});

	test('the node offers no webhook or stream wait, and no Callback URL, for action runs', async () => {
		const { nodeTypes } = await loadPackage();
		const { properties } = nodeTypes.getByNameAndVersion(NODE_TYPE, 2).description;
		const shownFor = (property: INodeProperties, resource: string, operation: string) => {
			const show = property.displayOptions?.show ?? {};
			const resources = show.resource as string[] | undefined;
			const operations = show.operation as string[] | undefined;
			return (
				(!resources || resources.includes(resource)) &&
				(!operations || operations.includes(operation))
			);
		};
		const actionRunProperties = properties.filter((property) =>
			shownFor(property, 'action', 'run'),
		);
		const names = actionRunProperties.map((property) => property.name);
		expect(names).toContain('waitForCompletion');
		expect(names).not.toContain('waitMode');
		expect(names).not.toContain('mode');
		const options = actionRunProperties.find((property) => property.name === 'options')!;
		const optionNames = (options.options as INodeProperties[]).map((option) => option.name);
		expect(optionNames).toEqual(expect.arrayContaining(['pollInterval', 'timeout', 'download']));
		expect(optionNames).not.toContain('callbackUrl');
		// The technique's run has them: the check above reads the right properties.
		const techniqueNames = properties
			.filter((property) => shownFor(property, 'technique', 'run'))
			.map((p) => p.name);
		expect(techniqueNames).toEqual(expect.arrayContaining(['waitMode', 'mode']));
	});
});

describe('Action → Run, failing', () => {
	test('a failed action run stops the workflow with an error naming the run, its code and how to collect it', async () => {
		flora.sim.scriptNextRun('resize-video', { outcome: 'failed', errorCode: 'provider_error' });
		const parameters = await actionRun(flora.sim, 'resize-video', { 'input:video': CLIP });
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.status).toBe('error');
		const error = result.nodes[FLORA_NODE].error!;
		const [run] = flora.sim.listRuns();
		expect(run.status).toBe('failed');
		expect(error.message).toContain(`The FLORA run ${run.run_id} failed`);
		expect(error.description).toContain('Error code: provider_error');
		expect(error.description).toContain('Action: resize-video');
	});

	test('with Continue On Fail the failed run is an error item on its own item; the other items go on', async () => {
		flora.sim.scriptNextRun('concat-text-browser', { outcome: 'completed' });
		const parameters = await actionRun(
			flora.sim,
			'concat-text-browser',
			{
				'input:texts': '={{ $json.text }}',
			},
			{ options: { concurrency: 1 } },
		);
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			continueOnFail: true,
			triggerItems: [
				{ text: 'fine' },
				{ text: 'broken #fail:content_policy' },
				{ text: 'also fine' },
			],
		});

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.text).toBe('fine');
		expect(items[2].json.text).toBe('also fine');
		const failed = flora.sim.listRuns().find((run) => run.status === 'failed')!;
		const error = items[1].json.error as Record<string, unknown>;
		expect(JSON.stringify(error)).toContain(failed.run_id);
		expect(items[1].json).not.toHaveProperty('url');
	});

	test('an error after the run started says how to collect it with an operation that reads action runs', async () => {
		flora.sim.injectFault({
			route: 'GET /runs/{runId}',
			kind: 'status',
			status: 404,
			code: 'not_found',
			times: 20,
		});
		const parameters = await actionRun(flora.sim, 'resize-video', { 'input:video': CLIP });
		const result = await runFlora(flora.sim, parameters, V2);

		const error = result.nodes[FLORA_NODE].error!;
		const [run] = flora.sim.listRuns();
		expect(error.description).toContain(run.run_id);
		// Run → Wait reads technique runs only; an action run is read by its ID alone.
		expect(error.description).not.toMatch(/Run → Wait/);
		expect(error.description).toContain('Generation → Get');
	});
});
