import type {
	IExecuteFunctions,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FloraClient } from '../../shared/flora/client';
import { createProject, projectsNamed } from '../../shared/flora/projects';
import { readPrefixedId } from './parameters';

/** The workspace a run, a project or an asset belongs to (runs are charged to it). */
export const workspaceLocator: INodeProperties = {
	displayName: 'Workspace',
	name: 'workspace',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The FLORA workspace: what is made belongs to it, and runs are charged to it',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a workspace…',
			typeOptions: { searchListMethod: 'searchWorkspaces', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. ws_abc123',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^ws_\\S+$', errorMessage: 'A workspace ID starts with ws_' },
				},
			],
		},
	],
};

/** The project of the workspace that a run's results go into. */
export const projectLocator: INodeProperties = {
	displayName: 'Project',
	name: 'project',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The FLORA project the results go into. By Name finds the project of the workspace with that name, and creates it when there is none.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a project…',
			typeOptions: { searchListMethod: 'searchProjects', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. prj_abc123',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^prj_\\S+$', errorMessage: 'A project ID starts with prj_' },
				},
			],
		},
		{
			displayName: 'By Name (Created If Missing)',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. Spring campaign',
		},
	],
};

function locatorOf(context: IExecuteFunctions, name: string, itemIndex: number) {
	const locator = context.getNodeParameter(name, itemIndex, '', { extractValue: false }) as
		| INodeParameterResourceLocator
		| string;
	return typeof locator === 'string'
		? { mode: 'id', value: locator.trim() }
		: { mode: locator.mode, value: String(locator.value ?? '').trim() };
}

export function readWorkspaceId(context: IExecuteFunctions, itemIndex: number): string {
	return readPrefixedId(
		context,
		locatorOf(context, 'workspace', itemIndex).value,
		'ws',
		'Workspace',
		itemIndex,
	);
}

/** The project as the builder chose it: by ID, or by a name to find or create. */
export type ProjectChoice = { id: string } | { name: string };

export function readProject(context: IExecuteFunctions, itemIndex: number): ProjectChoice {
	const { mode, value } = locatorOf(context, 'project', itemIndex);
	if (mode !== 'name') return { id: readPrefixedId(context, value, 'prj', 'Project', itemIndex) };
	if (value === '') {
		throw new NodeOperationError(context.getNode(), 'Project is empty', {
			itemIndex,
			description:
				'Give the name of the project to use (it is created when the workspace has none of that name), or pick one from the list.',
		});
	}
	return { name: value };
}

/** Finding or creating a project by name happens once per execution, whatever the items. */
const projectsByName = new WeakMap<FloraClient, Map<string, Promise<string>>>();

/**
 * The project ID of a choice: a name is looked up among the workspace's projects, and the
 * project is created when none has that name.
 */
export async function resolveProject(
	client: FloraClient,
	workspaceId: string,
	choice: ProjectChoice,
	itemIndex: number,
): Promise<string> {
	if ('id' in choice) return choice.id;
	let known = projectsByName.get(client);
	if (!known) {
		known = new Map();
		projectsByName.set(client, known);
	}
	const key = `${workspaceId}\u0000${choice.name}`;
	let projectId = known.get(key);
	if (!projectId) {
		projectId = findOrCreateProject(client, workspaceId, choice.name, itemIndex);
		known.set(key, projectId);
		projectId.catch(() => known?.delete(key));
	}
	return await projectId;
}

async function findOrCreateProject(
	client: FloraClient,
	workspaceId: string,
	name: string,
	itemIndex: number,
): Promise<string> {
	const [found] = await projectsNamed(client, workspaceId, name, itemIndex);
	if (found) return found.project_id;
	return (await createProject(client, workspaceId, name, itemIndex)).project_id;
}
