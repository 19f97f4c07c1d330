/** Runs the FLORA Technique node through n8n's engine (the test harness) and checks it succeeded. */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY } from '../../simulator';
import { runWorkflow } from '../../test/harness/engine';
import { FLORA_NODE, runTechniqueWorkflow, technique } from '../../test/harness/flora';

/** The one-output technique every scenario runs (input slot `script`, output one audio file). */
export const BENCH_TECHNIQUE = 'voiceover';

export interface TechniqueRun {
	items: INodeExecutionData[];
	/** Real time from starting the workflow to its result, in ms. */
	wallMs: number;
}

/** Node parameters for a run of the bench technique whose script is each item's `prompt`. */
export function techniqueParameters(options: INodeParameters): INodeParameters {
	return {
		technique: technique(BENCH_TECHNIQUE),
		inputs: { input: [{ id: 'script', type: 'text', value: '={{ $json.prompt }}' }] },
		waitForCompletion: true,
		options,
	};
}

export function credentialsFor(baseUrl: string) {
	return { floraApi: { apiKey: DEFAULT_API_KEY, baseUrl, webhookSecret: '' } };
}

/** Runs the workflow "trigger → FLORA Technique" over the given items; throws unless every item succeeded. */
export async function runTechnique(
	baseUrl: string,
	options: INodeParameters,
	triggerItems: IDataObject[],
): Promise<TechniqueRun> {
	const started = performance.now();
	const result = await runWorkflow(runTechniqueWorkflow(techniqueParameters(options)), {
		credentials: credentialsFor(baseUrl),
		triggerItems,
	});
	const wallMs = performance.now() - started;
	if (result.status !== 'success') {
		throw new Error(`The workflow ended ${result.status}: ${result.error?.message ?? 'no error'}`);
	}
	const items = result.items(FLORA_NODE);
	const failed = items.find((item) => item.json.error !== undefined);
	if (failed) throw new Error(`An item failed: ${JSON.stringify(failed.json)}`);
	return { items, wallMs };
}

/** The distinct run ids of the node's output items, in item order. */
export function runIdsOf(items: INodeExecutionData[]): string[] {
	return [...new Set(items.map((item) => String(item.json.run_id)))];
}
