import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listModels } from '../../../shared/flora/catalogue';
import type { FloraClient } from '../../../shared/flora/client';
import type { GenerationType, Model } from '../../../shared/flora/types';
import { generationRunKind } from '../../runKinds';
import { checkBinaryInput, uploadBinary } from '../../uploads';
import type { PreparedItem, RunOperation } from '../runBatch';
import { readRunOptions } from '../runOptions';
import type { ProjectChoice } from '../workspaceProject';
import { readProject, readWorkspaceId, resolveProject } from '../workspaceProject';
import { checkModelParams, readModelParamValues } from './modelParams';

export const GENERATION_TYPES: readonly GenerationType[] = ['image', 'video', 'audio', 'text'];

/** An item's Generation → Generate parameters, read and checked before any request. */
export interface PreparedGeneration extends PreparedItem {
	type: GenerationType;
	/** The model's endpoint ID; none lets FLORA choose. */
	modelId?: string;
	prompt: string;
	params: IDataObject;
	workspaceId: string;
	project: ProjectChoice;
}

export function readModelId(context: IExecuteFunctions, itemIndex: number): string | undefined {
	const locator = context.getNodeParameter('model', itemIndex, '', { extractValue: true }) as
		| INodeParameterResourceLocator
		| string;
	const value = String(typeof locator === 'string' ? locator : (locator?.value ?? '')).trim();
	return value === '' ? undefined : value;
}

function prepareGeneration(context: IExecuteFunctions, itemIndex: number): PreparedGeneration {
	const type = context.getNodeParameter('generationType', itemIndex, 'image') as GenerationType;
	if (!GENERATION_TYPES.includes(type)) {
		throw new NodeOperationError(
			context.getNode(),
			`"${String(type)}" is not a type of generation`,
			{
				itemIndex,
				description: `Choose one of: ${GENERATION_TYPES.join(', ')}.`,
			},
		);
	}
	const prompt = String(context.getNodeParameter('prompt', itemIndex, '') ?? '').trim();
	if (prompt === '') {
		throw new NodeOperationError(context.getNode(), 'Prompt is empty', {
			itemIndex,
			description: 'Describe what to generate: the prompt is what the model makes.',
		});
	}
	return {
		type,
		modelId: readModelId(context, itemIndex),
		prompt,
		params: readModelParamValues(context, itemIndex),
		workspaceId: readWorkspaceId(context, itemIndex),
		project: readProject(context, itemIndex),
		wait: context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean,
		waitByWebhook: context.getNodeParameter('waitMode', itemIndex, 'poll') === 'webhook',
		options: readRunOptions(context, itemIndex),
	};
}

/** The model an item asks for, from the models FLORA offers for its type. */
async function modelOf(
	client: FloraClient,
	item: PreparedGeneration,
	itemIndex: number,
): Promise<Model | undefined> {
	if (!item.modelId) return undefined;
	const models = await listModels(client, item.type, itemIndex);
	const model = models.find((candidate) => candidate.model_id === item.modelId);
	if (!model) {
		throw new NodeOperationError(
			client.node,
			`FLORA offers no ${item.type} model "${item.modelId}"`,
			{
				itemIndex,
				description: `Pick a model from the list (Model → Get Many lists them): ${models
					.slice(0, 8)
					.map((candidate) => candidate.model_id)
					.join(', ')}${models.length > 8 ? ', …' : ''}.`,
			},
		);
	}
	return model;
}

/** Generation → Generate for the batch: a prompt to a model, with the model's parameters. */
export const generationRuns: RunOperation<PreparedGeneration> = {
	prepare: prepareGeneration,
	request(item, itemIndex, callbackUrl = item.options.callbackUrl) {
		const { type, modelId, prompt, params, workspaceId, project } = item;
		return {
			itemIndex,
			request: {
				type,
				modelId,
				prompt,
				params,
				workspaceId,
				project,
				callbackUrl: callbackUrl ?? null,
			},
			idempotencyKey: item.options.idempotencyKey,
			timeoutMs: item.options.timeoutMs,
			wait: item.wait,
		};
	},
	start(
		context: IExecuteFunctions,
		client,
		item,
		itemIndex,
		callbackUrl = item.options.callbackUrl,
	) {
		return async () => {
			const model = await modelOf(client, item, itemIndex);
			const checked = model
				? checkModelParams(context, model, item.params, itemIndex)
				: { params: item.params, binaries: [] };
			const projectId = await resolveProject(client, item.workspaceId, item.project, itemIndex);
			const params: IDataObject = { ...checked.params };
			for (const { name, position, property } of checked.binaries) {
				const binary = checkBinaryInput(context, itemIndex, `"${name}"`, property, undefined);
				const url = await uploadBinary(context, client, binary, item.workspaceId, itemIndex);
				if (position === undefined) params[name] = url;
				else (params[name] as string[])[position] = url;
			}
			return {
				kind: generationRunKind(model ?? { type: item.type }, item.workspaceId, projectId),
				create: {
					path: '/generate',
					body: {
						type: item.type,
						prompt: item.prompt,
						workspace_id: item.workspaceId,
						project_id: projectId,
						...(item.modelId ? { model: item.modelId } : {}),
						...(Object.keys(params).length > 0 ? { params } : {}),
						...(callbackUrl ? { callback_url: callbackUrl } : {}),
					},
					stream: false,
				},
			};
		};
	},
	async check(context, client, item, itemIndex) {
		const model = await modelOf(client, item, itemIndex);
		if (!model) return;
		// Files of the item too, so that no item's run starts before another item's is refused.
		const { binaries } = checkModelParams(context, model, item.params, itemIndex);
		for (const { name, property } of binaries) {
			checkBinaryInput(context, itemIndex, `"${name}"`, property, undefined);
		}
	},
	async plan(client, item, itemIndex) {
		// A model's estimate is in credits, not dollars: such a run counts as the assumed cost.
		const model = await modelOf(client, item, itemIndex);
		return { itemIndex, label: `the model "${model?.name ?? item.modelId ?? item.type}"` };
	},
};
