/*
 * What an AI agent's model (or an MCP client) is told of the FLORA tool, exactly as n8n-core
 * builds it (createNodeAsTool: the description from getToolDescriptionForNode, the arguments
 * from the node's $fromAI() calls), for the tool as n8n's editor saves it: the technique,
 * model or action picked from its list, the inputs as the resource mapper first fills them.
 */
import type { INode, INodeParameters, ResourceMapperValue } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { mapperAsEditorFillsIt, pickedFromList, toolAsModelSeesIt } from './harness/agent';
import { callListSearch, callResourceMapper, loadPackage } from './harness/engine';
import { floraCredentials, technique, useSimulator } from './harness/flora';
import { PROJECT_ID, WORKSPACE_ID } from './harness/generation';

const flora = useSimulator({ timeScale: 20 });
const TOOL = 'n8n-nodes-flora.floraTechniqueTool';
const credentials = () => floraCredentials(flora.sim)!;

const ANSWER = (idField: string) =>
	`Waits until the run ends (up to 600 s), then answers {"run_id", "status", "charged_cost", "${idField}", "outputs": [{"name", "type", "url"}]} (a text output has "text" in place of "url"), or {"error": {"message", "description", "run_id"} }.`;

/**
 * An operation of the tool as the editor saves it once the builder picked from the list
 * (`locator`, by the name shown) and the resource mapper (`mapper`) loaded its fields.
 */
async function asSaved(
	parameters: INodeParameters & { resource: string; operation: string },
	pick: { locator: string; list: string; name: string },
	mapper: { parameter: string; method: string; addAllFields: boolean },
) {
	const { results } = await callListSearch(TOOL, pick.list, {
		credentials: credentials(),
		parameters,
		filter: pick.name,
	});
	const picked = pickedFromList(
		results.find((result) => result.name.startsWith(`${pick.name} (`))!,
	);
	const withPick = { ...parameters, [pick.locator]: picked };
	const fields = await callResourceMapper(TOOL, mapper.method, {
		parameters: withPick,
		credentials: credentials(),
	});
	return {
		...withPick,
		[mapper.parameter]: mapperAsEditorFillsIt(fields, { addAllFields: mapper.addAllFields }),
	};
}

/** Technique → Run in the tool as the editor saves it once the technique is picked from the list. */
async function techniqueTool(name: string, parameters: INodeParameters = {}) {
	return await asSaved(
		{ resource: 'technique', operation: 'run', ...parameters },
		{ locator: 'technique', list: 'searchTechniques', name },
		{ parameter: 'inputFields', method: 'getTechniqueInputFields', addAllFields: true },
	);
}

const INTO_THE_DEFAULT_PROJECT = {
	workspace: { __rl: true, mode: 'id', value: WORKSPACE_ID },
	project: { __rl: true, mode: 'id', value: PROJECT_ID },
};

describe('the FLORA tool as the model sees it', () => {
	test('Technique → Run names the technique, its ID and cost, each argument with its kind, the outputs and the answer', async () => {
		const { tool } = await toolAsModelSeesIt(await techniqueTool('Product Shot'), {
			credentials: credentials(),
		});

		expect(tool.name).toBe('FLORA');
		expect(tool.description).toBe(
			'Runs the FLORA technique "Product Shot" (tech_product_shot) at $0.12 a run. ' +
				'Arguments: prompt (Scene prompt: text, required); ' +
				'product_image (Product image: image URL, or an element ID (el_…), required); ' +
				'style_reference (Style reference: image URL, aspect ratio 4:5, optional). ' +
				'Outputs: image. ' +
				ANSWER('technique_id'),
		);
		expect(tool.parameters.properties).toEqual({
			prompt: {
				type: 'string',
				description: 'Scene prompt: text, required. Describe the scene, light and mood.',
			},
			product_image: {
				type: 'string',
				description:
					'Product image: image URL, or an element ID (el_…), required. A clean photo of the product, ideally on a plain background.',
			},
			style_reference: {
				type: 'string',
				description:
					'Style reference: image URL, aspect ratio 4:5, optional. An empty string leaves it out. Optional image whose look the scene should follow.',
			},
		});
		expect(tool.parameters.required).toEqual(['prompt', 'product_image', 'style_reference']);
	});

	test('the arguments the model gives reach the run: each slot gets its argument, an empty optional one is left out', async () => {
		const { answer } = await toolAsModelSeesIt(await techniqueTool('Product Shot'), {
			credentials: credentials(),
			callWith: {
				prompt: 'a mug on a sunlit table',
				product_image: 'https://cdn.example.com/mug.png',
				style_reference: '',
			},
		});

		expect(answer).toEqual([
			expect.objectContaining({ status: 'completed', technique_id: 'tech_product_shot' }),
		]);
		const create = flora.sim.requests.find((request) => request.method === 'POST');
		expect((create?.body as { inputs: unknown }).inputs).toEqual([
			{ id: 'prompt', type: 'text', value: 'a mug on a sunlit table' },
			{ id: 'product_image', type: 'imageUrl', value: 'https://cdn.example.com/mug.png' },
		]);
	});

	test('an input the workflow sets is named as set by the workflow, and only the others are arguments', async () => {
		const parameters = await techniqueTool('Product Shot', { modelFillsInputs: false });
		const mapper = parameters.inputFields as ResourceMapperValue;
		expect(mapper.value).toEqual({});
		const value = {
			prompt: "={{ $fromAI('scene', 'What to show', 'string') }}",
			product_image: 'https://cdn.example.com/mug.png',
		};

		const { tool } = await toolAsModelSeesIt(
			{ ...parameters, inputFields: { ...mapper, value } },
			{ credentials: credentials() },
		);

		expect(tool.description).toContain(
			'Arguments: scene (What to show). Set by the workflow: Product image (image).',
		);
		expect(Object.keys(tool.parameters.properties)).toEqual(['scene']);
	});

	test('with inputs defined below or as JSON, a value asking the model is an argument and the others are set by the workflow', async () => {
		const base = { resource: 'technique', operation: 'run', technique: technique('product-shot') };
		const below = await toolAsModelSeesIt(
			{
				...base,
				inputsSource: 'manual',
				inputs: {
					input: [
						{ id: 'prompt', type: 'text', value: "={{ $fromAI('scene', 'The scene', 'string') }}" },
						{ id: 'product_image', type: 'imageUrl', value: 'https://cdn.example.com/mug.png' },
					],
				},
			},
			{ credentials: credentials() },
		);
		expect(below.tool.description).toContain(
			'Arguments: scene (The scene). Set by the workflow: product_image.',
		);

		const json = await toolAsModelSeesIt(
			{
				...base,
				inputsSource: 'json',
				inputsJson: "={{ $fromAI('inputs', 'The inputs as a JSON array', 'json') }}",
			},
			{ credentials: credentials() },
		);
		expect(json.tool.description).toContain(
			'Takes its inputs as a JSON array of {"id", "type", "value"}.',
		);
		expect(json.tool.parameters.properties.inputs.description).toBe('The inputs as a JSON array');
	});

	test('a technique given by ID is named with its cost and outputs all the same: its input fields carry them', async () => {
		const parameters = { ...(await techniqueTool('Voiceover')), technique: technique('voiceover') };

		const { tool } = await toolAsModelSeesIt(parameters, { credentials: credentials() });

		expect(tool.description).toMatch(
			/^Runs the FLORA technique "Voiceover" \(voiceover\) at \$\d+\.\d\d a run\. Arguments: script \(Script: text, required\)\. Outputs: audio\. /,
		);
		expect(tool.description).toContain(ANSWER('technique_id'));
	});

	test('without its input fields (inputs defined below), a technique given by ID is named by its ID alone', async () => {
		const { tool } = await toolAsModelSeesIt(
			{
				resource: 'technique',
				operation: 'run',
				technique: technique('voiceover'),
				inputsSource: 'manual',
				inputs: { input: [{ id: 'script', type: 'text', value: "={{ $fromAI('script') }}" }] },
			},
			{ credentials: credentials() },
		);

		expect(tool.description).toBe(
			'Runs the FLORA technique voiceover. Arguments: script (script: text). ' +
				ANSWER('technique_id'),
		);
	});

	test('with Wait for Completion off, the tool says it answers at once with the started run', async () => {
		const parameters = await techniqueTool('Voiceover', { waitForCompletion: false });

		const { tool } = await toolAsModelSeesIt(parameters, { credentials: credentials() });

		expect(tool.description).toMatch(
			/Starts the run and answers at once with \{"run_id", "status"\} \(it does not wait for the outputs\), or \{"error"/,
		);
	});

	test('Generation → Generate names the model and its credits and the kind made; the prompt is described in the arguments', async () => {
		const parameters = await asSaved(
			{ resource: 'generation', operation: 'generate', generationType: 'image' },
			{ locator: 'model', list: 'searchModels', name: 'Aurora 2 Pro' },
			{ parameter: 'modelParams', method: 'getModelParamFields', addAllFields: false },
		);

		const { tool, answer } = await toolAsModelSeesIt(
			{ ...parameters, ...INTO_THE_DEFAULT_PROJECT },
			{ credentials: credentials(), callWith: { prompt: 'a ceramic mug' } },
		);

		expect(tool.description).toBe(
			'Generates an image with the FLORA model "Aurora 2 Pro" (t2i-aurora-2-pro), about 8 credits a run. ' +
				'Takes a prompt. Output: image. ' +
				ANSWER('model_id'),
		);
		expect(tool.parameters.properties).toEqual({
			prompt: {
				type: 'string',
				description: 'Prompt: text, required. What the model makes, described in words.',
			},
		});
		expect(answer).toEqual([expect.objectContaining({ status: 'completed' })]);
		const create = flora.sim.requests.find((request) => request.method === 'POST');
		expect(create?.body).toMatchObject({ model: 't2i-aurora-2-pro', prompt: 'a ceramic mug' });
	});

	test('Action → Run names the action, its cost and outputs, and its media inputs as arguments', async () => {
		const parameters = await asSaved(
			{ resource: 'action', operation: 'run' },
			{ locator: 'action', list: 'searchActions', name: 'Resize Video' },
			{ parameter: 'actionFields', method: 'getActionInputFields', addAllFields: true },
		);

		const { tool } = await toolAsModelSeesIt(
			{ ...parameters, ...INTO_THE_DEFAULT_PROJECT },
			{ credentials: credentials() },
		);

		expect(tool.description).toBe(
			'Runs the FLORA action "Resize Video" (resize-video) at $0.02 a run. ' +
				'Arguments: video (Video: video URL, required). ' +
				'Set by the workflow: Resolution, Custom Resolution (px). Outputs: video. ' +
				ANSWER('action_id'),
		);
		expect(Object.keys(tool.parameters.properties)).toEqual(['video']);
	});
});

describe('a description the builder writes', () => {
	test('"Set Manually" gives the model the text as written, or an expression resolved', async () => {
		const parameters = await techniqueTool('Voiceover', { descriptionType: 'manual' });

		const written = await toolAsModelSeesIt(
			{ ...parameters, toolDescriptionText: 'Reads a script aloud.' },
			{ credentials: credentials() },
		);
		expect(written.tool.description).toBe('Reads a script aloud.');

		const expression = await toolAsModelSeesIt(
			{ ...parameters, toolDescriptionText: '={{ "Reads " + "a script" }} aloud.' },
			{ credentials: credentials() },
		);
		expect(expression.tool.description).toBe('Reads a script aloud.');
	});

	test("a description saved in n8n's own field by an earlier version stays what the model gets", async () => {
		const parameters = await techniqueTool('Voiceover', {
			descriptionType: 'manual',
			toolDescription: 'Narrates a script.',
		});

		const { tool } = await toolAsModelSeesIt(parameters, { credentials: credentials() });

		expect(tool.description).toBe('Narrates a script.');
	});

	test("operations that start no run keep n8n's description of the operation", async () => {
		const { tool } = await toolAsModelSeesIt(
			{ resource: 'technique', operation: 'getMany', returnAll: true },
			{ credentials: credentials() },
		);

		expect(tool.description).toBe('Get many techniques in FLORA');
	});
});

describe('outside the tool', () => {
	test("the node has none of the tool's fields, and its prompt and inputs start empty", async () => {
		const { nodeTypes } = await loadPackage();
		const node = nodeTypes.getByNameAndVersion('n8n-nodes-flora.floraTechnique', 2);
		const defaults = (parameters: INodeParameters) =>
			NodeHelpers.getNodeParameters(
				node.description.properties,
				parameters,
				true,
				false,
				{ typeVersion: 2, parameters } as INode,
				node.description,
			)!;

		const run = defaults({ resource: 'technique', operation: 'run' });
		for (const name of ['descriptionType', 'toolDescription', 'modelFillsInputs']) {
			expect(run).not.toHaveProperty(name);
		}
		expect(defaults({ resource: 'generation', operation: 'generate' }).prompt).toBe('');
		const fields = await callResourceMapper(
			'n8n-nodes-flora.floraTechnique',
			'getTechniqueInputFields',
			{
				parameters: { technique: technique('voiceover') },
				credentials: credentials(),
			},
		);
		expect(fields.fields.map((field) => field.defaultValue)).toEqual([undefined]);
	});
});
