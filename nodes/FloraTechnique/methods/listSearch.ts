import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { PageMeta, Technique } from '../../shared/flora/types';
import { FloraClient } from '../../shared/flora/client';

const LIST_PAGE_SIZE = 25;

export async function searchTechniques(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await FloraClient.create(this);
	const response = await client.request<{ techniques: Technique[]; meta: PageMeta }>({
		method: 'GET',
		path: '/techniques',
		qs: {
			limit: LIST_PAGE_SIZE,
			...(filter ? { query: filter } : {}),
			...(paginationToken ? { cursor: paginationToken } : {}),
		},
		retry: 'safe',
	});
	return {
		results: response.body.techniques.map((technique) => ({
			name: technique.name,
			value: technique.technique_id,
			url: `https://app.flora.ai/techniques/${technique.technique_id}`,
			description: technique.description,
		})),
		paginationToken: response.body.meta?.next_cursor ?? undefined,
	};
}

export async function searchWorkspaces(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const client = await FloraClient.create(this);
	const response = await client.request<{
		workspaces: Array<{ workspace_id: string; name: string; role: string }>;
	}>({
		method: 'GET',
		path: '/workspaces',
		retry: 'safe',
	});
	const needle = filter?.toLowerCase() ?? '';
	return {
		results: response.body.workspaces
			.filter(
				(workspace) =>
					workspace.name.toLowerCase().includes(needle) || workspace.workspace_id.includes(needle),
			)
			.map((workspace) => ({
				name: `${workspace.name} (${workspace.role})`,
				value: workspace.workspace_id,
			})),
	};
}
