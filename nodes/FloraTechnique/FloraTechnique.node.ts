import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

export class FloraTechnique implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FLORA Technique',
		name: 'floraTechnique',
		icon: { light: 'file:../../icons/flora.svg', dark: 'file:../../icons/flora.dark.svg' },
		group: ['transform'],
		version: 1,
		description: 'Run FLORA techniques',
		defaults: { name: 'FLORA Technique' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'floraApi', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}
