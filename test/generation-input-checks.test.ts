/*
 * Generation → Generate refuses what FLORA would refuse, before anything is paid for: the
 * error names the field, and no generation is started (only FLORA's free model list is read).
 */
import type { INodeParameters } from 'n8n-workflow';

import { storeBinary } from './harness/engine';
import { FLORA_NODE, prompts, runFlora, useSimulator } from './harness/flora';
import {
	GENERATE_ROUTE,
	MODELS_ROUTE,
	generate,
	modelLocator,
	modelParams,
} from './harness/generation';

const flora = useSimulator({ timeScale: 50 });

const paidRequests = () =>
	flora.sim.requests.filter((request) => request.method === 'POST').map((request) => request.route);

async function refused(parameters: INodeParameters, triggerItems = prompts('a mug')) {
	const result = await runFlora(flora.sim, generate(parameters), { typeVersion: 2, triggerItems });
	expect(result.status).toBe('error');
	expect(paidRequests()).toEqual([]);
	expect(flora.sim.listRuns()).toEqual([]);
	return result.nodes[FLORA_NODE].error!;
}

const withParams = (model: string, values: Record<string, unknown>, type = 'image') => ({
	generationType: type,
	model: modelLocator(model),
	modelParams: modelParams(values),
});

describe('bad parameters fail before any request that starts a generation', () => {
	test('an empty prompt, before any request at all', async () => {
		const error = await refused({ prompt: '   ' });
		expect(error.message).toBe('Prompt is empty');
		expect(flora.sim.requests).toEqual([]);
	});

	test('a model FLORA does not offer for the type, naming it and listing those it offers', async () => {
		const unknown = await refused({ model: modelLocator('flux-pro') });
		expect(unknown.message).toBe('FLORA offers no image model "flux-pro"');
		expect(unknown.description).toContain('t2i-aurora-2-pro');
		flora.sim.requests.length = 0;

		const otherType = await refused({ model: modelLocator('t2v-drift-1-5') });
		expect(otherType.message).toBe('FLORA offers no image model "t2v-drift-1-5"');
		expect(flora.sim.countRequests(MODELS_ROUTE)).toBe(1);
	});

	test.each([
		[
			'a number out of range',
			't2i-aurora-2-pro',
			{ num_images: 9 },
			/"Number of images" \(num_images\) must be 1–4, not 9/,
		],
		[
			'a float under its minimum',
			't2i-aurora-2-pro',
			{ guidance_scale: 0.5 },
			/\(guidance_scale\) must be 1–20, not 0.5/,
		],
		[
			'a word for a number',
			't2i-aurora-2-pro',
			{ seed: 'lucky' },
			/\(seed\) takes a number, not "lucky"/,
		],
		[
			'a fraction for a whole number',
			't2i-aurora-2-pro',
			{ seed: 1.5 },
			/\(seed\) takes a whole number, not 1.5/,
		],
		['a negative seed', 't2i-aurora-2-pro', { seed: -1 }, /\(seed\) must be 0–2147483647, not -1/],
		[
			'a word for a boolean',
			't2i-aurora-2-pro',
			{ enhance_prompt: 'maybe' },
			/\(enhance_prompt\) takes true or false, not "maybe"/,
		],
		[
			'a value not among the options',
			't2i-aurora-2-pro',
			{ aspect_ratio: '7:3' },
			/\(aspect_ratio\) takes one of 1:1, 4:5, 3:2, 16:9, 9:16, not "7:3"/,
		],
		[
			'a parameter the model does not have',
			't2i-aurora-2-fast',
			{ guidance_scale: 3 },
			/^The model "Aurora 2 Fast" has no parameter "guidance_scale"$/,
		],
		[
			'a missing required parameter',
			'i2i-aurora-2-edit',
			{ strength: 0.5 },
			/"Images" \(image_urls\) is required/,
		],
	])('%s', async (_case, model, values, message) => {
		const error = await refused(withParams(model, values));
		expect(error.message).toMatch(message);
	});

	test.each([
		['not JSON', '{pan: 0.5', /\(camera\) takes an object/],
		['a list, not an object', '[0.5]', /\(camera\) takes an object/],
		[
			'a key the dict does not have',
			'{"roll": 0.5}',
			/\(camera\) has no key "roll"; its keys are pan, tilt, zoom/,
		],
		['a key out of its range', '{"pan": 3}', /\(camera\) key "pan" must be a number -1–1, not 3/],
	])('a dict parameter given %s', async (_case, camera, message) => {
		const error = await refused(withParams('t2v-drift-1-5', { camera }, 'video'));
		expect(error.message).toMatch(message);
	});

	test('one bad item among several starts nothing for any of them', async () => {
		const error = await refused(
			{ ...withParams('t2i-aurora-2-fast', { num_images: '={{ $json.count }}' }) },
			[{ count: 1 }, { count: 2 }, { count: 5 }],
		);
		expect(error.message).toMatch(/\(num_images\) must be 1–4, not 5/);
	});

	test('a binary:<field> the item does not have starts nothing for any item', async () => {
		const binary = await storeBinary(Buffer.from('\x89PNG\r\n\x1a\n'), 'a.png', 'image/png');
		const error = await refused(withParams('i2i-aurora-2-edit', { image_urls: 'binary:photo' }), [
			{ json: {}, binary: { photo: binary } },
			{ json: {}, binary: { data: binary } },
		] as never);
		expect(error.message).toMatch(/photo/);
		expect(flora.sim.uploads).toEqual([]);
	});
});

describe('Max Cost per Execution for generations', () => {
	const cheap = { model: modelLocator('t2i-aurora-2-fast') };
	const three = prompts('one', 'two', 'three');

	test('a batch that would cost more than the cap at the Assumed Cost per Run starts nothing', async () => {
		const error = await refused({ ...cheap, options: { maxCost: 0.25, assumedCost: 0.1 } }, three);
		expect(error.message).toBe(
			'These 3 runs would cost $0.30, more than the Max Cost per Execution of $0.25',
		);
		expect(error.description).toContain('3 of them count as the Assumed Cost per Run ($0.10)');
	});

	test('without an Assumed Cost per Run the cap cannot be kept (a model’s estimate is in credits): refused', async () => {
		const error = await refused({ ...cheap, options: { maxCost: 100 } }, three);
		expect(error.message).toBe(
			'Max Cost per Execution is set, but FLORA states no cost in dollars for the model "Aurora 2 Fast" before it runs',
		);
		expect(error.description).toMatch(/Assumed Cost per Run/);
	});

	test('a batch within the cap runs', async () => {
		const result = await runFlora(
			flora.sim,
			generate({ ...cheap, options: { maxCost: 0.3, assumedCost: 0.1 } }),
			{ typeVersion: 2, triggerItems: three },
		);
		expect(result.status).toBe('success');
		expect(flora.sim.countRequests(GENERATE_ROUTE)).toBe(3);
	});
});
