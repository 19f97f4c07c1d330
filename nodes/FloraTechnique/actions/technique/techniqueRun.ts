import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { floraErrorCode } from '../../../shared/flora/errors';
import { getTechnique } from '../../../shared/flora/techniques';
import type { RunMode } from '../../../shared/flora/types';
import type { ItemRunRequest, RunStart } from '../../../shared/runs/itemRun';
import { techniqueRunKind } from '../../runKinds';
import { readTechnique, readWorkspace } from '../parameters';
import type { PreparedItem, RunOperation } from '../runBatch';
import { readRunOptions } from '../runOptions';
import { resolveInputs } from './resolveInputs';
import type { DraftInput } from './runInputs';
import { readInputs } from './runInputs';

/** An item's Technique → Run parameters, read and checked before any request. */
export interface PreparedRun extends PreparedItem {
	technique: string;
	inputs: DraftInput[];
	workspaceId?: string;
	mode: RunMode;
}

export function prepareRun(context: IExecuteFunctions, itemIndex: number): PreparedRun {
	const mode =
		context.getNodeParameter('mode', itemIndex, 'async') === 'stream' ? 'stream' : 'async';
	return {
		technique: readTechnique(context, itemIndex),
		inputs: readInputs(context, itemIndex),
		workspaceId: readWorkspace(context, itemIndex),
		mode,
		wait: context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean,
		// A stream is its own way to wait: Wait By applies to Async runs.
		waitByWebhook:
			mode === 'async' && context.getNodeParameter('waitMode', itemIndex, 'poll') === 'webhook',
		options: readRunOptions(context, itemIndex),
	};
}

/** What the run lifecycle needs of an item's technique run. */
export function techniqueRunRequest(
	item: PreparedRun,
	itemIndex: number,
	callbackUrl = item.options.callbackUrl,
): ItemRunRequest {
	return {
		itemIndex,
		request: {
			technique: item.technique,
			inputs: item.inputs,
			mode: item.mode,
			callbackUrl: callbackUrl ?? null,
		},
		idempotencyKey: item.options.idempotencyKey,
		timeoutMs: item.options.timeoutMs,
		wait: item.wait,
	};
}

/**
 * How an item's technique run starts: the technique is read (once per execution), the inputs
 * get their types from its slots and binary files are uploaded, then the create request.
 */
export function techniqueRunStart(
	context: IExecuteFunctions,
	client: FloraClient,
	item: PreparedRun,
	itemIndex: number,
	callbackUrl = item.options.callbackUrl,
) {
	return async (idempotencyKey: string): Promise<RunStart> => {
		const technique = await getTechnique(client, item.technique, itemIndex);
		const inputs = await resolveInputs(
			context,
			client,
			technique,
			item.inputs,
			item.workspaceId,
			itemIndex,
		);
		const body: IDataObject = {
			inputs: inputs as unknown as IDataObject[],
			mode: item.mode,
			idempotency_key: idempotencyKey,
			...(callbackUrl ? { callback_url: callbackUrl } : {}),
		};
		return {
			kind: techniqueRunKind(technique),
			create: {
				path: `/techniques/${encodeURIComponent(technique.technique_id)}/runs`,
				body,
				stream: item.mode === 'stream',
			},
		};
	};
}

/**
 * FLORA refused to start a technique (403) and says the technique is why (archived, say): the
 * error then names the technique and keeps FLORA's reason, instead of blaming the API key. Any
 * other 403 (a read-only key) keeps the error table's words.
 */
export async function explainRefusal(
	client: FloraClient,
	item: PreparedRun,
	error: unknown,
): Promise<unknown> {
	if (!(error instanceof NodeApiError) || floraErrorCode(error)?.code !== 'forbidden') return error;
	const reason = String(error.context.floraMessage ?? '');
	if (error.context.runId !== undefined || !/technique|archived/i.test(reason)) return error;
	const technique = await getTechnique(client, item.technique).catch(() => undefined);
	const name = technique
		? `"${technique.name}" (${technique.technique_id})`
		: `"${item.technique}"`;
	error.message = `FLORA does not let the technique ${name} run: ${reason}`;
	error.description = `The technique cannot be run with this API key: FLORA says why above (an archived technique, or one not shared with the key's workspace). Pick another technique; Technique → Get Many lists the ones you can see. Nothing was started or charged.${
		typeof error.context.requestId === 'string' ? `\nRequest ID: ${error.context.requestId}` : ''
	}`;
	return error;
}

/** Technique → Run for the batch: prepared, started, priced and explained as above. */
export const techniqueRuns: RunOperation<PreparedRun> = {
	prepare: prepareRun,
	request: techniqueRunRequest,
	start: techniqueRunStart,
	explain: explainRefusal,
	async plan(client, item, itemIndex) {
		const technique = await getTechnique(client, item.technique, itemIndex);
		return { itemIndex, costUsd: technique.run_cost, label: `the technique "${technique.name}"` };
	},
	async costNote(client, output) {
		if (typeof output.technique_id !== 'string') return undefined;
		const technique = await getTechnique(client, output.technique_id);
		return `"${technique.name}" costs $${technique.run_cost.toFixed(2)} a run.`;
	},
};
