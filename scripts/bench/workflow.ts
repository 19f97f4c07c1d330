/** Runs the FLORA Technique node through n8n's engine (the test harness) and checks it succeeded. */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET } from '../../simulator';
import type { WorkflowResult } from '../../test/harness/engine';
import { runWorkflow } from '../../test/harness/engine';
import { FLORA_NODE, runTechniqueWorkflow, technique } from '../../test/harness/flora';
import { startWaitingExecution } from '../../test/harness/waiting';

/** The one-output technique every scenario runs (input slot `script`, output one audio file). */
export const BENCH_TECHNIQUE = 'voiceover';

export interface TechniqueRun {
	items: INodeExecutionData[];
	/** Real time from starting the workflow to its result, in ms. */
	wallMs: number;
}

export type WaitBy = 'poll' | 'webhook';

/** Node parameters for a run of the bench technique whose script is each item's `prompt`. */
export function techniqueParameters(
	options: INodeParameters,
	waitBy: WaitBy = 'poll',
): INodeParameters {
	return {
		technique: technique(BENCH_TECHNIQUE),
		inputs: { input: [{ id: 'script', type: 'text', value: '={{ $json.prompt }}' }] },
		waitForCompletion: true,
		waitMode: waitBy,
		options,
	};
}

export function credentialsFor(baseUrl: string) {
	return {
		floraApi: { apiKey: DEFAULT_API_KEY, baseUrl, webhookSecret: DEFAULT_WEBHOOK_SECRET },
	};
}

/** Runs the workflow "trigger → FLORA Technique" over the given items; throws unless every item succeeded. */
export async function runTechnique(
	baseUrl: string,
	options: INodeParameters,
	triggerItems: IDataObject[],
	waitBy: WaitBy = 'poll',
): Promise<TechniqueRun> {
	const started = performance.now();
	const workflow = runTechniqueWorkflow(techniqueParameters(options, waitBy));
	const credentials = credentialsFor(baseUrl);
	const result = await (waitBy === 'webhook'
		? resumedByWebhook(workflow, credentials, triggerItems)
		: runWorkflow(workflow, { credentials, triggerItems }));
	const wallMs = performance.now() - started;
	if (result.status !== 'success') {
		throw new Error(`The workflow ended ${result.status}: ${result.error?.message ?? 'no error'}`);
	}
	const items = result.items(FLORA_NODE);
	const failed = items.find((item) => item.json.error !== undefined);
	if (failed) throw new Error(`An item failed: ${JSON.stringify(failed.json)}`);
	return { items, wallMs };
}

/**
 * An execution that waits for FLORA's callbacks (the harness's stand-in for n8n's waiting
 * webhooks, which resumes it the way n8n does), to its end.
 */
async function resumedByWebhook(
	workflow: ReturnType<typeof runTechniqueWorkflow>,
	credentials: ReturnType<typeof credentialsFor>,
	triggerItems: IDataObject[],
): Promise<WorkflowResult> {
	const execution = await startWaitingExecution(workflow, { credentials, triggerItems });
	try {
		return await execution.final;
	} finally {
		await execution.close();
	}
}

/** The distinct run ids of the node's output items, in item order. */
export function runIdsOf(items: INodeExecutionData[]): string[] {
	return [...new Set(items.map((item) => String(item.json.run_id)))];
}
