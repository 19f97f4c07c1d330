#!/usr/bin/env node
// Checks what `n8n execute --id <id> --rawOutput` printed for one workflow.
//
// Usage: node e2e/assert-execution.mjs <case> <stdout-file> <exit-code> [<stderr-file>]
//   <case> is the workflow file's base name (examples/technique-run.json -> technique-run).
//   A case with no entry in EXPECTATIONS only has to succeed with every node ok.
// Environment: FLORA_E2E_FILES (the folder the examples' /home/node/.n8n-files/ became) and
// SIM_BASE_URL (the simulator, for what it received) for the file and upload cases.
//
// What `n8n execute --rawOutput` prints (n8n 1.123 and 2.41 alike): on stdout, the run's
// IRun object as JSON.stringify(run, null, 2) ({ data: { resultData: { runData, error? } },
// status, finished, ... }). On failure it exits 1 and puts "Execution was NOT successful.
// See log message for details.", "Execution error:" and a "=====" line before the JSON.
// n8n 2.x also writes log lines to stdout (task broker, license SDK, the error message), so
// the JSON has to be cut out of the text. Exits 0 when all checks pass, 1 otherwise.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const [, , caseName, stdoutFile, exitCodeArg, stderrFile] = process.argv;
if (!caseName || !stdoutFile || exitCodeArg === undefined) {
	console.error('usage: assert-execution.mjs <case> <stdout-file> <exit-code> [<stderr-file>]');
	process.exit(2);
}
const stdout = readFileSync(stdoutFile, 'utf8');
const stderr = stderrFile ? readFileSync(stderrFile, 'utf8') : '';
const exitCode = Number(exitCodeArg);

/** Every top-level, pretty-printed JSON object in the text (a line that is exactly "{"). */
function extractJsonObjects(text) {
	const found = [];
	const lines = text.split('\n');
	let offset = 0;
	const starts = [];
	for (const line of lines) {
		if (line.replace(/\r$/, '') === '{') starts.push(offset);
		offset += line.length + 1;
	}
	for (const start of starts) {
		let depth = 0;
		let inString = false;
		let escaped = false;
		for (let i = start; i < text.length; i++) {
			const ch = text[i];
			if (inString) {
				if (escaped) escaped = false;
				else if (ch === '\\') escaped = true;
				else if (ch === '"') inString = false;
				continue;
			}
			if (ch === '"') inString = true;
			else if (ch === '{') depth++;
			else if (ch === '}') {
				depth--;
				if (depth === 0) {
					try {
						found.push(JSON.parse(text.slice(start, i + 1)));
					} catch {
						/* not JSON after all */
					}
					break;
				}
			}
		}
	}
	return found;
}

const failures = [];
const passes = [];
function check(ok, message) {
	(ok ? passes : failures).push(message);
	return ok;
}

const run = extractJsonObjects(stdout)
	.reverse()
	.find((o) => o && typeof o === 'object' && o.data && o.data.resultData);

function nodeRuns(name) {
	return run?.data?.resultData?.runData?.[name] ?? [];
}
/** Full items (json, binary) of a node's first output, last run. */
function nodeFullItems(name) {
	const runs = nodeRuns(name);
	const last = runs[runs.length - 1];
	return last?.data?.main?.[0] ?? [];
}
/** Items of a node's first output, last run. */
function nodeItems(name) {
	return nodeFullItems(name).map((i) => i.json);
}
const filesDir = process.env.FLORA_E2E_FILES ?? '';
const simRoot = (process.env.SIM_BASE_URL ?? '').replace(/\/api\/v1\/?$/, '');
const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
/** A binary entry as n8n keeps it: inline base64 (`data`) or a reference (`id`, filesystem mode). */
const isStoredBinary = (b) =>
	!!b && (typeof b.id === 'string' || (typeof b.data === 'string' && b.data.length > 0));
function noError() {
	check(exitCode === 0, `exit code 0 (got ${exitCode})`);
	if (!check(!!run, 'stdout holds the run as JSON')) return false;
	check(!run.data.resultData.error, `no workflow error (${run.data.resultData.error?.message ?? 'none'})`);
	return true;
}

const FLORA = 'FLORA Technique';
const OUTPUT_TYPES = ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'];
const REFUSED = 'FLORA does not let the technique';

const EXPECTATIONS = {
	'technique-run': () => {
		check(exitCode === 0, `exit code 0 (got ${exitCode})`);
		if (!check(!!run, 'stdout holds the run as JSON')) return;
		check(!run.data.resultData.error, `no workflow error (${run.data.resultData.error?.message ?? 'none'})`);
		const flora = nodeItems(FLORA);
		check(flora.length === 5, `${FLORA} produced 5 items (got ${flora.length})`);
		const types = flora.map((j) => j.type);
		check(
			JSON.stringify(types) === JSON.stringify(OUTPUT_TYPES),
			`${FLORA} item types are ${OUTPUT_TYPES.join(', ')} (got ${types.join(', ')})`,
		);
		check(
			flora.every((j) => typeof j.run_id === 'string' && j.run_id.length > 0 && j.status === 'completed'),
			`${FLORA} items carry run_id and status completed`,
		);
		check(
			flora.every((j) => (j.type === 'text' ? typeof j.text === 'string' && j.text : /^https?:\/\//.test(j.url ?? ''))),
			`${FLORA} media items have a url and the text item has text`,
		);
		const edit = nodeItems('Edit Fields');
		check(edit.length === 5, `Edit Fields produced 5 items (got ${edit.length})`);
		check(
			edit.every((j) => ['run', 'kind', 'result'].every((k) => typeof j[k] === 'string' && j[k].length > 0)),
			'every Edit Fields item has non-empty run, kind and result',
		);
		check(
			JSON.stringify(edit.map((j) => j.kind)) === JSON.stringify(OUTPUT_TYPES),
			`Edit Fields kinds follow the output types (got ${edit.map((j) => j.kind).join(', ')})`,
		);
		check(
			edit.every((j, i) => j.run === flora[i]?.run_id),
			'Edit Fields run matches the FLORA run_id',
		);
	},
	'technique-archived': () => {
		check(exitCode !== 0, `exit code non-zero (got ${exitCode})`);
		check(stdout.includes('Execution was NOT successful'), 'stdout says the execution was not successful');
		check((stdout + stderr).includes(REFUSED), `output contains "${REFUSED}"`);
		if (!check(!!run, 'stdout holds the run as JSON')) return;
		const err = run.data.resultData.error;
		check(
			typeof err?.message === 'string' && err.message.startsWith(REFUSED),
			`workflow error message starts with "${REFUSED}" (got ${JSON.stringify(err?.message)})`,
		);
		check(err?.node?.name === FLORA || err?.node?.type === 'n8n-nodes-flora.floraTechnique', `the error comes from ${FLORA}`);
		const last = nodeRuns(FLORA).at(-1);
		check(last?.executionStatus === 'error' || !!last?.error, `${FLORA} run is marked as failed`);
		check(nodeRuns('Edit Fields').length === 0, 'Edit Fields did not run');
	},
};

Object.assign(EXPECTATIONS, {
	'scheduled-batch': () => {
		if (!noError()) return;
		const prompts = nodeItems('One item per prompt');
		check(prompts.length === 3 && prompts.every((j) => typeof j.prompt === 'string' && j.prompt && j.product_image),
			`Split Out made 3 items with prompt and product_image (got ${prompts.length})`);
		const flora = nodeFullItems(FLORA);
		check(flora.length === 6, `${FLORA} produced 6 items: 3 runs × 2 images (got ${flora.length})`);
		const runIds = new Set(flora.map((i) => i.json.run_id));
		check(runIds.size === 3, `3 distinct runs (got ${runIds.size})`);
		check(flora.every((i) => i.json.type === 'imageUrl' && i.json.status === 'completed'), 'every item is a completed imageUrl output');
		check(flora.every((i) => isStoredBinary(i.binary?.data) && i.binary.data.mimeType === 'image/png'),
			`every item carries the downloaded image as binary "data" (image/png) (${JSON.stringify(flora[0]?.binary?.data ?? null).slice(0, 160)})`);
		const saved = nodeItems('Save the images');
		check(saved.length === 6, `Write Files ran on 6 items (got ${saved.length})`);
		const written = existsSync(filesDir)
			? readdirSync(filesDir).filter((f) => /^flora-batch-\d{4}-\d{2}-\d{2}-/.test(f)).map((f) => path.join(filesDir, f))
			: [];
		check(written.length === 6, `6 files flora-batch-<date>-… written in ${filesDir} (got ${written.length}: ${written.map((f) => path.basename(f)).join(', ')})`);
		check(written.every((f) => statSync(f).size > 100 && readFileSync(f).subarray(0, 8).equals(PNG_SIGNATURE)),
			'every written file is a PNG');
		const expected = flora.map((i) => `${i.json.run_id}-${i.binary?.data?.fileName}`).sort();
		const names = written.map((f) => path.basename(f).replace(/^flora-batch-\d{4}-\d{2}-\d{2}-/, '')).sort();
		check(JSON.stringify(names) === JSON.stringify(expected),
			`the files are named flora-batch-<date>-<run_id>-<output file> (${expected.slice(0, 2).join(', ')}, …)`);
	},
	'image-in-binary-out': async () => {
		if (!noError()) return;
		const [read] = nodeFullItems('Read the product photo');
		check(read?.binary?.data?.mimeType === 'image/png', `Read Files from Disk gave the photo as binary "data" (${read?.binary?.data?.mimeType})`);
		const flora = nodeFullItems(FLORA);
		check(flora.length === 2, `${FLORA} produced 2 items (hero and alternate image; got ${flora.length})`);
		check(flora.every((i) => i.json.type === 'imageUrl' && i.json.status === 'completed') && new Set(flora.map((i) => i.json.run_id)).size === 1,
			`one completed run, two imageUrl outputs (${flora.map((i) => `${i.json.output_id} ${i.json.type}`).join(', ')})`);
		check(flora.every((i) => isStoredBinary(i.binary?.data) && i.binary.data.mimeType === 'image/png' && /\.png$/.test(i.binary.data.fileName ?? '')),
			`every output item carries its image as binary "data" (${flora.map((i) => `${i.binary?.data?.fileName} ${i.binary?.data?.mimeType} ${i.binary?.data?.fileSize ?? ''}`).join('; ')})`);
		// What the simulator received: the file, uploaded as an asset, used as the run's input.
		const state = await fetch(`${simRoot}/_simulator/state`)
			.then((r) => r.json())
			.catch((e) => ({ runs: [], uploads: [], counters: {}, error: e.message }));
		if (!check(!state.error, `the simulator's state can be read (SIM_BASE_URL=${process.env.SIM_BASE_URL ?? ''}${state.error ? `: ${state.error}` : ''})`)) return;
		const simRun = state.runs.find((r) => r.run_id === flora[0]?.json.run_id);
		const input = simRun?.inputs.find((i) => i.id === 'product_image');
		check(!!input && /\/assets\/[^/]+\//.test(input.value), `the run's product_image is an uploaded asset (${input?.value})`);
		const assetId = input?.value.match(/\/assets\/([^/]+)\//)?.[1];
		const upload = state.uploads.find((u) => u.assetId === assetId);
		const local = readFileSync(path.join(filesDir, 'flora', 'product.png'));
		check(!!upload, `the simulator received the upload of asset ${assetId} (${state.counters.uploads} upload(s) in all)`);
		check(upload?.size === local.length && upload?.sha256 === createHash('sha256').update(local).digest('hex'),
			`the uploaded bytes are the file read from disk (${upload?.size} bytes, ${upload?.contentType}, via ${upload?.via})`);
	},
});

Object.assign(EXPECTATIONS, {
	// e2e/workflows/editor-empty-workspace.json: a text-only run with Upload Workspace "By ID"
	// left empty. n8n's own checks before an execution must not refuse it, nor the node.
	'editor-empty-workspace': () => {
		if (!noError()) return;
		check(nodeRuns(FLORA).every((r) => !r.error), `${FLORA} ran without error (${nodeRuns(FLORA).map((r) => r.error?.message).filter(Boolean).join('; ') || 'none'})`);
		const flora = nodeItems(FLORA);
		check(flora.length === 1, `${FLORA} produced 1 item: one item per run (got ${flora.length})`);
		check(
			typeof flora[0]?.run_id === 'string' && flora[0].run_id.length > 0 && flora[0].status === 'completed',
			`${FLORA}'s item is a completed run (run_id ${flora[0]?.run_id}, status ${flora[0]?.status})`,
		);
	},
});

/** The simulator's record of what it received (runs, uploads), or null with a failed check. */
async function simulatorState() {
	const state = await fetch(`${simRoot}/_simulator/state`)
		.then((r) => r.json())
		.catch((e) => ({ error: e.message }));
	return check(!state.error, `the simulator's state can be read (SIM_BASE_URL=${process.env.SIM_BASE_URL ?? ''}${state.error ? `: ${state.error}` : ''})`)
		? state
		: null;
}

Object.assign(EXPECTATIONS, {
	// examples/model-images-to-files.json: two prompts → Generation → Generate with the model
	// Aurora 2 Fast at 16:9 → Download Outputs → Write Files to Disk.
	'model-images-to-files': async () => {
		if (!noError()) return;
		const flora = nodeFullItems('Generate images');
		check(flora.length === 2, `Generate images produced 2 items, one image per prompt (got ${flora.length})`);
		check(
			flora.every((i) => i.json.type === 'imageUrl' && i.json.status === 'completed' && /^run_/.test(i.json.run_id ?? '')),
			`every item is a completed image run (${flora.map((i) => `${i.json.run_id} ${i.json.type} ${i.json.status}`).join('; ')})`,
		);
		check(new Set(flora.map((i) => i.json.run_id)).size === 2, 'the two items carry two different runs');
		check(
			flora.every((i) => isStoredBinary(i.binary?.data) && i.binary.data.mimeType === 'image/png'),
			`every item carries its image as binary "data" (${flora.map((i) => `${i.binary?.data?.fileName} ${i.binary?.data?.mimeType}`).join('; ')})`,
		);
		const written = existsSync(filesDir) ? readdirSync(filesDir).filter((f) => f.startsWith('flora-model-')) : [];
		check(
			written.length === 2 && written.every((f) => readFileSync(path.join(filesDir, f)).subarray(0, 8).equals(PNG_SIGNATURE)),
			`Save the images wrote two PNG files (${written.join(', ') || 'none'} in ${filesDir})`,
		);
		const state = await simulatorState();
		if (!state) return;
		const runs = state.runs.filter((r) => flora.some((i) => i.json.run_id === r.run_id));
		check(
			runs.length === 2 && runs.every((r) => r.model_id === 't2i-aurora-2-fast' && r.params?.aspect_ratio === '16:9'),
			`FLORA generated with the chosen model and its parameter (${runs.map((r) => `${r.model_id} ${JSON.stringify(r.params)}`).join('; ')})`,
		);
		check(
			runs.length === 2 && new Set(runs.map((r) => r.project_id)).size === 1 && /^prj_/.test(runs[0].project_id),
			`both runs went into one project, "n8n examples" found or created once (${runs.map((r) => r.project_id).join(', ')})`,
		);
	},
	// examples/video-resize-action.json: a video URL → Action → Run "Resize Video" at 1080 →
	// Download Outputs: the resized video as binary.
	'video-resize-action': async () => {
		if (!noError()) return;
		const flora = nodeFullItems('Resize the video');
		check(flora.length === 1, `Resize the video produced 1 item (got ${flora.length})`);
		const [item] = flora;
		check(
			item?.json.type === 'videoUrl' && item.json.status === 'completed' && typeof item.json.charged_cost === 'number',
			`the item is the completed action run's video, with its charged cost (${item?.json.run_id} ${item?.json.type} ${item?.json.status} $${item?.json.charged_cost})`,
		);
		check(
			isStoredBinary(item?.binary?.data) && /^video\//.test(item.binary.data.mimeType ?? ''),
			`the item carries the video as binary "data" (${item?.binary?.data?.fileName} ${item?.binary?.data?.mimeType})`,
		);
		const state = await simulatorState();
		if (!state) return;
		const run = state.runs.find((r) => r.run_id === item?.json.run_id);
		check(
			run?.action_id === 'resize-video' && run.params?.resolution === '1080' && run.inputs.some((i) => i.type === 'video' || /video/i.test(i.type)),
			`FLORA ran resize-video on the clip at 1080 (${run?.action_id} ${JSON.stringify(run?.params)} ${JSON.stringify(run?.inputs)})`,
		);
	},
	// examples/asset-upload-then-edit.json: a file from disk → Asset → Upload → Generation →
	// Generate with Aurora 2 Edit, the asset's URL in its Images.
	'asset-upload-then-edit': async () => {
		if (!noError()) return;
		const [asset] = nodeItems('Upload the photo');
		check(
			/^asset_/.test(asset?.asset_id ?? '') && asset.status === 'ready' && /^https?:\/\//.test(asset.url ?? ''),
			`Upload the photo gave a ready asset with its URL (${asset?.asset_id} ${asset?.status} ${asset?.url})`,
		);
		const edits = nodeItems('Edit the photo');
		check(
			edits.length >= 1 && edits.every((j) => j.type === 'imageUrl' && j.status === 'completed'),
			`Edit the photo produced the edited image (${edits.map((j) => `${j.run_id} ${j.type} ${j.status}`).join('; ')})`,
		);
		const state = await simulatorState();
		if (!state) return;
		const upload = state.uploads.find((u) => u.assetId === asset?.asset_id);
		const local = readFileSync(path.join(filesDir, 'flora', 'product.png'));
		check(
			upload?.size === local.length && upload?.sha256 === createHash('sha256').update(local).digest('hex'),
			`the simulator received the photo's bytes for ${asset?.asset_id} (${upload?.size} bytes, ${upload?.contentType})`,
		);
		const run = state.runs.find((r) => r.run_id === edits[0]?.run_id);
		check(
			run?.model_id === 'i2i-aurora-2-edit' && JSON.stringify(run.params?.image_urls) === JSON.stringify([asset?.url]),
			`the edit ran on the uploaded asset's URL (${run?.model_id} ${JSON.stringify(run?.params)})`,
		);
	},
});

function genericSuccess() {
	check(exitCode === 0, `exit code 0 (got ${exitCode})`);
	if (!check(!!run, 'stdout holds the run as JSON')) return;
	check(!run.data.resultData.error, `no workflow error (${run.data.resultData.error?.message ?? 'none'})`);
	for (const [name, runs] of Object.entries(run.data.resultData.runData ?? {})) {
		check(runs.every((r) => !r.error), `node "${name}" ran without error`);
	}
}

await (EXPECTATIONS[caseName] ?? genericSuccess)();

for (const p of passes) console.log(`  ok   ${p}`);
for (const f of failures) console.log(`  FAIL ${f}`);
if (failures.length > 0) {
	console.log(`  --- stdout (last 40 lines) ---\n${stdout.split('\n').slice(-40).join('\n')}`);
	if (stderr.trim()) console.log(`  --- stderr (last 20 lines) ---\n${stderr.split('\n').slice(-20).join('\n')}`);
	process.exit(1);
}

