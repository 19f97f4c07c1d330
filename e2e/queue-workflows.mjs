#!/usr/bin/env node
// Changes queue-mode.sh's Webhook twins of the examples (lib.sh make_webhook_twin) in place for
// the queue-mode cases of e2e/queue-check.mjs. Usage: node e2e/queue-workflows.mjs DIR WAIT_RUN_SECONDS
//   queue-technique-run.json  technique-run as it is (polling, Download Outputs)
//   queue-binary.json         scheduled-batch without its Schedule Trigger: 3 runs with Download
//                             Outputs, images written to disk
//   queue-batch.json          scheduled-batch with 10 prompts at concurrency 3, each run lasting
//                             20 simulated seconds, no download, nothing written
//   queue-webhook-wait.json   long-video-webhook (Wait By: Webhook), its run lasting
//                             WAIT_RUN_SECONDS simulated seconds (time to kill a worker)
//   queue-parallel.json       technique-run, its run lasting 50 simulated seconds, no download
//   queue-polling-killed.json technique-run (polling), its run lasting POLL_RUN_SECONDS
//                             simulated seconds (time to kill the worker polling it), no download
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, waitRunSeconds, pollRunSeconds] = process.argv.slice(2);
const FLORA_TYPE = 'n8n-nodes-flora.floraTechnique';

function edit(file, fn) {
	const p = path.join(dir, file);
	const wf = JSON.parse(readFileSync(p, 'utf8'));
	const flora = wf.nodes.find((n) => n.type === FLORA_TYPE);
	if (!flora) throw new Error(`${file} has no FLORA Technique`);
	fn(wf, flora);
	writeFileSync(p, JSON.stringify(wf, null, 2));
}
function removeNode(wf, type) {
	const gone = wf.nodes.filter((n) => n.type === type || n.name === type).map((n) => n.name);
	wf.nodes = wf.nodes.filter((n) => !gone.includes(n.name));
	for (const name of gone) delete wf.connections[name];
	for (const outputs of Object.values(wf.connections))
		for (const list of outputs.main ?? [])
			for (let i = list.length - 1; i >= 0; i--) if (gone.includes(list[i].node)) list.splice(i, 1);
}

edit('queue-binary.json', (wf) => {
	removeNode(wf, 'n8n-nodes-base.scheduleTrigger');
	wf.name = 'FLORA queue mode: binary outputs made on a worker';
});

edit('queue-batch.json', (wf, flora) => {
	removeNode(wf, 'n8n-nodes-base.scheduleTrigger');
	removeNode(wf, 'n8n-nodes-base.readWriteFile');
	const prompts = wf.nodes
		.find((n) => n.type === 'n8n-nodes-base.set')
		.parameters.assignments.assignments.find((a) => a.name === 'prompts');
	const list = Array.from(
		{ length: 10 },
		(_, i) => `'Batch shot ${i + 1} of the vase #duration:20'`,
	);
	prompts.value = `={{ [${list.join(', ')}] }}`;
	flora.parameters.options = { concurrency: 3, timeout: 600 };
	wf.name = 'FLORA queue mode: 10 items at concurrency 3';
});

edit('queue-webhook-wait.json', (wf, flora) => {
	flora.parameters.inputFields.value.motion_prompt += ` #duration:${waitRunSeconds}`;
	wf.name = 'FLORA queue mode: Wait By Webhook';
});

edit('queue-parallel.json', (wf, flora) => {
	flora.parameters.inputFields.value.prompt += ' #duration:50';
	flora.parameters.options = { timeout: 300 };
	wf.name = 'FLORA queue mode: executions in parallel';
});

edit('queue-polling-killed.json', (wf, flora) => {
	flora.parameters.inputFields.value.prompt += ` (polling-killed) #duration:${pollRunSeconds}`;
	flora.parameters.options = { timeout: 300 };
	wf.name = 'FLORA queue mode: a worker killed while it polls';
});
