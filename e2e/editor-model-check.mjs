// The model picker and the model's parameter fields of Generation → Generate, in the editor
// (called by browser-check.mjs with its helpers), on examples/model-images-to-files.json's
// node "Generate images" (Type Image, model Aurora 2 Fast, Aspect ratio 16:9):
//   - the Model field is in "From list" mode and shows the saved model;
//   - opening the list shows the image models of the simulator, each with its estimate in
//     credits in its name, and no video, audio or text model (the list follows Type);
//   - typing "edit" in the list's search narrows it to "Aurora 2 Edit" (n8n keeps the chosen
//     model on top of the results);
//   - Model Parameters shows the saved fields whole ("Aspect ratio"), nothing says they are
//     outdated, and the notice above them says a parameter that takes images takes public
//     URLs or binary:data.
// Nothing is picked or changed: n8n 2.41 saves editor changes on its own.
// Screenshots: <label>-model-list.png, <label>-model-params.png.
const NODE = 'Generate images';

export async function checkModelPickerAndParams(context, h) {
	const { check, tid, oneLine, shot, newPage, openNode, workflowFile, exampleIds } = h;
	if (!check(!!exampleIds['model-images-to-files'], 'model-images-to-files: its workflow id is given (--example-ids)')) return;
	const saved = workflowFile('examples/model-images-to-files.json').nodes.find((n) => n.name === NODE)?.parameters ?? {};
	const page = await newPage(context);
	// What the node answered for each search (POST /rest/dynamic-node-parameters/resource-locator-results).
	const answers = [];
	page.on('response', async (response) => {
		if (!/\/rest\/dynamic-node-parameters\/resource-locator-results/.test(response.url())) return;
		const filter = (() => { try { return JSON.parse(response.request().postData() ?? '{}').filter ?? ''; } catch { return '?'; } })();
		const body = await response.json().catch(() => null);
		answers.push(`${JSON.stringify(filter)} → ${JSON.stringify((body?.data?.results ?? []).map((r) => r.name))}`);
	});
	try {
		const { ndv } = await openNode(page, exampleIds['model-images-to-files'], NODE);
		const locator = ndv.locator(tid('resource-locator-model'));
		await locator.waitFor({ timeout: 15000 });
		const mode = await locator.locator(`${tid('rlc-mode-selector')} input`).first().inputValue().catch(() => '');
		check(/From list/i.test(mode), `model picker: the Model field is in "From list" mode (got ${JSON.stringify(mode)})`);
		const value = await locator.locator(tid('rlc-input')).first().inputValue().catch(() => '');
		check(/Aurora 2 Fast/.test(value), `model picker: the field shows the saved model (${JSON.stringify(value)})`);

		await locator.locator(tid('rlc-input')).first().click();
		const items = page.locator(`${tid('rlc-item')}:visible`);
		await items.first().waitFor({ timeout: 20000 });
		await page.waitForTimeout(500);
		const listed = (await items.allInnerTexts()).map((t) => oneLine(t.split('\n')[0]));
		check(
			['Aurora 2 Pro', 'Aurora 2 Fast', 'Aurora 2 Edit'].every((name) => listed.some((t) => t.startsWith(name))),
			`model picker: the list shows the image models (${JSON.stringify(listed)})`,
		);
		check(listed.length > 0 && listed.every((t) => /\((beta, )?\d+(\.\d+)? credits\)$/.test(t)), 'model picker: each model shows its estimate in credits in its name');
		check(!listed.some((t) => /Drift|Chorus|Quill/.test(t)), 'model picker: no video, audio or text model in the list of Type Image');
		await shot(page, 'model-list');

		const search = page.locator(`${tid('rlc-search')}:visible input, input${tid('rlc-search')}:visible`).first();
		await search.fill('edit');
		let narrowed = [];
		for (let i = 0; i < 40; i++) {
			// n8n keeps the chosen model (by its saved name) on top of the results.
			narrowed = (await items.allInnerTexts().catch(() => []))
				.map((t) => oneLine(t.split('\n')[0]))
				.filter((t) => t !== value);
			if (narrowed.length === 1 && narrowed[0].startsWith('Aurora 2 Edit')) break;
			await page.waitForTimeout(250);
		}
		check(
			narrowed.length === 1 && narrowed[0].startsWith('Aurora 2 Edit'),
			`model picker: searching "edit" narrows the list to ${JSON.stringify(narrowed)} (the node answered: ${answers.join('; ')})`,
		);
		await shot(page, 'model-list-search');
		await page.keyboard.press('Escape');
		await page.waitForTimeout(400);

		const schema = (saved.modelParams?.schema ?? []).filter((f) => f.display !== false && !f.removed);
		const labels = ndv.locator(`${tid('mapping-fields-container')} label[for^="value["]`);
		for (let i = 0; i < 80 && (await labels.count()) < schema.length; i++) await page.waitForTimeout(250);
		await page.waitForTimeout(1500);
		const fields = await labels.evaluateAll((els) =>
			els.map((label) => {
				const span = label.querySelector('.n8n-text') ?? label;
				return { text: span.textContent.replace(/\s+/g, ' ').trim(), cut: span.scrollWidth > span.clientWidth + 1 };
			}),
		);
		check(
			JSON.stringify(fields.map((f) => f.text)) === JSON.stringify(schema.map((f) => f.displayName)),
			`model parameters: the fields are ${JSON.stringify(schema.map((f) => f.displayName))} (got ${JSON.stringify(fields.map((f) => f.text))})`,
		);
		check(fields.every((f) => !f.cut), `model parameters: every label is shown whole (${JSON.stringify(fields.filter((f) => f.cut).map((f) => f.text))} cut)`);
		const text = await ndv.innerText().catch(() => '');
		check(!/outdated|Refresh to see/i.test(text) && (await ndv.locator('[class*="staleDataWarning"]').count()) === 0, 'model parameters: nothing says they are outdated');
		const notices = (await ndv.locator('.notice').allInnerTexts().catch(() => [])).map(oneLine);
		check(
			notices.some((n) => /binary:data/.test(n) && /public URLs/.test(n)),
			`model parameters: the notice says image parameters take public URLs or binary:data (${JSON.stringify(notices)})`,
		);
		await shot(page, 'model-params');
	} catch (e) {
		check(false, `model picker check aborted: ${e.message.split('\n')[0]}`);
		await shot(page, 'model-failure').catch(() => {});
	} finally {
		await page.close();
	}
}
