import { DEFAULT_API_KEY } from '../simulator';
import { runWorkflow } from './harness/engine';
import {
	FLORA_NODE,
	floraCredentials,
	prompts,
	runFlora,
	runTechniqueWorkflow,
	technique,
	textInput,
	useSimulator,
	withNodesAfterFlora,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

describe('FLORA Technique → Run, waiting for the run', () => {
	test('a completed run yields one item per output, in FLORA’s order, for all five output types', async () => {
		const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.type)).toEqual([
			'imageUrl',
			'videoUrl',
			'audioUrl',
			'text',
			'documentUrl',
		]);
		const runId = items[0].json.run_id as string;
		const run = flora.sim.getRun(runId);
		expect(run).toBeDefined();
		for (const item of items) {
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json).toMatchObject({
				run_id: runId,
				technique_id: 'tech_every_output',
				status: 'completed',
				charged_cost: expect.any(Number),
				created_at: expect.any(Number),
				created_at_iso: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				completed_at: expect.any(Number),
				completed_at_iso: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				output_id: expect.any(String),
			});
		}
		// Each output is named after the technique's output slot it fills, name and type first.
		expect(items.map((item) => [item.json.output_name, item.json.output_slot])).toEqual([
			['Image', 'image'],
			['Video', 'video'],
			['Audio', 'audio'],
			['Text', 'text'],
			['Document', 'document'],
		]);
		expect(Object.keys(items[0].json).slice(0, 3)).toEqual(['output_name', 'type', 'url']);
		// A text output carries its text once, under `text`; the others their file's URL.
		const text = items.find((item) => item.json.type === 'text')!;
		expect(text.json).not.toHaveProperty('url');
		expect(String(text.json.text).length).toBeGreaterThan(0);
		const media = items.filter((item) => item.json.type !== 'text');
		for (const item of media) expect(String(item.json.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
	});

	test('the perRun layout yields one item per run with an outputs array', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { outputLayout: 'perRun' },
		});

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const outputs = items[0].json.outputs as Array<Record<string, unknown>>;
		expect(outputs.map((output) => output.type)).toEqual([
			'imageUrl',
			'videoUrl',
			'audioUrl',
			'text',
			'documentUrl',
		]);
		expect(outputs[3]).toMatchObject({ output_name: 'Text', text: expect.any(String) });
		expect(outputs[3]).not.toHaveProperty('url');
		expect(items[0].json).toMatchObject({ status: 'completed', technique_id: 'tech_every_output' });
	});

	test('a technique named by its FLORA URL runs the technique of that slug', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('https://app.flora.ai/techniques/voiceover', 'url'),
			inputs: textInput('Welcome to the spring collection.', 'script'),
		});

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			technique_id: 'tech_voiceover',
			type: 'audioUrl',
			status: 'completed',
		});
	});

	test('every input item starts its own run and its outputs stay paired with it', async () => {
		const result = await runFlora(
			flora.sim,
			{ technique: technique('every-output-type'), options: { outputLayout: 'perRun' } },
			{ triggerItems: prompts('a red chair', 'a blue lamp') },
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(new Set(items.map((item) => item.json.run_id)).size).toBe(2);
		expect(flora.sim.runsCreated({ technique: 'tech_every_output' })).toBe(2);
		const bodies = flora.sim.requests
			.filter((request) => request.method === 'POST')
			.map((request) => (request.body as { inputs: Array<{ value: string }> }).inputs[0].value);
		expect(bodies).toEqual(['a red chair', 'a blue lamp']);
	});
});

test('the output pane hints at what the technique costs and what FLORA charged, failed runs counted as started', async () => {
	const result = await runFlora(
		flora.sim,
		{
			technique: technique('every-output-type'),
			inputs: textInput('={{ $json.prompt }}'),
			options: { outputLayout: 'perRun' },
		},
		{ continueOnFail: true, triggerItems: prompts('one', 'two', 'three #fail:provider_error') },
	);

	const [task] = result.run.data.resultData.runData[FLORA_NODE];
	expect(task.hints).toEqual([
		{
			message:
				'"Every Output Type" costs $0.50 a run. This execution started 3 runs; FLORA charged $1.00 for those that completed.',
			location: 'outputPane',
		},
	]);
});

describe('FLORA Technique → Run, not waiting', () => {
	test('outputs the started run as FLORA returned it, without reading it again', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			waitForCompletion: false,
		});

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			run_id: expect.stringMatching(/^run_/),
			status: 'pending',
			poll_url: expect.stringContaining('/runs/'),
			technique_id: 'tech_every_output',
		});
		expect(flora.sim.countRequests('GET /techniques/{techniqueId}/runs/{runId}')).toBe(0);
	});
});

describe('FLORA Technique → Run, failed runs', () => {
	test('a failed run stops the workflow with an error carrying the error code, message and run id', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			inputs: textInput('a portrait #fail:safety_blocked'),
		});

		expect(result.status).toBe('error');
		const error = result.nodes[FLORA_NODE].error!;
		const run = flora.sim.requests.find((request) => request.method === 'POST');
		expect(run).toBeDefined();
		expect(error.message).toMatch(/^The FLORA run run_\S+ failed: /);
		expect(error.description).toContain('Error code: safety_blocked');
		expect(error.description).toContain('safety filters');
		expect(error.context).toMatchObject({
			errorCode: 'safety_blocked',
			runId: expect.stringMatching(/^run_/),
		});
		expect(error.context.errorMessage).toEqual(expect.any(String));
	});

	test('under Continue On Fail a failed run becomes an error item for its input item', async () => {
		const result = await runFlora(
			flora.sim,
			{ technique: technique('every-output-type'), inputs: textInput('={{ $json.prompt }}') },
			{ continueOnFail: true, triggerItems: prompts('a portrait #fail:provider_error') },
		);

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toEqual({
			error: expect.objectContaining({
				message: expect.stringContaining('failed'),
				error_code: 'provider_error',
				error_message: expect.any(String),
				run_id: expect.stringMatching(/^run_/),
			}),
		});
	});

	test('with On Error "Continue (using error output)" a failed run’s item goes to the error output, the others to the success output', async () => {
		const workflow = withNodesAfterFlora(
			runTechniqueWorkflow({
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun' },
			}),
			'Completed',
			'Failed',
		);

		const result = await runWorkflow(workflow, {
			credentials: floraCredentials(flora.sim),
			triggerItems: prompts('fine', 'bad #fail:provider_error'),
		});

		expect(result.status).toBe('success');
		expect(result.items('Completed').map((item) => item.json.status)).toEqual(['completed']);
		const [failed] = result.items('Failed');
		expect(failed.json).toMatchObject({
			prompt: 'bad #fail:provider_error',
			error: { error_code: 'provider_error', run_id: expect.stringMatching(/^run_/) },
		});
	});

	test('three items where the middle run fails: the others still run and every item stays paired', async () => {
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('every-output-type'),
				inputs: textInput('={{ $json.prompt }}'),
				options: { outputLayout: 'perRun' },
			},
			{
				continueOnFail: true,
				triggerItems: prompts('first', 'second #fail:model_timeout', 'third'),
			},
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.status).toBe('completed');
		expect(items[1].json.error).toMatchObject({ error_code: 'model_timeout' });
		expect(items[2].json.status).toBe('completed');
		expect(flora.sim.runsCreated({ technique: 'tech_every_output' })).toBe(3);
	});
});

test('the API key is sent only as a bearer token and never appears in any output item', async () => {
	const result = await runFlora(flora.sim, { technique: technique('every-output-type') });

	expect(JSON.stringify(result.items(FLORA_NODE))).not.toContain(DEFAULT_API_KEY);
	for (const request of flora.sim.requests) {
		expect(request.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
	}
});
