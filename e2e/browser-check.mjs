#!/usr/bin/env node
// The n8n editor in a real browser (Debian's Chromium driven by playwright-core from the
// e2e cache): sign in, open the imported example workflow, open the FLORA Technique node,
// check its parameter panel, run the step from the editor, save screenshots.
//
// Usage: node e2e/browser-check.mjs --base-url URL --workflow-id ID --email E --password P
//          [--v2-workflow-id ID] [--empty-workspace-workflow-id ID]
//          [--example-ids CASE=ID,CASE=ID,...] [--screenshots DIR] [--label NAME] [--no-execute]
//   --workflow-id: examples/technique-run.json (checked and executed);
//   --v2-workflow-id: e2e/workflows/editor-technique-v2.json (the list picker and the
//   schema-driven inputs, see checkTechniquePickerAndSchemaInputs; the Mode and Options,
//   see checkModeAndDownloadOption);
//   --empty-workspace-workflow-id: e2e/workflows/editor-empty-workspace.json (see
//   checkEmptyWorkspaceRun);
//   --example-ids: the imported examples by case (file base name): scheduled-batch,
//   image-in-binary-out, long-video-webhook (checkExamplesOpenClean; technique-run is
//   checked on the main page) and trigger-pattern (checkTriggerPanel).
// Environment: SIM_BASE_URL and SIM_API_KEY (the simulator, exported by lib.sh's
// start_simulator) tell which input slots take images or videos; without them the field
// labels are judged by their own words.
// Needs: FLORA_E2E_CACHE (or the default cache) with playwright-core (e2e/install-browser.sh).
import { checkModelPickerAndParams } from './editor-model-check.mjs';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(
	process.argv
		.slice(2)
		.reduce((acc, a, i, all) => {
			if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]?.startsWith('--') || all[i + 1] === undefined ? true : all[i + 1]]);
			return acc;
		}, []),
);
const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.FLORA_E2E_CACHE || path.join(homedir(), '.cache', 'n8n-nodes-flora-e2e');
const baseUrl = String(args['base-url'] ?? '').replace(/\/+$/, '');
const workflowId = args['workflow-id'];
const email = args.email;
const password = args.password;
const shotsDir = args.screenshots ? path.resolve(args.screenshots) : path.join(here, 'screenshots');
const label = args.label ?? 'n8n';
const executablePath = process.env.FLORA_E2E_CHROMIUM || '/usr/bin/chromium';
if (!baseUrl || !workflowId || !email || !password) {
	console.error('usage: browser-check.mjs --base-url URL --workflow-id ID --email E --password P [--screenshots DIR] [--label NAME]');
	process.exit(2);
}

const require = createRequire(path.join(cache, 'playwright', 'package.json'));
const { chromium } = require('playwright-core');

const FLORA_NODE = 'FLORA Technique';
const FLORA_TYPE = 'n8n-nodes-flora.floraTechnique';
const TRIGGER_NODE = 'FLORA Trigger';
/** --example-ids technique-run=ID,scheduled-batch=ID,...: the imported examples by case. */
const exampleIds = Object.fromEntries(
	String(args['example-ids'] === true ? '' : (args['example-ids'] ?? ''))
		.split(',')
		.map((pair) => pair.split('='))
		.filter(([name, id]) => name && id),
);
const failures = [];
const notes = [];
const pageErrors = [];
function check(ok, message) {
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
	if (!ok) failures.push(message);
	return ok;
}
/** Something the check cannot judge as pass or fail (n8n's own limits): said loudly, kept for the end. */
function note(message) {
	console.log(`  NOTE ${message}`);
	notes.push(message);
}
const tid = (id) => `[data-test-id="${id}"]`;
const oneLine = (text) => String(text ?? '').replace(/\s+/g, ' ').trim();
const shot = (page, name) => page.screenshot({ path: path.join(shotsDir, `${label}-${name}.png`) });

/** A new tab whose page errors are collected with the main page's. */
async function newPage(context) {
	const page = await context.newPage();
	page.setDefaultTimeout(30000);
	page.on('pageerror', (e) => pageErrors.push(e.message));
	return page;
}

/**
 * Open a workflow and its node's details view. n8n 2.41 lets one tab edit a workflow at a
 * time and keeps the lock for a while after a tab closes ("Editing in another tab" over the
 * canvas, the canvas read-only): when it shows, "Edit here" takes the workflow over.
 */
async function openNode(page, workflowId, nodeName = FLORA_NODE) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	const node = page.locator(`${tid('canvas-node')}[data-node-name="${nodeName}"]`);
	await node.waitFor({ timeout: 30000 });
	await page.waitForTimeout(500);
	const editHere = page.getByRole('button', { name: 'Edit here' });
	if (await editHere.isVisible().catch(() => false)) {
		await editHere.click();
		await page.waitForTimeout(500);
	}
	await node.dblclick();
	const ndv = page.locator(tid('ndv'));
	await ndv.waitFor({ timeout: 15000 });
	return { node, ndv };
}

/**
 * Pick an option of an n8n select (parameter-input-NAME) by its title. An option's text is
 * its title and description run together ("StreamFollow the run…"): no \b after the title.
 */
async function selectOption(page, ndv, name, title) {
	await ndv.locator(tid(`parameter-input-${name}`)).click();
	await page
		.locator('.el-select-dropdown__item:visible, [role="option"]:visible')
		.filter({ hasText: new RegExp(`^\\s*${title}(?![a-z])`) })
		.first()
		.click();
	await page.waitForTimeout(300);
}

/** The texts of the visible toasts (n8n's notifications). */
async function toastTexts(page) {
	return (await page.locator('.el-notification:visible').allInnerTexts().catch(() => [])).map(oneLine);
}
async function closeToasts(page) {
	for (const button of await page.locator('.el-notification:visible .el-notification__closeBtn').all()) {
		await button.click().catch(() => {});
	}
	await page.waitForTimeout(300);
}

/** A workflow file of the repository (examples/CASE.json or e2e/workflows/CASE.json). */
function workflowFile(relative) {
	return JSON.parse(readFileSync(path.join(here, '..', relative), 'utf8'));
}

/** The technique's input slots from the simulator (SIM_BASE_URL, SIM_API_KEY), or null. */
async function techniqueSlots(techniqueId) {
	const sim = (process.env.SIM_BASE_URL ?? '').replace(/\/+$/, '');
	if (!sim || !process.env.SIM_API_KEY) return null;
	try {
		const response = await fetch(`${sim}/techniques/${encodeURIComponent(techniqueId)}`, {
			headers: { Authorization: `Bearer ${process.env.SIM_API_KEY}`, Accept: 'application/json' },
		});
		if (!response.ok) return null;
		return (await response.json()).inputs ?? null;
	} catch {
		return null;
	}
}

/**
 * The parameter panel as the node ships today: credential, resource, operation, the
 * "Technique" resource locator holding the example's technique URL, the inputs.
 */
async function checkParameterPanel(page, ndv) {
	const params = ndv.locator(tid('node-parameters'));
	await params.waitFor({ timeout: 15000 });
	const text = await params.innerText();
	check(/\bTechnique\b/.test(text), 'the parameter panel shows the "Technique" field');
	check(await ndv.locator(tid('parameter-input-technique')).isVisible(), 'the Technique input is visible');
	const techniqueValue = await ndv
		.locator(`${tid('resource-locator-technique')} ${tid('rlc-input')}`)
		.first()
		.evaluate((el) => el.value ?? el.querySelector('input, textarea')?.value ?? el.textContent ?? '')
		.catch(() => '');
	check(
		/Every Output Type|tech_every_output|every-output-type/.test(techniqueValue),
		`the Technique field holds the example's technique (got ${JSON.stringify(techniqueValue)})`,
	);
	const credential = await ndv
		.locator(`${tid('node-credentials-select')} input`)
		.first()
		.inputValue()
		.catch(async () => (await ndv.locator(tid('node-credentials-select')).innerText().catch(() => '')));
	check(/FLORA account/.test(credential), `the credential "FLORA account" is selected (got ${JSON.stringify(credential)})`);
	for (const field of ['Resource', 'Operation', 'Inputs']) {
		check(new RegExp(`\\b${field}\\b`).test(text), `the parameter panel shows "${field}"`);
	}
}

/**
 * The technique list picker and the schema-driven inputs, on a FLORA Technique node at
 * version 2 (e2e/workflows/editor-technique-v2.json: the node as added to a workflow, no
 * technique chosen). In a page of its own:
 *   - the Technique field is in "From list" mode; opening it lists the simulator's
 *     techniques (FLORA's GET /techniques through the node's searchTechniques method),
 *     "Product Shot" among them;
 *   - typing "storyboard" in the list's search narrows it to "Storyboard to Video";
 *   - the list says what helps choose (checkTechniqueDescriptions): "Product Shot" with its
 *     cost per run ("$… a run") and what it takes and gives ("text + image → image");
 *   - picking "Product Shot" makes the Inputs (resource mapper) show one field per input
 *     slot of the technique: "Scene prompt", "Product image", "Style reference";
 *   - then the Mode and Options (checkModeAndDownloadOption).
 * Screenshots: <label>-technique-list.png, <label>-technique-list-search.png,
 * <label>-technique-fields.png, <label>-options.png.
 */
async function checkTechniquePickerAndSchemaInputs(context) {
	if (!args['v2-workflow-id']) {
		check(false, 'technique picker: no --v2-workflow-id (e2e/workflows/editor-technique-v2.json not imported?)');
		return;
	}
	const page = await newPage(context);
	// What the node answered for the list (n8n's editor asks through
	// POST /rest/dynamic-node-parameters/resource-locator-results).
	const listResults = [];
	page.on('response', async (response) => {
		if (!/\/rest\/dynamic-node-parameters\/resource-locator-results/.test(response.url())) return;
		const body = await response.json().catch(() => null);
		listResults.push(...(body?.data?.results ?? []));
	});
	try {
		const { ndv } = await openNode(page, args['v2-workflow-id']);
		const locator = ndv.locator(tid('resource-locator-technique'));
		await locator.waitFor({ timeout: 15000 });

		// The mode: "From list" (the version 2 default).
		const modeInput = locator.locator(`${tid('rlc-mode-selector')} input`).first();
		let mode = await modeInput.inputValue().catch(() => '');
		if (!/list/i.test(mode)) {
			await locator.locator(tid('rlc-mode-selector')).click();
			await page.locator('.el-select-dropdown__item:visible, [role="option"]:visible').filter({ hasText: /From list/i }).first().click();
			mode = await modeInput.inputValue().catch(() => '');
		}
		check(/From list/i.test(mode), `the Technique field is in "From list" mode (got ${JSON.stringify(mode)})`);

		// Open the list: the simulator's techniques.
		await locator.locator(tid('rlc-input')).first().click();
		const items = page.locator(`${tid('rlc-item')}:visible`);
		await items.first().waitFor({ timeout: 20000 });
		await page.getByText(/^Product Shot/).first().waitFor({ timeout: 10000 }).catch(() => {});
		const listed = (await items.allInnerTexts()).map((t) => t.trim().split('\n')[0]);
		check(listed.length >= 5, `the list shows the simulator's techniques (${listed.length} shown: ${listed.slice(0, 6).join(', ')}, …)`);
		check(listed.includes('Product Shot ($0.12) → image'), `"Product Shot" is in the list with its cost per run and what it gives in its name ("Product Shot ($0.12) → image"; n8n 2.x shows no result descriptions)`);
		check(listed.some((t) => t.startsWith('Storyboard to Video')) || listed.length >= 20, '"Storyboard to Video" is in the list, or the list pages');
		await checkTechniqueDescriptions(page, items, listResults);
		await page.screenshot({ path: path.join(shotsDir, `${label}-technique-list.png`) });

		// Search narrows it (the query goes to FLORA).
		const search = page.locator(`${tid('rlc-search')}:visible input, input${tid('rlc-search')}:visible`).first();
		await search.fill('storyboard');
		let narrowed = [];
		for (let i = 0; i < 40; i++) {
			narrowed = (await items.allInnerTexts().catch(() => [])).map((t) => t.trim().split('\n')[0]);
			if (narrowed.length > 0 && narrowed.length < listed.length && narrowed.every((t) => /storyboard/i.test(t))) break;
			await page.waitForTimeout(250);
		}
		check(
			narrowed.length > 0 && narrowed.length < listed.length && narrowed.some((t) => t.startsWith('Storyboard to Video')),
			`searching "storyboard" narrows the list to ${JSON.stringify(narrowed)}`,
		);
		await page.screenshot({ path: path.join(shotsDir, `${label}-technique-list-search.png`) });

		// Pick "Product Shot".
		await search.fill('Product Shot');
		const productShot = items.filter({ hasText: /^\s*Product Shot/ }).first();
		await productShot.waitFor({ timeout: 15000 });
		await productShot.click();
		const value = await locator.locator(tid('rlc-input')).first().inputValue().catch(() => '');
		check(/Product Shot/.test(value), `"Product Shot" is picked (the field shows ${JSON.stringify(value)})`);

		// The inputs from the technique's schema.
		const params = ndv.locator(tid('node-parameters'));
		let text = '';
		for (let i = 0; i < 60; i++) {
			text = await params.innerText().catch(() => '');
			if (/Scene prompt/.test(text) && /Product image/.test(text)) break;
			await page.waitForTimeout(250);
		}
		for (const field of ['Scene prompt', 'Product image', 'Style reference']) {
			check(text.includes(field), `the Inputs show the technique's field "${field}"`);
		}
		await page.waitForTimeout(300);
		await page.screenshot({ path: path.join(shotsDir, `${label}-technique-fields.png`) });

		try {
			await checkModeAndDownloadOption(page, ndv);
		} catch (e) {
			check(false, `Mode / Options check aborted: ${e.message.split('\n')[0]}`);
			await shot(page, 'options-failure').catch(() => {});
		}
	} catch (e) {
		check(false, `technique picker check aborted: ${e.message.split('\n')[0]}`);
		await page.screenshot({ path: path.join(shotsDir, `${label}-technique-picker-failure.png`) }).catch(() => {});
	} finally {
		await page.close();
	}
}

/**
 * The technique picker says what helps choose: the node gives each list result a
 * description that starts with the cost per run and what the technique takes and gives
 * ("$0.12 a run · text + image → image · …"); the check wants the list to show it for
 * "Product Shot", on the item itself or in a tooltip when hovering it. n8n 2.41.1's list
 * (ResourceLocatorDropdown) renders only each result's name (and a link on hover): when no
 * item of the list shows anything but its name, that is said in a NOTE line, not failed
 * (the node cannot change what n8n draws), and the check holds to what the node sent.
 */
async function checkTechniqueDescriptions(page, items, listResults) {
	const sent = listResults.find((r) => /^Product Shot\b/.test(r.name));
	const costPattern = /\$\d+(\.\d+)? a run/;
	check(
		!!sent && costPattern.test(sent.description ?? '') && (sent.description ?? '').includes('→'),
		`technique list: the node describes "Product Shot" with its cost per run and "→" (sent: ${JSON.stringify(sent?.description ?? null)})`,
	);
	const item = items.filter({ hasText: /^\s*Product Shot/ }).first();
	await item.hover().catch(() => {});
	await page.waitForTimeout(800);
	const itemText = oneLine(await item.innerText().catch(() => ''));
	const titles = await item
		.evaluate((el) => [el, ...el.querySelectorAll('*')].map((e) => e.getAttribute('title') ?? '').filter(Boolean))
		.catch(() => []);
	// Tooltips shown while hovering, other than the list's own dropdown.
	const tips = (await page.locator('[role="tooltip"]:visible, .el-popper:visible').allInnerTexts().catch(() => []))
		.map(oneLine)
		.filter((t) => t && !t.includes('Storyboard to Video'));
	const shown = [itemText, ...titles, ...tips].find((t) => costPattern.test(t) && t.includes('→'));
	if (shown) {
		check(true, `technique list: "Product Shot" shows its cost per run (${JSON.stringify(shown)})`);
		return;
	}
	const onlyNames = await items
		.evaluateAll((els) =>
			els.every((el) => {
				const name = el.querySelector('span')?.textContent.trim() ?? '';
				return el.textContent.replace(/\s+/g, ' ').trim() === name;
			}),
		)
		.catch(() => false);
	if (onlyNames) {
		note(
			'technique list: n8n 2.41.1 shows no description of list results at all: each item ' +
				`holds only the name (Product Shot: ${JSON.stringify(itemText)}; hover: link title ${JSON.stringify(titles)}, ` +
				`tooltips ${JSON.stringify(tips)}). The node's description (${JSON.stringify(sent?.description ?? null)}) ` +
				'reaches the editor but is not displayed: the cost per run is not visible while choosing.',
		);
	} else {
		check(false, `technique list: "Product Shot" does not show its cost per run (item ${JSON.stringify(itemText)}, tooltips ${JSON.stringify(tips)})`);
	}
}

/**
 * Mode and Options of Technique → Run (in the picker's page, the node at version 2): with
 * Mode "Async" the "Wait By" field is shown; switching Mode to "Stream" hides it (the node
 * follows FLORA's event stream) and back to "Async" shows it again. Adding "Download
 * Outputs" from "Add Option" brings it in switched on (adding it is asking for the files).
 * Screenshot: <label>-options.png (Mode Stream, no Wait By, Download Outputs on).
 */
async function checkModeAndDownloadOption(page, ndv) {
	const modeValue = () =>
		ndv.locator(`${tid('parameter-input-mode')} input`).first().inputValue().catch(() => '');
	const waitBy = ndv.locator(tid('parameter-input-waitMode'));
	const mode = await modeValue();
	check(mode === 'Async', `Mode is "Async" on a new node (got ${JSON.stringify(mode)})`);
	check(await waitBy.isVisible().catch(() => false), 'with Mode "Async", "Wait By" is shown');
	await selectOption(page, ndv, 'mode', 'Stream');
	check((await modeValue()) === 'Stream', `Mode switched to "Stream" (got ${JSON.stringify(await modeValue())})`);
	await page.waitForTimeout(300);
	check(!(await waitBy.isVisible().catch(() => false)), 'with Mode "Stream", "Wait By" is hidden');
	const paramsText = await ndv.locator(tid('node-parameters')).innerText().catch(() => '');
	check(!/\bWait By\b/.test(paramsText), 'with Mode "Stream", no "Wait By" label in the parameters');

	const add = ndv.locator(tid('collection-parameter-add')).first();
	await add.scrollIntoViewIfNeeded();
	await add.click();
	const choices = page.locator('.el-select-dropdown__item:visible, [role="option"]:visible');
	await choices.filter({ hasText: /^\s*Download Outputs\s*$/ }).first().click();
	const download = ndv.locator(tid('parameter-input-download'));
	await download.waitFor({ timeout: 10000 });
	await download.scrollIntoViewIfNeeded();
	const on = await download
		.evaluate(
			(el) =>
				el.querySelector('.el-switch')?.classList.contains('is-checked') ||
				el.querySelector('input[role="switch"]')?.getAttribute('aria-checked') === 'true',
		)
		.catch(() => false);
	check(on, '"Download Outputs" added from "Add Option" comes switched on');
	await page.waitForTimeout(300);
	await shot(page, 'options');

	await selectOption(page, ndv, 'mode', 'Async');
	await page.waitForTimeout(300);
	check(await waitBy.isVisible().catch(() => false), 'back to Mode "Async", "Wait By" is shown again');
}

/**
 * A text-only run with an empty "By ID" Upload Workspace (e2e/workflows/editor-empty-workspace.json:
 * Every Output Type, prompt "a vase", workspace { mode: id, value: '' }, one item per run):
 * the canvas shows no issues on the node, the node details view no parameter issues, and
 * "Execute step" runs it: the output panel shows 1 item (completed), no toast or text about
 * issues or a run that "cannot start". (The CLI part of the suite executes the same workflow
 * with `n8n execute`: case editor-empty-workspace in assert-execution.mjs.)
 * Screenshot: <label>-empty-workspace.png.
 */
async function checkEmptyWorkspaceRun(context) {
	const id = args['empty-workspace-workflow-id'];
	if (!check(!!id && id !== true, 'empty workspace: --empty-workspace-workflow-id given (e2e/workflows/editor-empty-workspace.json imported)')) return;
	const page = await newPage(context);
	try {
		const { node, ndv } = await openNode(page, id);
		check((await node.locator(tid('node-issues')).count()) === 0, 'empty workspace: the canvas shows no issues on FLORA Technique');
		const workspace = ndv.locator(tid('resource-locator-workspace'));
		await workspace.scrollIntoViewIfNeeded();
		const wsMode = await workspace.locator(`${tid('rlc-mode-selector')} input`).first().inputValue().catch(() => '');
		const wsValue = await workspace.locator(`${tid('rlc-input')}`).first().inputValue().catch(() => '?');
		check(/By ID/i.test(wsMode) && wsValue === '', `empty workspace: Upload Workspace is "By ID" and empty (mode ${JSON.stringify(wsMode)}, value ${JSON.stringify(wsValue)})`);
		const issues = await ndv.locator(`${tid('node-parameters')} ${tid('parameter-issues')}`).count();
		check(issues === 0, `empty workspace: no parameter shows issues (${issues})`);

		await ndv.locator(tid('node-execute-button')).first().click();
		const output = ndv.locator(tid('output-panel'));
		let text = '';
		for (let i = 0; i < 240; i++) {
			text = oneLine(await output.innerText().catch(() => ''));
			if (/\b1 item\b/.test(text) || /error|problem|issues|cannot start/i.test(text)) break;
			await page.waitForTimeout(250);
		}
		check(/\b1 item\b/.test(text), `empty workspace: Execute step → the output panel shows 1 item (${text.slice(0, 200)})`);
		const toasts = await toastTexts(page);
		const ndvText = oneLine(await ndv.innerText().catch(() => ''));
		const complaint = [...toasts, ndvText].find((t) => /cannot start|\bissues?\b/i.test(t));
		check(!complaint, `empty workspace: no "cannot start" / "Issues" message (${complaint ? complaint.slice(0, 200) : `toasts: ${JSON.stringify(toasts)}`})`);
		check(/\bcompleted\b/.test(text), 'empty workspace: the run in the output is completed');
		await closeToasts(page);
		await shot(page, 'empty-workspace');
	} catch (e) {
		check(false, `empty workspace check aborted: ${e.message.split('\n')[0]}`);
		await shot(page, 'empty-workspace-failure').catch(() => {});
	} finally {
		await page.close();
	}
}

/**
 * An example's FLORA Technique node opens clean (its details view open in ndv): the Inputs
 * (resource mapper) render one field per saved schema entry; nothing says they are outdated
 * (n8n compares the saved schema with the node's fields: a warning icon by "Values to
 * Send" with the tooltip "Inputs are outdated. Refresh to see the changes.", or the notice
 * "Refresh to see the updated fields"); each field label is whole (not cut with an
 * ellipsis: scrollWidth <= clientWidth + 1) and reads the saved displayName; with image or
 * video inputs (by the technique's slot types from the simulator), a notice above the fields
 * says they take a public URL or binary:data.
 */
async function checkExampleFields(page, ndv, caseName) {
	const workflow = workflowFile(`examples/${caseName}.json`);
	const saved = workflow.nodes.find((n) => n.type === FLORA_TYPE)?.parameters ?? {};
	const schema = (saved.inputFields?.schema ?? []).filter((f) => f.display !== false && !f.removed);
	const labels = ndv.locator(`${tid('mapping-fields-container')} label[for^="value["]`);
	for (let i = 0; i < 80 && (await labels.count()) < schema.length; i++) await page.waitForTimeout(250);
	// The node's fields come from FLORA after the panel opens; n8n compares them then.
	await page.waitForTimeout(1500);
	const fields = await labels.evaluateAll((els) =>
		els.map((label) => {
			const span = label.querySelector('.n8n-text') ?? label;
			const title = span.parentElement;
			return {
				id: (label.getAttribute('for') ?? '').replace(/^value\["?|"?\]$/g, ''),
				text: span.textContent.replace(/\s+/g, ' ').trim(),
				cut: [span, title].filter(Boolean).map((el) => ({ sw: el.scrollWidth, cw: el.clientWidth })),
			};
		}),
	);
	check(
		fields.length === schema.length,
		`${caseName}: the Inputs show ${schema.length} field(s) (got ${fields.length}: ${fields.map((f) => f.text).join(' | ')})`,
	);

	const staleIcon = ndv.locator('[class*="staleDataWarning"]');
	if ((await staleIcon.count()) > 0) await staleIcon.first().hover().catch(() => {});
	await page.waitForTimeout(300);
	const tooltips = (await page.locator('[role="tooltip"]:visible').allInnerTexts().catch(() => [])).join(' ');
	const ndvText = `${await ndv.innerText().catch(() => '')} ${tooltips}`;
	check(
		(await staleIcon.count()) === 0 && !/outdated/i.test(ndvText) && !/Refresh to see the updated fields/i.test(ndvText),
		`${caseName}: nothing says the inputs are outdated${/outdated|Refresh to see/i.test(ndvText) ? ` (shows: ${oneLine(ndvText.match(/[^.]*(outdated|Refresh to see)[^.]*\.?/i)?.[0])})` : ''}`,
	);

	const slots = await techniqueSlots(saved.technique?.value);
	const takesFile = (field) => {
		const slot = slots?.find((s) => s.id === field.id);
		return slot ? ['imageUrl', 'videoUrl'].includes(slot.type) : /\b(image|video)\b/i.test(field.displayName);
	};
	if (!slots) note(`${caseName}: the simulator's technique could not be read (SIM_BASE_URL/SIM_API_KEY); image and video inputs judged by their labels`);
	for (const field of schema) {
		const shown = fields.find((f) => f.id === field.id);
		if (!check(!!shown, `${caseName}: the field "${field.displayName}" is shown`)) continue;
		const cut = shown.cut.find((m) => m.sw > m.cw + 1);
		check(
			!cut && shown.text === field.displayName,
			`${caseName}: the label "${field.displayName}" is shown whole${cut ? ` (cut: ${cut.sw}px of text in ${cut.cw}px)` : ''}${shown.text === field.displayName ? '' : ` (reads ${JSON.stringify(shown.text)})`}`,
		);
	}
	// Labels stay short enough for n8n 2.x; the notice above the fields says what they take.
	if (schema.some(takesFile)) {
		const notices = await ndv.locator('.notice').allInnerTexts().catch(() => []);
		const notice = oneLine(notices.find((text) => /binary:data/.test(text)) ?? '');
		check(
			/binary:data/.test(notice) && /public URL/.test(notice),
			`${caseName}: the notice above the image/video inputs says they take a public URL or binary:data (${notice ? JSON.stringify(notice.slice(0, 120)) : 'no such notice'})`,
		);
	}
}

/**
 * Examples open clean: the FLORA Technique node of examples/scheduled-batch.json,
 * image-in-binary-out.json and long-video-webhook.json (technique-run.json is checked on
 * the main page), each opened in one tab, with checkExampleFields.
 * Screenshot: <label>-example-fields.png (scheduled-batch).
 */
async function checkExamplesOpenClean(context) {
	const cases = ['scheduled-batch', 'image-in-binary-out', 'long-video-webhook'];
	const page = await newPage(context);
	try {
		for (const caseName of cases) {
			if (!check(!!exampleIds[caseName], `${caseName}: its workflow id is given (--example-ids)`)) continue;
			try {
				const { ndv } = await openNode(page, exampleIds[caseName]);
				await checkExampleFields(page, ndv, caseName);
				if (caseName === 'scheduled-batch') await shot(page, 'example-fields');
			} catch (e) {
				check(false, `${caseName}: the example check aborted: ${e.message.split('\n')[0]}`);
				await shot(page, `${caseName}-failure`).catch(() => {});
			}
		}
	} finally {
		await page.close();
	}
}

/**
 * The output items carry their names (after "Execute step" on examples/technique-run.json):
 * in the JSON view the first item's first keys are output_name, type, url; in the table
 * the columns start with output_name, type, url and the five rows are named after the
 * technique's output slots: Image, Video, Audio, Text, Document.
 * Screenshot: <label>-outputs.png (table view).
 */
async function checkOutputNames(page, ndv) {
	const output = ndv.locator(tid('output-panel'));
	try {
		await output.locator(tid('radio-button-json')).click();
		const keysOf = () => output.locator('.vjs-key').allInnerTexts().catch(() => []);
		let keys = [];
		for (let i = 0; i < 40 && keys.length === 0; i++) {
			keys = (await keysOf()).map((k) => k.replace(/["\s:]/g, ''));
			if (keys.length === 0) await page.waitForTimeout(250);
		}
		// The first item's keys: up to the second output_name.
		const second = keys.indexOf('output_name', 1);
		const first = second > 0 ? keys.slice(0, second) : keys;
		check(
			JSON.stringify(first.slice(0, 3)) === JSON.stringify(['output_name', 'type', 'url']),
			`JSON view: the first item's keys start with output_name, type, url (got ${first.slice(0, 6).join(', ')}, …)`,
		);
		const values = await output
			.locator('.vjs-tree-node')
			.evaluateAll((els) =>
				els
					.map((el) => el.textContent.replace(/\s+/g, ' ').trim())
					.filter((t) => t.startsWith('"output_name":'))
					.map((t) => t.replace(/^"output_name":\s*"?|"?,?$/g, '')),
			)
			.catch(() => []);
		check(values[0] === 'Image', `JSON view: the first item's output_name is "Image" (visible output_name values: ${JSON.stringify(values)})`);

		await output.locator(tid('radio-button-table')).click();
		await output.locator('table th').first().waitFor({ timeout: 10000 });
		const headers = (await output.locator('table thead th').allInnerTexts()).map(oneLine);
		check(
			JSON.stringify(headers.slice(0, 3)) === JSON.stringify(['output_name', 'type', 'url']),
			`table view: the columns start with output_name, type, url (got ${headers.slice(0, 5).join(', ')}, …)`,
		);
		const column = headers.indexOf('output_name');
		const names =
			column < 0
				? []
				: await output
						.locator('table tbody tr')
						.evaluateAll((rows, c) => rows.map((r) => (r.children[c]?.textContent ?? '').replace(/\s+/g, ' ').trim()), column);
		const want = ['Image', 'Video', 'Audio', 'Text', 'Document'];
		check(
			JSON.stringify(names) === JSON.stringify(want),
			`table view: the items carry output_name ${want.join(', ')} (got ${JSON.stringify(names)})`,
		);
		await closeToasts(page);
		await shot(page, 'outputs');
	} catch (e) {
		check(false, `output names check aborted: ${e.message.split('\n')[0]}`);
		await shot(page, 'outputs-failure').catch(() => {});
	}
}

/**
 * The FLORA Trigger panel (examples/trigger-pattern.json): the notice says, in two
 * sentences, one starting "Test URL" (press "Execute step") and one starting "Production
 * URL" (activate the workflow); no words run together across a sentence end ("nothing.Each")
 * and no HTML shown as text; the "Run Events" field is there. Screenshot: <label>-trigger.png.
 */
async function checkTriggerPanel(context) {
	if (!check(!!exampleIds['trigger-pattern'], 'trigger-pattern: its workflow id is given (--example-ids)')) return;
	const page = await newPage(context);
	try {
		const { ndv } = await openNode(page, exampleIds['trigger-pattern'], TRIGGER_NODE);
		const params = ndv.locator(tid('node-parameters'));
		await params.waitFor({ timeout: 15000 });
		const notice = oneLine(await params.locator('.notice').first().innerText().catch(() => ''));
		check(notice.length > 0, `trigger: the panel shows a notice (${JSON.stringify(notice.slice(0, 80))}…)`);
		const sentences = notice.split(/(?<=[.!?])\s+/).filter(Boolean);
		const test = sentences.find((s) => s.startsWith('Test URL'));
		const production = sentences.find((s) => s.startsWith('Production URL'));
		check(!!test && /Execute step/.test(test), `trigger: a sentence starts with "Test URL" and mentions "Execute step" (${JSON.stringify(test ?? sentences)})`);
		check(!!production && /\bactivate/i.test(production), `trigger: a sentence starts with "Production URL" and mentions "activate" (${JSON.stringify(production ?? sentences)})`);
		const runTogether = notice.match(/[a-z][.!?;:][A-Z][a-z]*/g);
		check(!runTogether, `trigger: no words run together in the notice (${JSON.stringify(runTogether ?? [])})`);
		check(!/<\/?[a-z]+>|&lt;|&gt;/.test(notice), 'trigger: no HTML tags shown as text in the notice');
		const text = await params.innerText().catch(() => '');
		check(/\bRun Events\b/.test(text) && (await ndv.locator(tid('parameter-input-events')).isVisible()), 'trigger: the "Run Events" field is there');
		await page.waitForTimeout(300);
		await shot(page, 'trigger');
	} catch (e) {
		check(false, `trigger panel check aborted: ${e.message.split('\n')[0]}`);
		await shot(page, 'trigger-failure').catch(() => {});
	} finally {
		await page.close();
	}
}

/** Run the node from the editor ("Execute step") and expect its 5 output items. */
async function checkExecuteStep(page, ndv) {
	const button = ndv.locator(tid('node-execute-button')).first();
	await button.click();
	const output = ndv.locator(tid('output-panel'));
	try {
		await output.getByText(/5 items/).first().waitFor({ timeout: 60000 });
		check(true, 'Execute step in the editor: the output panel shows 5 items');
	} catch {
		const text = (await output.innerText().catch(() => '')).replace(/\s+/g, ' ').slice(0, 400);
		check(false, `Execute step in the editor: expected "5 items" in the output panel (got: ${text})`);
	}
}

async function main() {
	mkdirSync(shotsDir, { recursive: true });
	const browser = await chromium.launch({
		executablePath,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await newPage(context);

		// Sign in through the form, as a person would.
		await page.goto(`${baseUrl}/signin`);
		await page.locator('#emailOrLdapLoginId, input[name="emailOrLdapLoginId"], input[type="email"]').first().fill(email);
		await page.locator('#password, input[name="password"]').first().fill(password);
		await page.locator(tid('form-submit-button')).first().click();
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30000 });
		check(true, `signed in as ${email}`);

		// The imported example workflow, with the FLORA node known to the editor.
		await page.goto(`${baseUrl}/workflow/${workflowId}`);
		const node = page.locator(`${tid('canvas-node')}[data-node-name="${FLORA_NODE}"]`);
		await node.waitFor({ timeout: 30000 });
		check((await node.getAttribute('data-node-type')) === FLORA_TYPE, `the canvas shows "${FLORA_NODE}" (${FLORA_TYPE})`);
		await page.waitForTimeout(500);
		await page.screenshot({ path: path.join(shotsDir, `${label}-workflow.png`) });

		// Open the node: the node details view with its parameters.
		await node.dblclick();
		const ndv = page.locator(tid('ndv'));
		await ndv.waitFor({ timeout: 15000 });
		check(true, 'the node details view opened');
		await checkParameterPanel(page, ndv);
		await page.screenshot({ path: path.join(shotsDir, `${label}-flora-technique.png`) });
		// Examples open clean: technique-run here, in its one tab (n8n lets one tab edit it).
		await checkExampleFields(page, ndv, 'technique-run').catch((e) =>
			check(false, `technique-run: the example check aborted: ${e.message.split('\n')[0]}`),
		);

		if (!args['no-execute']) {
			await checkExecuteStep(page, ndv);
			await page.screenshot({ path: path.join(shotsDir, `${label}-flora-technique-executed.png`) });
			await checkOutputNames(page, ndv);
		}
		await checkTechniquePickerAndSchemaInputs(context);
		if (!args['no-execute']) await checkEmptyWorkspaceRun(context);
		await checkExamplesOpenClean(context);
		await checkModelPickerAndParams(context, { check, tid, oneLine, shot, newPage, openNode, workflowFile, exampleIds });
		await checkTriggerPanel(context);
		const relevant = pageErrors.filter((m) => /flora/i.test(m));
		check(relevant.length === 0, `no page errors mentioning FLORA (${relevant.join(' | ') || 'none'})`);
		if (pageErrors.length) console.log(`  info ${pageErrors.length} other page error(s): ${pageErrors.slice(0, 3).join(' | ')}`);
		if (notes.length) console.log(`  ${notes.length} NOTE(s) above: what n8n does not show, not failed`);
		console.log(`  screenshots in ${shotsDir}`);
	} catch (e) {
		check(false, `browser check aborted: ${e.message.split('\n')[0]}`);
		try {
			const pages = browser.contexts().flatMap((c) => c.pages());
			if (pages[0]) await pages[0].screenshot({ path: path.join(shotsDir, `${label}-failure.png`) });
		} catch {
			/* ignore */
		}
	} finally {
		await browser.close();
	}
	process.exit(failures.length ? 1 : 0);
}

main();
