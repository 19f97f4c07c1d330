/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * The demo: starts the bundled FLORA simulator, runs examples/technique-run.json through
 * n8n's engine with this package loaded (no API key needed), prints every item, and saves
 * the media outputs the node downloaded as binary data into demo-output/.
 */
import { Container } from '@n8n/di';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BinaryDataService } from 'n8n-core';
import type { IWorkflowBase } from 'n8n-workflow';

import { DEFAULT_API_KEY, startSimulator } from '../simulator';
import { runWorkflow } from '../test/harness/engine';

async function main() {
	const sim = await startSimulator({ timeScale: 5 });
	const outputDir = path.resolve(__dirname, '..', 'demo-output');
	mkdirSync(outputDir, { recursive: true });
	try {
		console.log(`FLORA simulator: ${sim.baseUrl}`);
		const workflow = JSON.parse(
			readFileSync(path.resolve(__dirname, '..', 'examples', 'technique-run.json'), 'utf8'),
		) as IWorkflowBase;
		console.log(`Running "${workflow.name}" through n8n's engine…`);
		const result = await runWorkflow(workflow, {
			credentials: {
				floraApi: { apiKey: DEFAULT_API_KEY, baseUrl: sim.baseUrl, webhookSecret: '' },
			},
		});
		if (result.status !== 'success') {
			console.error(
				`The workflow ended with status ${result.status}: ${result.error?.message ?? ''}`,
			);
			process.exitCode = 1;
			return;
		}
		for (const [name, node] of Object.entries(result.nodes)) {
			console.log(`\n${name}: ${node.outputs[0]?.length ?? 0} item(s)`);
			for (const item of node.outputs[0] ?? []) console.log(`  ${JSON.stringify(item.json)}`);
		}
		// The example has "Download Outputs" on: every media output arrived as n8n binary data.
		const files = result.items('FLORA Technique').filter((item) => item.binary?.data);
		console.log(`\nSaving ${files.length} media output(s) to ${outputDir}`);
		for (const item of files) {
			const binary = item.binary!.data;
			const file = path.join(outputDir, binary.fileName ?? String(item.json.output_id));
			writeFileSync(file, await Container.get(BinaryDataService).getAsBuffer(binary));
			console.log(`  ${file} (${binary.mimeType})`);
		}
	} finally {
		await sim.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
