import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { TechniqueRun } from '../../../shared/flora/types';
import { collectPages } from '../../../shared/flora/paging';
import { readLimit, readPlaceFilters } from '../parameters';
import { getTechnique } from '../../../shared/flora/techniques';
import type { FloraClient } from '../../../shared/flora/client';
import { projectIdFilter, returnAllOrLimit, workspaceIdFilter } from '../common.descriptions';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Technique ID or Slug',
				name: 'technique',
				type: 'string',
				default: '',
				placeholder: 'tech_… or product-shot',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'completed',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Pending', value: 'pending' },
					{ name: 'Running', value: 'running' },
				],
			},
			workspaceIdFilter,
			projectIdFilter,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['getMany'] } },
	properties,
);

export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const limit = readLimit(this, itemIndex);
	// FLORA answers a malformed prj_ id with a 500: ids are checked here first.
	const qs = readPlaceFilters(this, filters, itemIndex);
	if (filters.status) qs.status = filters.status;
	if (typeof filters.technique === 'string' && filters.technique.trim() !== '') {
		qs.technique_id = (
			await getTechnique(client, filters.technique.trim(), itemIndex)
		).technique_id;
	}
	const runs = await collectPages<TechniqueRun>(
		client,
		'/technique-runs',
		'technique_runs',
		qs,
		limit,
		itemIndex,
	);
	return runs.map((run) => ({ json: { ...run }, pairedItem: { item: itemIndex } }));
}
