/*
 * The shipped examples open clean in the editor: every FLORA Technique node is at the current
 * node version, and the inputs saved from a technique's fields are exactly the fields the node
 * gives for that technique now (n8n shows "Inputs are outdated" otherwise).
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

test.each(floraNodes)(
	'%s takes its inputs from the technique, saved as the node gives them now',
	async (_name, node) => {
		expect(node.parameters.inputsSource).toBe('fields');
		const saved = node.parameters.inputFields as unknown as ResourceMapperValue;
		const { fields } = await callResourceMapper(TYPE, 'getTechniqueInputFields', {
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
	},
);
