#!/usr/bin/env node
// The FLORA nodes in n8n's node panel (node creator), in a real browser (Debian's Chromium
// driven by playwright-core from the e2e cache), as a builder looks for them:
//   - in a new workflow (the panel opens on its trigger view), typing "flora", "FLORA
//     Technique", "flora trigger", "technique", "image generation", "image", "video" and
//     "generate" in the search lists the expected node(s): both for "flora", the Trigger for
//     "flora trigger", FLORA Technique for the others;
//   - the Trigger is listed as "FLORA Trigger" (n8n drops "Trigger" from the name of a
//     trigger that has actions of its own, which left just "FLORA");
//   - in the example workflow (it has a trigger, so the panel opens on "what happens next"),
//     "flora" finds both nodes too, and FLORA Technique's action list shows its operations
//     under resource headings (Technique, Generation, Action, Model, Project, Asset, Run:
//     ACTION_GROUPS) and no "Async" / "Stream" actions (n8n turns the options of a property
//     named `mode` into actions for nodes in its "AI" category);
//   - the canvas subtitle of FLORA Technique reads "Technique: Run" (was "run: technique").
// Screenshots: <label>-node-search.png (the results for "flora"), <label>-node-actions.png
// (FLORA Technique's action list).
//
// Usage: node e2e/node-panel-check.mjs --base-url URL --email E --password P
//          [--workflow-id ID] [--v2-workflow-id ID] [--screenshots DIR] [--label NAME]
//   --workflow-id: examples/technique-run.json (a FLORA Technique node on Technique → Run);
//   --v2-workflow-id: e2e/workflows/editor-technique-v2.json (the node as added, version 2).
// Needs: FLORA_E2E_CACHE (or the default cache) with playwright-core (e2e/install-browser.sh).
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(
	process.argv.slice(2).reduce((acc, a, i, all) => {
		if (a.startsWith('--'))
			acc.push([
				a.slice(2),
				all[i + 1]?.startsWith('--') || all[i + 1] === undefined ? true : all[i + 1],
			]);
		return acc;
	}, []),
);
const here = path.dirname(fileURLToPath(import.meta.url));
const cache = process.env.FLORA_E2E_CACHE || path.join(homedir(), '.cache', 'n8n-nodes-flora-e2e');
const baseUrl = String(args['base-url'] ?? '').replace(/\/+$/, '');
const email = args.email;
const password = args.password;
const shotsDir = args.screenshots ? path.resolve(args.screenshots) : path.join(here, 'screenshots');
const label = args.label ?? 'n8n';
const executablePath = process.env.FLORA_E2E_CHROMIUM || '/usr/bin/chromium';
if (!baseUrl || !email || !password) {
	console.error(
		'usage: node-panel-check.mjs --base-url URL --email E --password P [--workflow-id ID] [--v2-workflow-id ID] [--screenshots DIR] [--label NAME]',
	);
	process.exit(2);
}

const require = createRequire(path.join(cache, 'playwright', 'package.json'));
const { chromium } = require('playwright-core');

/** The node as the panel lists it (its display name), and as example workflows name it. */
const TECHNIQUE = 'FLORA';
const TECHNIQUE_NODE_NAME = 'FLORA Technique';
const TRIGGER = 'FLORA Trigger';
const TECHNIQUE_TYPE = 'n8n-nodes-flora.floraTechnique';
const TRIGGER_TYPE = 'n8n-nodes-flora.floraTrigger';
/** What each search must list (by the name the panel shows). */
const SEARCHES = [
	{ query: 'flora', expect: [TECHNIQUE, TRIGGER] },
	{ query: 'FLORA Technique', expect: [TECHNIQUE] },
	{ query: 'flora trigger', expect: [TRIGGER] },
	{ query: 'technique', expect: [TECHNIQUE] },
	{ query: 'image generation', expect: [TECHNIQUE] },
	{ query: 'image', expect: [TECHNIQUE] },
	{ query: 'video', expect: [TECHNIQUE] },
	{ query: 'generate', expect: [TECHNIQUE] },
];
/** FLORA Technique's action list: heading → actions, in order. */
const ACTION_GROUPS = [
	{
		heading: 'Technique Actions',
		actions: ['Run a technique', 'Get a technique', 'Get many techniques'],
	},
	{
		heading: 'Generation Actions',
		actions: ['Generate with a model', 'Get a generation', 'Get many generations'],
	},
	{ heading: 'Action Actions', actions: ['Run an action', 'Get many actions'] },
	{ heading: 'Model Actions', actions: ['Get many models'] },
	{
		heading: 'Project Actions',
		actions: ['Create a project', 'Get a project', 'Get many projects'],
	},
	{ heading: 'Asset Actions', actions: ['Upload an asset', 'Get an asset', 'Get many assets'] },
	{ heading: 'Run Actions', actions: ['Get a run', 'Get many runs', 'Wait for a run'] },
];
const SUBTITLE = 'Technique: Run';

const failures = [];
function check(ok, message) {
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
	if (!ok) failures.push(message);
	return ok;
}
const tid = (id) => `[data-test-id="${id}"]`;
const panel = (page) => page.locator(tid('node-creator'));

/** Open the node panel on the current workflow page (the "+" at the top right, else Tab). */
async function openNodePanel(page) {
	const search = panel(page).locator(tid('node-creator-search-bar'));
	if (await search.isVisible().catch(() => false)) return search;
	const plus = page.locator(tid('node-creator-plus-button')).first();
	await plus.waitFor({ timeout: 30000 });
	await plus.click();
	try {
		await search.waitFor({ timeout: 10000 });
	} catch {
		await page
			.locator(tid('canvas-wrapper'))
			.first()
			.click({ position: { x: 5, y: 5 } })
			.catch(() => {});
		await page.keyboard.press('Tab');
		await search.waitFor({ timeout: 10000 });
	}
	return search;
}

/**
 * The panel's items in order, as rendered: [{ type, name }] where type is n8n's item type
 * (node, action, subcategory, view, …; "label" for the headings of an action list) and name
 * the title shown. Results in other sections ("Results in other categories", "More from the
 * community") are included: they are what the builder sees.
 */
async function panelItems(page) {
	return panel(page)
		.locator(tid('item-iterator-item'))
		.evaluateAll((els) =>
			els
				.filter((el) => el.offsetParent !== null)
				.map((el) => {
					const type = el.getAttribute('data-keyboard-nav-type') ?? 'label';
					const nameEl = el.querySelector('[data-test-id="node-creator-item-name"]');
					const name = (nameEl ?? el).textContent.replace(/\s+/g, ' ').trim();
					return { type, name };
				}),
		);
}

/** The panel's current results as n8n's node creator store holds them (node keys), when reachable. */
async function resultKeys(page) {
	return page
		.evaluate(() => {
			const pinia = document.querySelector('#app')?.__vue_app__?.config?.globalProperties?.$pinia;
			const stacks = pinia?._s?.get('nodeCreatorViewStacks');
			if (!stacks) return null;
			const flat = (items) =>
				(items ?? []).flatMap((i) => (i.type === 'section' ? i.children : [i]));
			return [...flat(stacks.activeViewStack?.items), ...flat(stacks.globalSearchItemsDiff)]
				.filter((i) => i.type === 'node')
				.map((i) => i.key);
		})
		.catch(() => null);
}

/** Type a query into the panel's search and wait until the results stop changing. */
async function search(page, searchBar, query, expect = []) {
	await searchBar.fill('');
	await searchBar.fill(query);
	let items = [];
	let stable = 0;
	let previous = '';
	for (let i = 0; i < 60 && stable < 4; i++) {
		await page.waitForTimeout(150);
		items = await panelItems(page);
		const key = JSON.stringify(items);
		const found = expect.every((name) => items.some((it) => it.name === name));
		stable = key === previous && (found || i > 30) ? stable + 1 : 0;
		previous = key;
	}
	return items;
}

/** The searches in the panel of a new workflow (the trigger view). */
async function checkSearches(page) {
	await page.goto(`${baseUrl}/workflow/new`);
	const searchBar = await openNodePanel(page);
	check(true, 'the node panel opened in a new workflow');
	for (const { query, expect } of SEARCHES) {
		const items = await search(page, searchBar, query, expect);
		const nodes = items.filter((it) => it.type === 'node');
		const names = nodes.map((it) => it.name);
		for (const name of expect) {
			const at = names.indexOf(name);
			check(
				at >= 0,
				`search "${query}": "${name}" is listed${at >= 0 ? ` (#${at + 1} of ${names.length})` : ` (got ${JSON.stringify(names.slice(0, 8))}${names.length > 8 ? ', …' : ''})`}`,
			);
		}
		if (query === 'flora') {
			const keys = await resultKeys(page);
			if (keys) {
				check(
					keys.includes(TECHNIQUE_TYPE) && keys.includes(TRIGGER_TYPE),
					`search "flora": the results hold both node types (${keys.filter((k) => k.startsWith('n8n-nodes-flora.')).join(', ') || 'none'})`,
				);
			}
			const floraNames = names.filter((n) => /flora/i.test(n));
			// The node covers all of FLORA and is listed as "FLORA"; the trigger keeps its own
			// name (n8n once dropped "Trigger" from it, which listed two nodes as "FLORA").
			check(
				floraNames.filter((n) => n.trim() === 'FLORA').length === 1 && floraNames.includes(TRIGGER),
				`search "flora": one node listed as "FLORA" and the trigger as "${TRIGGER}" (FLORA items: ${JSON.stringify(floraNames)})`,
			);
			check(
				new Set(floraNames).size === floraNames.length,
				`search "flora": the FLORA nodes show distinct names (${JSON.stringify(floraNames)})`,
			);
			await page.waitForTimeout(300);
			await page.screenshot({ path: path.join(shotsDir, `${label}-node-search.png`) });
		}
	}
}

/**
 * FLORA Technique's action list: click it in the "flora" results (the panel of a workflow
 * that has a trigger: "what happens next"). n8n opens its "Node details" (a community node)
 * with the actions, grouped under a heading per resource.
 */
async function checkActions(page, searchBar) {
	await search(page, searchBar, 'flora', [TECHNIQUE]);
	const item = panel(page)
		.locator(`${tid('item-iterator-item')}[data-keyboard-nav-type="node"]`)
		.filter({
			has: page.locator(tid('node-creator-item-name'), {
				hasText: new RegExp(`^\\s*${TECHNIQUE}\\s*$`),
			}),
		})
		.first();
	await item.click();
	const expected = ACTION_GROUPS.flatMap((g) => g.actions);
	let items = [];
	let previous = '';
	let stable = 0;
	for (let i = 0; i < 80 && stable < 4; i++) {
		await page.waitForTimeout(150);
		// One panel only: while the panels slide, the one left behind is still in the page.
		const panels = await panel(page).locator(tid('nodes-list-header')).count();
		items = await panelItems(page);
		const key = JSON.stringify(items);
		const done = panels === 1 && items.some((it) => it.type === 'action');
		stable = done && key === previous ? stable + 1 : 0;
		previous = key;
	}
	await page.waitForTimeout(300);
	await page.screenshot({ path: path.join(shotsDir, `${label}-node-actions.png`) });

	const actions = items.filter((it) => it.type === 'action').map((it) => it.name);
	const headings = items.filter((it) => it.type === 'label').map((it) => it.name);
	console.log(
		`  info action list: ${items.map((it) => (it.type === 'label' ? `[${it.name}]` : it.name)).join(' · ')}`,
	);
	check(
		!actions.some((a) => /^(async|stream)$/i.test(a)),
		`the action list has no "Async" / "Stream" actions (actions: ${JSON.stringify(actions)})`,
	);
	check(
		actions.length === expected.length && expected.every((a) => actions.includes(a)),
		`the action list holds exactly the ${expected.length} operations (got ${actions.length})`,
	);
	// Every action sits under the heading of its resource.
	let current = null;
	const under = {};
	for (const it of items) {
		if (it.type === 'label') current = it.name;
		else if (it.type === 'action') (under[current || '(no heading)'] ??= []).push(it.name);
	}
	check(
		!under['(no heading)'],
		`no action outside a heading (${JSON.stringify(under['(no heading)'] ?? [])})`,
	);
	for (const { heading, actions: want } of ACTION_GROUPS) {
		check(headings.includes(heading), `the action list has the heading "${heading}"`);
		check(
			JSON.stringify(under[heading] ?? []) === JSON.stringify(want),
			`under "${heading}": ${JSON.stringify(under[heading] ?? [])} (want ${JSON.stringify(want)})`,
		);
	}
}

/** In an example workflow: the panel's "what happens next" search, and the canvas subtitle. */
async function checkWorkflow(page, id, what) {
	await page.goto(`${baseUrl}/workflow/${id}`);
	const node = page.locator(`${tid('canvas-node')}[data-node-name="${TECHNIQUE_NODE_NAME}"]`);
	await node.waitFor({ timeout: 30000 });
	let text = '';
	for (let i = 0; i < 40; i++) {
		text = (await node.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
		if (text.includes(SUBTITLE)) break;
		await page.waitForTimeout(250);
	}
	check(
		text.includes(SUBTITLE),
		`${what}: the canvas subtitle of "${TECHNIQUE_NODE_NAME}" reads "${SUBTITLE}" (node shows ${JSON.stringify(text)})`,
	);
	check(!/run: technique/i.test(text), `${what}: the old subtitle "run: technique" is gone`);
	return node;
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

		await page.goto(`${baseUrl}/signin`);
		await page
			.locator('#emailOrLdapLoginId, input[name="emailOrLdapLoginId"], input[type="email"]')
			.first()
			.fill(email);
		await page.locator('#password, input[name="password"]').first().fill(password);
		await page.locator(tid('form-submit-button')).first().click();
		await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 30000 });
		check(true, `signed in as ${email}`);

		await checkSearches(page);

		if (args['workflow-id']) {
			await checkWorkflow(page, args['workflow-id'], 'examples/technique-run.json');
			// A workflow with a trigger: the panel opens on "what happens next"; "flora" finds
			// both nodes there too, and FLORA Technique's actions are listed from there.
			const bar = await openNodePanel(page);
			const items = await search(page, bar, 'flora', [TECHNIQUE, TRIGGER]);
			const names = items.filter((it) => it.type === 'node').map((it) => it.name);
			for (const name of [TECHNIQUE, TRIGGER]) {
				check(
					names.includes(name),
					`in a workflow with a trigger, search "flora": "${name}" is listed (got ${JSON.stringify(names.slice(0, 6))})`,
				);
			}
			await checkActions(page, bar);
		} else {
			check(
				false,
				'no --workflow-id (examples/technique-run.json): no subtitle or action list checked',
			);
		}
		if (args['v2-workflow-id'])
			await checkWorkflow(page, args['v2-workflow-id'], 'e2e/workflows/editor-technique-v2.json');

		const relevant = pageErrors.filter((m) => /flora/i.test(m));
		check(
			relevant.length === 0,
			`no page errors mentioning FLORA (${relevant.join(' | ') || 'none'})`,
		);
		console.log(`  screenshots in ${shotsDir}`);
	} catch (e) {
		check(false, `node panel check aborted: ${e.message.split('\n')[0]}`);
		try {
			const pages = browser.contexts().flatMap((c) => c.pages());
			if (pages[0])
				await pages[0].screenshot({ path: path.join(shotsDir, `${label}-node-panel-failure.png`) });
		} catch {
			/* ignore */
		}
	} finally {
		await browser.close();
	}
	process.exit(failures.length ? 1 : 0);
}

main();
