import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getAction } from '../../../shared/flora/catalogue';
import type { FloraClient } from '../../../shared/flora/client';
import type { Action } from '../../../shared/flora/types';
import { actionRunKind } from '../../runKinds';
import type { MediaInputType } from '../../uploads';
import { checkBinaryInput, uploadBinary } from '../../uploads';
import type { PreparedItem, RunOperation } from '../runBatch';
import { readRunOptions } from '../runOptions';
import type { ProjectChoice } from '../workspaceProject';
import { readProject, readWorkspaceId, resolveProject } from '../workspaceProject';
import { checkActionValues, readActionValues } from './actionFields';

/** An item's Action → Run parameters, read before any request. */
export interface PreparedAction extends PreparedItem {
	actionId: string;
	values: IDataObject;
	workspaceId: string;
	project: ProjectChoice;
}

const MEDIA_TYPES: Record<string, MediaInputType> = {
	image: 'imageUrl',
	video: 'videoUrl',
	audio: 'audioUrl',
};

export function readActionId(context: IExecuteFunctions, itemIndex: number): string {
	const locator = context.getNodeParameter('action', itemIndex, '', { extractValue: true }) as
		| INodeParameterResourceLocator
		| string;
	const value = String(typeof locator === 'string' ? locator : (locator?.value ?? '')).trim();
	if (value === '') {
		throw new NodeOperationError(context.getNode(), 'Action is empty', {
			itemIndex,
			description:
				'Pick the action to run from the list (Action → Get Many lists them), or give its ID, such as resize-video.',
		});
	}
	if (!/^[a-z0-9][a-z0-9-]*$/.test(value)) {
		throw new NodeOperationError(context.getNode(), `"${value.slice(0, 60)}" is not an action ID`, {
			itemIndex,
			description:
				'An action ID is a slug of lowercase letters, digits and dashes, such as resize-video.',
		});
	}
	return value;
}

function prepareAction(context: IExecuteFunctions, itemIndex: number): PreparedAction {
	return {
		actionId: readActionId(context, itemIndex),
		values: readActionValues(context, itemIndex),
		workspaceId: readWorkspaceId(context, itemIndex),
		project: readProject(context, itemIndex),
		wait: context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean,
		// FLORA takes no callback URL for action runs: they are waited for by polling.
		waitByWebhook: false,
		options: readRunOptions(context, itemIndex),
	};
}

async function actionOf(
	client: FloraClient,
	item: PreparedAction,
	itemIndex: number,
): Promise<Action> {
	return await getAction(client, item.actionId, itemIndex);
}

/** Action → Run for the batch: an action on URLs, texts and files of the item. */
export const actionRuns: RunOperation<PreparedAction> = {
	prepare: prepareAction,
	request(item, itemIndex) {
		const { actionId, values, workspaceId, project } = item;
		return {
			itemIndex,
			request: { actionId, values, workspaceId, project },
			idempotencyKey: item.options.idempotencyKey,
			timeoutMs: item.options.timeoutMs,
			wait: item.wait,
		};
	},
	start(context, client, item, itemIndex) {
		return async () => {
			const action = await actionOf(client, item, itemIndex);
			const checked = checkActionValues(context, action, item.values, itemIndex);
			const projectId = await resolveProject(client, item.workspaceId, item.project, itemIndex);
			const inputs: IDataObject[] = [];
			for (const { binary: property, ...input } of checked.inputs) {
				if (property === undefined) {
					inputs.push({ ...input });
					continue;
				}
				const label = `"${input.name}" of the action "${action.name}"`;
				const media = MEDIA_TYPES[input.type];
				const binary = checkBinaryInput(context, itemIndex, label, property, media);
				const url = await uploadBinary(context, client, binary, item.workspaceId, itemIndex);
				inputs.push({ ...input, url });
			}
			return {
				kind: actionRunKind(action),
				create: {
					path: '/runs/action',
					body: {
						action_id: action.action_id,
						workspace_id: item.workspaceId,
						project_id: projectId,
						inputs,
						...(Object.keys(checked.params).length > 0 ? { params: checked.params } : {}),
					},
					stream: false,
				},
			};
		};
	},
	async check(context, client, item, itemIndex) {
		const action = await actionOf(client, item, itemIndex);
		const { inputs } = checkActionValues(context, action, item.values, itemIndex);
		for (const input of inputs) {
			if (input.binary === undefined) continue;
			const label = `"${input.name}" of the action "${action.name}"`;
			checkBinaryInput(context, itemIndex, label, input.binary, MEDIA_TYPES[input.type]);
		}
	},
	async plan(client, item, itemIndex) {
		const action = await actionOf(client, item, itemIndex);
		return { itemIndex, costUsd: action.charged_cost, label: `the action "${action.name}"` };
	},
	async costNote(client, output) {
		if (typeof output.action_id !== 'string') return undefined;
		const action = await getAction(client, output.action_id);
		return `"${action.name}" costs $${action.charged_cost.toFixed(2)} a run.`;
	},
};
