import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FloraClient } from '../../shared/flora/client';
import { mapItems } from '../../shared/items';
import type { FloraType } from './node.type';
import * as action from './action/Action.resource';
import * as asset from './asset/Asset.resource';
import * as generation from './generation/Generation.resource';
import * as model from './model/Model.resource';
import * as project from './project/Project.resource';
import * as run from './run/Run.resource';
import * as technique from './technique/Technique.resource';

/** An operation over the whole batch of items (it starts runs at a concurrency of its own). */
interface BatchOperation {
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
}

/** An operation that turns one item into its results; the router runs it for every item. */
interface ItemOperation {
	executeItem(
		this: IExecuteFunctions,
		client: FloraClient,
		itemIndex: number,
	): Promise<INodeExecutionData[]>;
}

const resources: Record<FloraType['resource'], Record<string, unknown>> = {
	technique,
	generation,
	action,
	model,
	project,
	asset,
	run,
};

function isOperation(candidate: unknown): candidate is BatchOperation | ItemOperation {
	return (
		typeof candidate === 'object' &&
		candidate !== null &&
		('execute' in candidate || 'executeItem' in candidate)
	);
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as FloraType['resource'];
	const operation = this.getNodeParameter('operation', 0) as string;
	const chosen = resources[resource]?.[operation];
	if (!isOperation(chosen)) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	if ('execute' in chosen) return [await chosen.execute.call(this, items)];
	const client = await FloraClient.create(this);
	return [
		await mapItems(this, items, async (_item, itemIndex) =>
			chosen.executeItem.call(this, client, itemIndex),
		),
	];
}
