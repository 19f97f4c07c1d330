import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listActions, listModels, matchesWords } from '../../shared/flora/catalogue';
import { FloraClient } from '../../shared/flora/client';
import type { GenerationType, PageMeta, Project, Technique } from '../../shared/flora/types';
import { actionName, kindsOf, modelName, techniqueName } from '../actions/listNames';

const LIST_PAGE_SIZE = 25;

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
			name: techniqueName(technique),
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

/** One page of a list FLORA gives whole (models, actions): the token is the next offset. */
function pageOf<T>(
	entries: T[],
	paginationToken: string | undefined,
	toResult: (entry: T) => INodeListSearchResult['results'][number],
): INodeListSearchResult {
	const offset = Number(paginationToken ?? 0) || 0;
	const next = offset + LIST_PAGE_SIZE;
	return {
		results: entries.slice(offset, next).map(toResult),
		paginationToken: next < entries.length ? String(next) : undefined,
	};
}

/** The models of the chosen type of generation, with who makes them and what they take. */
export async function searchModels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const type = this.getCurrentNodeParameter('generationType') as GenerationType | undefined;
	const client = await FloraClient.create(this);
	const models = (await listModels(client, type)).filter((model) =>
		matchesWords(filter, model.model_id, model.name, model.provider),
	);
	return pageOf(models, paginationToken, (model) => ({
		name: modelName(model),
		value: model.model_id,
		description: `${model.provider} · about ${model.estimated_credits} credits and ${model.estimated_seconds} s a run${
			model.capabilities.length ? ` · ${model.capabilities.join(', ')}` : ''
		}`,
	}));
}

/** The actions FLORA offers, with their cost per run and what they do. */
export async function searchActions(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const client = await FloraClient.create(this);
	const actions = (await listActions(client)).filter((action) =>
		matchesWords(filter, action.action_id, action.name, action.description),
	);
	return pageOf(actions, paginationToken, (action) => ({
		name: actionName(action),
		value: action.action_id,
		description: `$${action.charged_cost.toFixed(2)} a run · ${action.inputs.map((port) => port.type).join(' + ') || 'nothing'} → ${action.outputs.map((port) => port.type).join(' + ') || 'nothing'} · ${action.description}`,
	}));
}

/** The projects of the chosen workspace, most recently active first. */
export async function searchProjects(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const workspace = this.getCurrentNodeParameter('workspace', { extractValue: true }) as
		| string
		| undefined;
	const workspaceId = String(workspace ?? '').trim();
	if (!/^ws_\S+$/.test(workspaceId)) return { results: [] };
	const client = await FloraClient.create(this);
	const response = await client.request<{ projects: Project[]; meta?: PageMeta }>({
		method: 'GET',
		path: '/projects',
		qs: {
			workspace_id: workspaceId,
			limit: LIST_PAGE_SIZE,
			...(filter ? { query: filter } : {}),
			...(paginationToken ? { cursor: paginationToken } : {}),
		},
		retry: 'safe',
	});
	return {
		results: response.body.projects.map((project) => ({
			name: project.name,
			value: project.project_id,
		})),
		paginationToken: response.body.meta?.next_cursor ?? undefined,
	};
}
