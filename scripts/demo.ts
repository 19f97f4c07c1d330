/*
 * The demo: starts the bundled FLORA simulator, runs examples/technique-run.json through
 * n8n's engine with this package loaded (no API key needed), prints every item, and saves
 * the media outputs into demo-output/.
 */
import axios from 'axios';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { IWorkflowBase } from 'n8n-workflow';

import { DEFAULT_API_KEY, startSimulator } from '../simulator';
import { runWorkflow } from '../test/harness/engine';

const EXTENSIONS: Record<string, string> = {
	'image/png': '.png',
	'video/mp4': '.mp4',
	'audio/mpeg': '.mp3',
	'application/pdf': '.pdf',
};

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
		const outputs = result.items('FLORA Technique').filter((item) => item.json.type !== 'text');
		console.log(`\nSaving ${outputs.length} media output(s) to ${outputDir}`);
		for (const item of outputs) {
			const response = await axios.get(String(item.json.url), { responseType: 'stream' });
			const contentType = String(response.headers['content-type'] ?? '').split(';')[0];
			const file = path.join(outputDir, `${item.json.output_id}${EXTENSIONS[contentType] ?? ''}`);
			await pipeline(response.data, createWriteStream(file));
			console.log(`  ${file} (${contentType})`);
		}
	} finally {
		await sim.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
