import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { getTechnique } from '../../../shared/flora/techniques';
import { finishRun } from '../../../shared/runs/finish';
import { readRun } from '../../../shared/runs/poll';
import { techniqueRunKind } from '../../runKinds';
import { runIdField, techniqueLocator, waitOptions } from '../common.descriptions';
import { readRunReference } from '../parameters';
import { readRunOptions } from '../runOptions';

const properties: INodeProperties[] = [
	techniqueLocator,
	runIdField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: waitOptions({ whenWaitingFor: false }),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['wait'] } },
	properties,
);

export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { technique, runId } = readRunReference(this, itemIndex);
	const options = readRunOptions(this, itemIndex);
	const startedAt = Date.now();
	const kind = techniqueRunKind(await getTechnique(client, technique, itemIndex));
	const run = await readRun(client, kind, { run_id: runId }, itemIndex);
	return await finishRun(this, client, kind, { run, startedAt }, options, itemIndex);
}
