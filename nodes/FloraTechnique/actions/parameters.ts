import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export const TECHNIQUE_URL_REGEX =
	'https://app\\.flora\\.ai/techniques/([A-Za-z0-9][A-Za-z0-9_-]*)';
export const TECHNIQUE_ID_REGEX = '(tech_\\S+|[a-z0-9][a-z0-9-]*)';

/** The technique id or slug a resource locator names, checked before any request. */
export function readTechnique(context: IExecuteFunctions, itemIndex: number): string {
	const locator = context.getNodeParameter('technique', itemIndex, '', {
		extractValue: false,
	}) as INodeParameterResourceLocator | string;
	const mode = typeof locator === 'string' ? 'id' : locator.mode;
	const raw = String(typeof locator === 'string' ? locator : (locator.value ?? '')).trim();
	if (raw === '') {
		throw new NodeOperationError(context.getNode(), 'No technique chosen', {
			itemIndex,
			description: 'Set "Technique" to a technique ID (tech_…), its slug, or its FLORA URL.',
		});
	}
	if (mode === 'url') {
		const match = raw.match(new RegExp(`^${TECHNIQUE_URL_REGEX}/?(?:[?#].*)?$`));
		if (!match) {
			throw new NodeOperationError(context.getNode(), `"${raw}" is not a FLORA technique URL`, {
				itemIndex,
				description:
					'Paste the address of the technique as FLORA shows it: https://app.flora.ai/techniques/<slug>.',
			});
		}
		return match[1];
	}
	if (!new RegExp(`^${TECHNIQUE_ID_REGEX}$`).test(raw)) {
		throw new NodeOperationError(context.getNode(), `"${raw}" is not a technique ID or slug`, {
			itemIndex,
			description:
				'A technique ID starts with "tech_"; a slug is lower-case words joined by dashes, like "product-shot".',
		});
	}
	return raw;
}

export function readWorkspace(context: IExecuteFunctions, itemIndex: number): string | undefined {
	const locator = context.getNodeParameter('workspace', itemIndex, '', { extractValue: true }) as
		| INodeParameterResourceLocator
		| string;
	const value = String(typeof locator === 'string' ? locator : (locator?.value ?? '')).trim();
	if (value === '') return undefined;
	return readPrefixedId(context, value, 'ws', 'Upload Workspace', itemIndex);
}

/** `undefined` means every page. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false)) return undefined;
	const limit = Number(context.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(context.getNode(), 'Limit must be a whole number of at least 1', {
			itemIndex,
			description: `It is set to "${String(limit)}". Or turn on "Return All".`,
		});
	}
	return limit;
}

/** A FLORA id of the given prefix (`run`, `ws`, `prj`, …), checked before it is sent. */
export function readPrefixedId(
	context: IExecuteFunctions,
	value: unknown,
	prefix: string,
	label: string,
	itemIndex: number,
): string {
	const id = typeof value === 'string' ? value.trim() : '';
	if (!new RegExp(`^${prefix}_\\S+$`).test(id)) {
		throw new NodeOperationError(context.getNode(), `${label} must start with "${prefix}_"`, {
			itemIndex,
			description: id === '' ? `Give the ${label}.` : `"${id}" is not a ${label}.`,
		});
	}
	return id;
}

/** The technique and run ID that Run → Get and Run → Wait read. */
export function readRunReference(context: IExecuteFunctions, itemIndex: number) {
	return {
		technique: readTechnique(context, itemIndex),
		runId: readPrefixedId(
			context,
			context.getNodeParameter('runId', itemIndex),
			'run',
			'Run ID',
			itemIndex,
		),
	};
}

/** The workspace_id and project_id query of a Get Many's Workspace ID and Project ID filters. */
export function readPlaceFilters(
	context: IExecuteFunctions,
	filters: IDataObject,
	itemIndex: number,
): IDataObject {
	const qs: IDataObject = {};
	if (filters.workspaceId)
		qs.workspace_id = readPrefixedId(context, filters.workspaceId, 'ws', 'Workspace ID', itemIndex);
	if (filters.projectId)
		qs.project_id = readPrefixedId(context, filters.projectId, 'prj', 'Project ID', itemIndex);
	return qs;
}
