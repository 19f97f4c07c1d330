/* Generation → Generate through n8n's engine against the simulator: what is sent, what comes out. */
import type { IDataObject } from 'n8n-workflow';

import { storeBinary } from './harness/engine';
import { FLORA_NODE, prompts, runFlora, useSimulator } from './harness/flora';
import {
	GENERATE_ROUTE,
	PROJECT_ID,
	READ_ANY_RUN_ROUTE,
	WORKSPACE_ID,
	generate,
	modelLocator,
	modelParams,
} from './harness/generation';

const flora = useSimulator({ timeScale: 50 });

const creates = () => flora.sim.requests.filter((request) => request.route === GENERATE_ROUTE);
const createBody = (index = 0) => creates()[index].body as IDataObject;

describe('Generation → Generate, waiting by polling', () => {
	test('with a chosen model: one item per output, shaped like a technique run’s, paired with its item', async () => {
		const result = await runFlora(
			flora.sim,
			generate({
				model: modelLocator('t2i-aurora-2-pro'),
				modelParams: modelParams({ num_images: 2, aspect_ratio: '16:9' }),
			}),
			{ typeVersion: 2 },
		);

		expect(result.status).toBe('success');
		expect(createBody()).toEqual({
			type: 'image',
			prompt: 'a ceramic mug on a sunlit table',
			model: 't2i-aurora-2-pro',
			params: { num_images: 2, aspect_ratio: '16:9' },
			workspace_id: WORKSPACE_ID,
			project_id: PROJECT_ID,
		});
		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(2);
		const runId = items[0].json.run_id as string;
		const run = flora.sim.getRun(runId)!;
		expect(run.status).toBe('completed');
		expect(items.map((item) => item.json.output_id)).toEqual(run.outputs!.map((o) => o.output_id));
		for (const item of items) {
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json).toMatchObject({
				run_id: runId,
				status: 'completed',
				type: 'imageUrl',
				url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/media\//),
				charged_cost: run.chargedCost,
				generation_type: 'image',
				model_id: 't2i-aurora-2-pro',
				created_at_iso: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				completed_at_iso: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
		}
		// Two images of $0.04.
		expect(run.chargedCost).toBeCloseTo(0.08);
		expect(Object.keys(items[0].json).slice(0, 3)).toEqual(['output_name', 'type', 'url']);
		expect(flora.sim.countRequests(READ_ANY_RUN_ROUTE)).toBeGreaterThanOrEqual(1);
	});

	test('with no model, FLORA picks one for the type: no model is sent and no model list is read', async () => {
		const result = await runFlora(
			flora.sim,
			generate({ generationType: 'audio', prompt: 'Welcome to the spring collection.' }),
			{ typeVersion: 2 },
		);

		expect(result.status).toBe('success');
		expect(createBody()).not.toHaveProperty('model');
		expect(createBody()).not.toHaveProperty('params');
		expect(flora.sim.countRequests('GET /models')).toBe(0);
		const [item] = result.items(FLORA_NODE);
		expect(item.json).toMatchObject({ type: 'audioUrl', generation_type: 'audio' });
		expect(flora.sim.getRun(item.json.run_id as string)!.model_id).toBe('t2a-chorus-2');
	});

	test('a text generation carries its text under text, and no url', async () => {
		const result = await runFlora(
			flora.sim,
			generate({
				generationType: 'text',
				model: modelLocator('llm-quill-3'),
				prompt: 'Three words for a mug',
			}),
			{ typeVersion: 2 },
		);

		const [item] = result.items(FLORA_NODE);
		expect(item.json.type).toBe('text');
		expect(item.json.text).toBe('Quill 3: Three words for a mug');
		expect(item.json).not.toHaveProperty('url');
	});

	test('every kind of model parameter is sent as the model takes it: options, numbers, seed, booleans, lists and a dict given as JSON', async () => {
		const text = await runFlora(
			flora.sim,
			generate({
				generationType: 'text',
				model: modelLocator('llm-quill-3'),
				modelParams: modelParams({ temperature: '1.5', max_tokens: 64, stop: 'END, STOP' }),
			}),
			{ typeVersion: 2 },
		);
		const video = await runFlora(
			flora.sim,
			generate({
				generationType: 'video',
				model: modelLocator('t2v-drift-1-5'),
				modelParams: modelParams({
					duration: 3,
					aspect_ratio: '9:16',
					seed: 42,
					camera: '{"pan": 0.5, "zoom": -0.25}',
				}),
			}),
			{ typeVersion: 2 },
		);
		const image = await runFlora(
			flora.sim,
			generate({
				model: modelLocator('t2i-aurora-2-pro'),
				modelParams: modelParams({ enhance_prompt: false, guidance_scale: 7.5, seed: 0 }),
			}),
			{ typeVersion: 2 },
		);

		for (const result of [text, video, image]) expect(result.status).toBe('success');
		const [textParams, videoParams, imageParams] = creates().map(
			(request) => (request.body as IDataObject).params,
		);
		expect(textParams).toEqual({ temperature: 1.5, max_tokens: 64, stop: ['END', 'STOP'] });
		expect(videoParams).toEqual({
			duration: 3,
			aspect_ratio: '9:16',
			seed: 42,
			camera: { pan: 0.5, zoom: -0.25 },
		});
		expect(imageParams).toEqual({ enhance_prompt: false, guidance_scale: 7.5, seed: 0 });
		// A 3-second video at $0.10 a second.
		const [videoItem] = video.items(FLORA_NODE);
		expect(videoItem.json).toMatchObject({ type: 'videoUrl', charged_cost: 0.3 });
	});

	test('every item starts its own generation, in order, each output paired with its item', async () => {
		const result = await runFlora(
			flora.sim,
			generate({ model: modelLocator('t2i-aurora-2-fast') }),
			{
				typeVersion: 2,
				triggerItems: prompts('a red chair', 'a blue lamp', 'a green rug'),
			},
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(creates().map((request) => (request.body as IDataObject).prompt)).toEqual([
			'a red chair',
			'a blue lamp',
			'a green rug',
		]);
		const runPrompts = items.map(
			(item) => flora.sim.getRun(item.json.run_id as string)!.inputs[0].value,
		);
		expect(runPrompts).toEqual(['a red chair', 'a blue lamp', 'a green rug']);
		// The model list is read once for the execution, not once per item.
		expect(flora.sim.countRequests('GET /models')).toBe(1);
	});

	test('not waiting outputs the started run at once, without reading it', async () => {
		const result = await runFlora(
			flora.sim,
			generate({ model: modelLocator('t2i-aurora-2-fast'), waitForCompletion: false }),
			{ typeVersion: 2 },
		);

		const [item] = result.items(FLORA_NODE);
		expect(item.json).toMatchObject({
			run_id: expect.stringMatching(/^run_/),
			type: 'generation',
			poll_url: expect.stringContaining(`/runs/${String(item.json.run_id)}`),
			generation_type: 'image',
			model_id: 't2i-aurora-2-fast',
		});
		expect(flora.sim.countRequests(READ_ANY_RUN_ROUTE)).toBe(0);
	});
});

describe('Generation → Generate with files', () => {
	test('a parameter that takes images given binary:data uploads the item’s file first, then sends its URL', async () => {
		const bytes = Buffer.from('\x89PNG\r\n\x1a\n a test image');
		const binary = await storeBinary(bytes, 'mug.png', 'image/png');

		const result = await runFlora(
			flora.sim,
			generate({
				model: modelLocator('i2i-aurora-2-edit'),
				modelParams: modelParams({ image_urls: 'binary:data\nhttps://cdn.example.com/b.png' }),
			}),
			{ typeVersion: 2, triggerItems: [{ json: {}, binary: { data: binary } }] },
		);

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.uploads).toHaveLength(1);
		expect(flora.sim.uploads[0]).toMatchObject({ size: bytes.length, contentType: 'image/png' });
		const upload = flora.sim.requests.findIndex((request) => request.route === 'POST /assets');
		const create = flora.sim.requests.findIndex((request) => request.route === GENERATE_ROUTE);
		expect(upload).toBeGreaterThanOrEqual(0);
		expect(upload).toBeLessThan(create);
		const [sent, second] = (createBody().params as { image_urls: string[] }).image_urls;
		expect(sent).toMatch(/^http/);
		expect(sent).toContain(flora.sim.uploads[0].assetId);
		expect(second).toBe('https://cdn.example.com/b.png');
	});

	test('Download Outputs attaches every image as binary data', async () => {
		const result = await runFlora(
			flora.sim,
			generate({
				model: modelLocator('t2i-aurora-2-fast'),
				modelParams: modelParams({ num_images: 2 }),
				options: { download: true },
			}),
			{ typeVersion: 2 },
		);

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(2);
		for (const item of items) {
			expect(item.binary?.data).toMatchObject({
				mimeType: 'image/png',
				fileName: `${String(item.json.output_id)}.png`,
			});
		}
		expect(flora.sim.mediaRequests.filter((request) => request.method === 'GET')).toHaveLength(2);
	});
});

describe('Generation → Generate, failed generations', () => {
	test('a failed generation stops the workflow with an error naming the run and its error code', async () => {
		const result = await runFlora(
			flora.sim,
			generate({
				model: modelLocator('t2i-aurora-2-pro'),
				prompt: 'a portrait #fail:safety_blocked',
			}),
			{ typeVersion: 2 },
		);

		expect(result.status).toBe('error');
		const error = result.nodes[FLORA_NODE].error!;
		const [run] = flora.sim.listRuns();
		expect(error.message).toBe(
			`The FLORA run ${run.run_id} failed: The request was blocked by the content safety filter.`,
		);
		expect(error.description).toContain('Error code: safety_blocked');
		expect(error.description).toContain(`Run ID: ${run.run_id}`);
		expect(error.description).toContain('Model: t2i-aurora-2-pro');
		expect(error.description).not.toMatch(/technique/i);
		expect(error.context).toMatchObject({ runId: run.run_id, errorCode: 'safety_blocked' });
	});

	test('under Continue On Fail the failed one becomes its item’s error item and the others complete', async () => {
		const result = await runFlora(
			flora.sim,
			generate({ model: modelLocator('t2i-aurora-2-fast') }),
			{
				typeVersion: 2,
				continueOnFail: true,
				triggerItems: prompts('first', 'second #fail:provider_error', 'third'),
			},
		);

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.status).toBe('completed');
		expect(items[2].json.status).toBe('completed');
		const failed = flora.sim.listRuns().find((run) => run.inputs[0].value.includes('#fail'))!;
		expect(items[1].json).toEqual({
			error: expect.objectContaining({
				message: `The FLORA run ${failed.run_id} failed: The model provider returned an error while running this generation.`,
				error_code: 'provider_error',
				run_id: failed.run_id,
			}),
		});
		// What the failure means speaks of the run, not of a technique.
		expect(String((items[1].json.error as IDataObject).description)).not.toMatch(/technique/i);
		expect(flora.sim.listRuns()).toHaveLength(3);
	});

	test('when the run cannot be read after it started, the error names the run and says how to collect it', async () => {
		flora.sim.injectFault({
			route: READ_ANY_RUN_ROUTE,
			kind: 'status',
			status: 404,
			code: 'not_found',
		});

		const result = await runFlora(
			flora.sim,
			generate({ model: modelLocator('t2i-aurora-2-fast') }),
			{
				typeVersion: 2,
			},
		);

		expect(result.status).toBe('error');
		const [run] = flora.sim.listRuns();
		const error = result.nodes[FLORA_NODE].error!;
		expect(error.context.runId).toBe(run.run_id);
		expect(error.description).toContain(`The run ${run.run_id} started in FLORA and goes on there`);
		// Run → Wait reads technique runs only: a generation is collected by its run ID.
		expect(error.description).toContain(
			`Collect this one with Generation → Get (Model: t2i-aurora-2-fast, Run ID: ${run.run_id})`,
		);
		expect(error.description).not.toContain('Run → Wait');
		expect(flora.sim.listRuns()).toHaveLength(1);
	});
});
