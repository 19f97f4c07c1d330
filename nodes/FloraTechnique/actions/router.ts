import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FloraType } from './node.type';
import * as run from './run/Run.resource';
import * as technique from './technique/Technique.resource';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter<FloraType>('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	const floraNode = { resource, operation } as FloraType;

	switch (floraNode.resource) {
		case 'technique':
			return [await technique[floraNode.operation].execute.call(this, items)];
		case 'run':
			return [await run[floraNode.operation].execute.call(this, items)];
		default:
			throw new NodeOperationError(this.getNode(), `The resource "${resource}" is not supported`);
	}
}
