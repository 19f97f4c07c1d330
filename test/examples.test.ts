/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * The shipped examples open clean in the editor: every FLORA node is at the current
 * node version, and the fields saved in each resource mapper (technique inputs, model
 * parameters, action inputs) are exactly the fields the node
 * gives now (n8n shows "Inputs are outdated" otherwise).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { INodeParameters, IWorkflowBase, ResourceMapperValue } from 'n8n-workflow';

import { callResourceMapper, loadPackage } from './harness/engine';
import { floraCredentials, useSimulator } from './harness/flora';

const flora = useSimulator();
const EXAMPLES = path.resolve(__dirname, '..', 'examples');
const TYPE = 'n8n-nodes-flora.floraTechnique';

const floraNodes = readdirSync(EXAMPLES)
	.filter((file) => file.endsWith('.json'))
	.flatMap((file) => {
		const workflow = JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as IWorkflowBase;
		return workflow.nodes
			.filter((node) => node.type === TYPE)
			.map((node) => [`${file}: ${node.name}`, node] as const);
	});

test('the examples hold FLORA Technique nodes to check', () => {
	expect(floraNodes.length).toBeGreaterThanOrEqual(4);
});

test.each(floraNodes)('%s is at the node’s current version', async (_name, node) => {
	const { nodeTypes } = await loadPackage();
	const type = nodeTypes.getByName(TYPE) as { description: { defaultVersion?: number } };
	expect(node.typeVersion).toBe(type.description.defaultVersion);
});

const MAPPERS = {
	inputFields: 'getTechniqueInputFields',
	modelParams: 'getModelParamFields',
	actionFields: 'getActionInputFields',
} as const;

const mappedNodes = floraNodes.flatMap(([name, node]) =>
	Object.entries(MAPPERS)
		.filter(([parameter]) => node.parameters[parameter] !== undefined)
		.map(([parameter, method]) => [`${name} (${parameter})`, node, parameter, method] as const),
);

test('the technique runs of the examples take their inputs from the technique', () => {
	const runs = floraNodes.filter(([, node]) => node.parameters.resource === 'technique');
	expect(runs.length).toBeGreaterThanOrEqual(4);
	for (const [, node] of runs) expect(node.parameters.inputsSource).toBe('fields');
});

test.each(mappedNodes)(
	'%s is saved as the node gives its fields now',
	async (_name, node, parameter, method) => {
		const saved = node.parameters[parameter] as unknown as ResourceMapperValue;
		const { fields } = await callResourceMapper(TYPE, method, {
			parameters: node.parameters as INodeParameters,
			credentials: floraCredentials(flora.sim)!,
		});
		// `removed` is the builder's own choice, not part of what the node gives.
		const schema = saved.schema.map((field) => {
			const copy = { ...field };
			delete copy.removed;
			return copy;
		});
		expect(schema).toEqual(fields);
		// What the example sets is a field of the schema, not one the builder removed.
		const shown = new Set(saved.schema.filter((field) => !field.removed).map((field) => field.id));
		for (const id of Object.keys(saved.value ?? {})) expect(shown.has(id)).toBe(true);
	},
);
