import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { PageMeta, Technique } from '../../shared/flora/types';
import { FloraClient } from '../../shared/flora/client';

const LIST_PAGE_SIZE = 25;

const KINDS: Record<string, string> = {
	text: 'text',
	imageUrl: 'image',
	videoUrl: 'video',
	audioUrl: 'audio',
	documentUrl: 'document',
};

/** What the kinds of a technique's slots are, each once: "image + text". */
function kindsOf(slots: Technique['inputs']): string {
	return [...new Set(slots.map((slot) => KINDS[slot.type] ?? slot.type))].join(' + ') || 'nothing';
}

/**
 * What helps choose a technique in the picker: its cost per run, what it takes and what it
 * gives, then its description. (FLORA's list does not say whether a technique is archived:
 * such a technique is refused only when a run is started.)
 */
function techniqueSummary(technique: Technique): string {
	const summary = `$${technique.run_cost.toFixed(2)} a run · ${kindsOf(technique.inputs)} → ${kindsOf(technique.outputs)}`;
	return technique.description ? `${summary} · ${technique.description}` : summary;
}

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
			description: techniqueSummary(technique),
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
