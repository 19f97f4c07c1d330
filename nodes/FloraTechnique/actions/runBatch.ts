import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { FloraClient } from '../../shared/flora/client';
import { asNodeError } from '../../shared/flora/errors';
import type { ItemErrorPolicy } from '../../shared/items';
import { itemErrorJson, mapItems } from '../../shared/items';
import type { ItemRunRequest, RunStart } from '../../shared/runs/itemRun';
import { namingOtherStartedRuns, runItem, startItemRun } from '../../shared/runs/itemRun';
import { collectWaitedRuns, resumedWait } from '../../shared/runs/webhookResume';
import { checkResumeTarget, startAndWaitByWebhook } from '../../shared/runs/webhookWait';
import type { RunOptions } from './runOptions';
import { DEFAULT_CONCURRENCY } from './runOptions';
import type { PlannedRun } from './spendingGuard';
import { checkSpending } from './spendingGuard';
import { runsAsTool, toolAnswer, toolNote, whyWaitCannotHold } from './toolMode';

/** What every operation that starts runs reads of an item, before any request. */
export interface PreparedItem {
	wait: boolean;
	waitByWebhook: boolean;
	options: RunOptions;
}

/** How one operation starts runs (a technique run, a generation, an action). */
export interface RunOperation<P extends PreparedItem> {
	/** Reads and checks an item's parameters; throws what is wrong, naming the field. */
	prepare(context: IExecuteFunctions, itemIndex: number): P;
	/** What the run lifecycle needs of the item's run. */
	request(item: P, itemIndex: number, callbackUrl?: string): ItemRunRequest;
	/** How the item's run starts (inputs resolved, files uploaded, the create request). */
	start(
		context: IExecuteFunctions,
		client: FloraClient,
		item: P,
		itemIndex: number,
		callbackUrl?: string,
	): (idempotencyKey: string) => Promise<RunStart>;
	/**
	 * Checks what needs FLORA's free reads (a model's parameter schema, say), for every item
	 * before the first run starts; throws what is wrong, naming the field.
	 */
	check?(
		context: IExecuteFunctions,
		client: FloraClient,
		item: P,
		itemIndex: number,
	): Promise<void>;
	/** What the run will cost and how messages name it, before anything is paid for. */
	plan(client: FloraClient, item: P, itemIndex: number): Promise<PlannedRun>;
	/** An error FLORA gave at the start, said better where the operation knows more. */
	explain?(client: FloraClient, item: P, error: unknown): Promise<unknown>;
	/** What a run costs, for the output pane's hint, from an item of the output ("… costs $0.50 a run."). */
	costNote?(client: FloraClient, output: IDataObject): Promise<string | undefined>;
}

type Prepared<P> = P | NodeApiError | NodeOperationError;

/**
 * Starts a run for every item, at the items' concurrency, and waits for them as the items ask
 * (polling or a stream, or by webhook without holding a worker), with the spending guard
 * before the first paid request. After a webhook wait, n8n runs the node again on the items
 * the last callback resumed it with: their runs are collected and nothing is started.
 */
export async function runBatch<P extends PreparedItem>(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	operation: RunOperation<P>,
): Promise<INodeExecutionData[]> {
	if (!runsAsTool(context)) return await runItems(context, context, items, operation);
	// A tool answers its caller in one shape: every error becomes an item, as under Continue On Fail.
	const policy: ItemErrorPolicy = { getNode: () => context.getNode(), continueOnFail: () => true };
	const tool: ToolSettings = {};
	const answer = await runItems(policy, context, items, operation, tool).catch((error: unknown) =>
		items.map((_, itemIndex) => ({
			json: itemErrorJson(asNodeError(context.getNode(), error, itemIndex)),
			pairedItem: { item: itemIndex },
		})),
	);
	const note = toolNote(tool.waitReason, tool.downloadsSkipped === true);
	return answer.map((item) => toolAnswer(item, note));
}

/** What tool mode changed of the items' settings, for the answer's note. */
interface ToolSettings {
	waitReason?: string;
	downloadsSkipped?: boolean;
}

async function runItems<P extends PreparedItem>(
	policy: ItemErrorPolicy,
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	operation: RunOperation<P>,
	tool?: ToolSettings,
): Promise<INodeExecutionData[]> {
	const client = await FloraClient.create(context);
	const waited = resumedWait(context, items);
	if (waited) {
		const output = await collectWaitedRuns(context, client, waited);
		await hintCost(context, client, operation, output);
		return output;
	}
	// Every item's parameters are checked before the first run is started (and paid for).
	const prepared: Array<Prepared<P>> = items.map((_, itemIndex) => {
		try {
			return operation.prepare(context, itemIndex);
		} catch (error) {
			if (!policy.continueOnFail()) throw asNodeError(context.getNode(), error, itemIndex);
			return asNodeError(context.getNode(), error, itemIndex);
		}
	});
	if (operation.check) {
		for (const [itemIndex, item] of prepared.entries()) {
			if (item instanceof Error) continue;
			try {
				await operation.check(context, client, item, itemIndex);
			} catch (error) {
				if (!policy.continueOnFail()) throw asNodeError(context.getNode(), error, itemIndex);
				prepared[itemIndex] = asNodeError(context.getNode(), error, itemIndex);
			}
		}
	}
	const ready = prepared
		.map((item, itemIndex) => ({ item, itemIndex }))
		.filter((entry): entry is { item: P; itemIndex: number } => !(entry.item instanceof Error));
	if (tool) asTool(ready, tool);
	const first = ready[0]?.item;
	if (first?.options.maxCostUsd !== undefined) {
		const plans = await Promise.all(
			ready.map(async ({ item, itemIndex }) => await operation.plan(client, item, itemIndex)),
		);
		checkSpending(context, first.options, plans);
	}
	const explained = async (item: P, error: unknown) =>
		operation.explain ? await operation.explain(client, item, error) : error;
	// A tool call's key is random: n8n cannot run the same call again the same way (runKey.ts).
	const requestOf = (item: P, itemIndex: number, callbackUrl?: string): ItemRunRequest => ({
		...operation.request(item, itemIndex, callbackUrl),
		...(tool ? { randomKey: true } : {}),
	});
	const cannotWait = first?.wait && first.waitByWebhook ? whyWaitCannotHold(context) : undefined;
	if (cannotWait) {
		// Before any paid request: a run started to be waited for by webhook would be lost.
		for (const { item } of ready) item.waitByWebhook = false;
		if (tool) tool.waitReason = cannotWait;
		else {
			context.addExecutionHints({
				message: `Waited by polling although "Wait By" is Webhook: ${cannotWait}.`,
				location: 'outputPane',
			});
		}
	}
	if (first?.wait && first.waitByWebhook) {
		const resumeUrl = await checkResumeTarget(context, first.options.callbackUrl);
		return await startAndWaitByWebhook(
			context,
			prepared,
			async (item, itemIndex) => {
				if (item instanceof NodeOperationError || item instanceof NodeApiError) throw item;
				return await startItemRun(
					context,
					client,
					requestOf(item, itemIndex, resumeUrl),
					operation.start(context, client, item, itemIndex, resumeUrl),
				).catch(async (error: unknown) => {
					throw await explained(item, error);
				});
			},
			first.options,
			client.pace,
		);
	}
	const output = await mapItems(
		policy,
		prepared,
		async (item, itemIndex) => {
			if (item instanceof NodeOperationError || item instanceof NodeApiError) throw item;
			return await runItem(
				context,
				client,
				requestOf(item, itemIndex),
				item.options,
				operation.start(context, client, item, itemIndex),
			).catch(async (error: unknown) => {
				throw await explained(item, error);
			});
		},
		first?.options.concurrency ?? DEFAULT_CONCURRENCY,
		client.pace,
	).catch((error: unknown) => {
		throw namingOtherStartedRuns(context, error);
	});
	await hintCost(context, client, operation, output);
	return output;
}

/** A tool's runs: one item per run, no files downloaded (the agent gets their URLs). */
function asTool<P extends PreparedItem>(ready: Array<{ item: P }>, tool: ToolSettings) {
	for (const { item } of ready) {
		if (item.options.downloadInto !== undefined) tool.downloadsSkipped = true;
		item.options = { ...item.options, outputLayout: 'perRun', downloadInto: undefined };
	}
}

/** Tells the user in the output pane how many runs this execution started and what they cost. */
async function hintCost<P extends PreparedItem>(
	context: IExecuteFunctions,
	client: FloraClient,
	operation: RunOperation<P>,
	output: INodeExecutionData[],
) {
	// A failed run's error item names its run inside `error`.
	const runs = new Set(
		output
			.map((item) => item.json.run_id ?? (item.json.error as IDataObject | undefined)?.run_id)
			.filter((runId) => typeof runId === 'string'),
	);
	if (runs.size === 0) return;
	const charged = new Map<unknown, number>();
	for (const item of output) {
		if (typeof item.json.charged_cost === 'number') {
			charged.set(item.json.run_id, item.json.charged_cost);
		}
	}
	const total = [...charged.values()].reduce((sum, cost) => sum + cost, 0);
	const started = output.find((item) => typeof item.json.run_id === 'string')?.json;
	// A hint is a courtesy: what cannot be read (an item's error says why) is left out.
	const note = started
		? await operation.costNote?.(client, started).catch(() => undefined)
		: undefined;
	context.addExecutionHints({
		message: `${note ? `${note} ` : ''}This execution started ${runs.size} run${runs.size === 1 ? '' : 's'}; FLORA charged $${total.toFixed(2)} for those that completed.`,
		location: 'outputPane',
	});
}
