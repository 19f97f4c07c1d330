#!/usr/bin/env node
// The n8n editor in a real browser (Debian's Chromium driven by playwright-core from the
// e2e cache): sign in, open the imported example workflow, open the FLORA Technique node,
// check its parameter panel, run the step from the editor, save screenshots.
//
// Usage: node e2e/browser-check.mjs --base-url URL --workflow-id ID --email E --password P
//          [--v2-workflow-id ID] [--screenshots DIR] [--label NAME] [--no-execute]
//   --workflow-id: examples/technique-run.json (checked and executed);
//   --v2-workflow-id: e2e/workflows/editor-technique-v2.json (the list picker and the
//   schema-driven inputs, see checkTechniquePickerAndSchemaInputs).
// Needs: FLORA_E2E_CACHE (or the default cache) with playwright-core (e2e/install-browser.sh).
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
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
const failures = [];
function check(ok, message) {
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
	if (!ok) failures.push(message);
	return ok;
}
const tid = (id) => `[data-test-id="${id}"]`;

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
 *   - picking "Product Shot" makes the Inputs (resource mapper) show one field per input
 *     slot of the technique: "Scene prompt", "Product image", "Style reference".
 * Screenshots: <label>-technique-list.png, <label>-technique-list-search.png,
 * <label>-technique-fields.png.
 */
async function checkTechniquePickerAndSchemaInputs(context) {
	if (!args['v2-workflow-id']) {
		check(false, 'technique picker: no --v2-workflow-id (e2e/workflows/editor-technique-v2.json not imported?)');
		return;
	}
	const page = await context.newPage();
	page.setDefaultTimeout(30000);
	try {
		await page.goto(`${baseUrl}/workflow/${args['v2-workflow-id']}`);
		const node = page.locator(`${tid('canvas-node')}[data-node-name="${FLORA_NODE}"]`);
		await node.waitFor({ timeout: 30000 });
		await node.dblclick();
		const ndv = page.locator(tid('ndv'));
		await ndv.waitFor({ timeout: 15000 });
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
		await page.getByText('Product Shot', { exact: true }).first().waitFor({ timeout: 10000 }).catch(() => {});
		const listed = (await items.allInnerTexts()).map((t) => t.trim().split('\n')[0]);
		check(listed.length >= 5, `the list shows the simulator's techniques (${listed.length} shown: ${listed.slice(0, 6).join(', ')}, …)`);
		check(listed.includes('Product Shot'), '"Product Shot" is in the list');
		check(listed.includes('Storyboard to Video') || listed.length >= 20, '"Storyboard to Video" is in the list, or the list pages');
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
			narrowed.length > 0 && narrowed.length < listed.length && narrowed.includes('Storyboard to Video'),
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
	} catch (e) {
		check(false, `technique picker check aborted: ${e.message.split('\n')[0]}`);
		await page.screenshot({ path: path.join(shotsDir, `${label}-technique-picker-failure.png`) }).catch(() => {});
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
	const pageErrors = [];
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();
		page.setDefaultTimeout(30000);
		page.on('pageerror', (e) => pageErrors.push(e.message));

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

		if (!args['no-execute']) {
			await checkExecuteStep(page, ndv);
			await page.screenshot({ path: path.join(shotsDir, `${label}-flora-technique-executed.png`) });
		}
		await checkTechniquePickerAndSchemaInputs(context);
		const relevant = pageErrors.filter((m) => /flora/i.test(m));
		check(relevant.length === 0, `no page errors mentioning FLORA (${relevant.join(' | ') || 'none'})`);
		if (pageErrors.length) console.log(`  info ${pageErrors.length} other page error(s): ${pageErrors.slice(0, 3).join(' | ')}`);
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
