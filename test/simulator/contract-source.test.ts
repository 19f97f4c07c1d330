/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** The project's contract is its own source of truth: simulator/contract/flora-openapi.json is the only spec read. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Contract, SPEC_PATH, startSimulator } from '../../simulator';
import * as simulator from '../../simulator';

const OWN = path.resolve(__dirname, '..', '..', 'simulator', 'contract', 'flora-openapi.json');

test('the contract read by default is simulator/contract/flora-openapi.json, exactly as on disk', async () => {
	expect(SPEC_PATH).toBe(OWN);
	const c = new Contract();
	expect(c.specPath).toBe(OWN);
	expect(c.spec).toEqual(JSON.parse(readFileSync(OWN, 'utf8')));
	const sim = await startSimulator();
	try {
		expect(sim.contract.specPath).toBe(OWN);
	} finally {
		await sim.close();
	}
});

test('no environment variable or sibling file redirects the contract', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'flora-spec-'));
	const other = path.join(dir, 'flora-openapi.json');
	writeFileSync(other, JSON.stringify({ openapi: '3.1.1', info: { title: 'other' }, paths: {} }));
	const saved = process.env.FLORA_OPENAPI;
	try {
		process.env.FLORA_OPENAPI = other;
		const c = new Contract();
		expect(c.specPath).toBe(OWN);
		expect(c.spec.info.title).not.toBe('other');
	} finally {
		if (saved === undefined) delete process.env.FLORA_OPENAPI;
		else process.env.FLORA_OPENAPI = saved;
		rmSync(dir, { recursive: true, force: true });
	}
	const exported = Object.keys(simulator);
	for (const gone of ['SHARED_SPEC_PATH', 'VENDORED_SPEC_PATH', 'resolveSpecPath'])
		expect(exported).not.toContain(gone);
});

test("the contract's description says it is the project's own, from FLORA's OpenAPI 1.6.0 and @flora-ai/flora 0.11", () => {
	const { info } = new Contract().spec;
	expect(info.version).toBe('1.6.0');
	expect(info.description).toMatch(/project's own contract/);
	expect(info.description).toMatch(/OpenAPI document 1\.6\.0/);
	expect(info.description).toMatch(/@flora-ai\/flora 0\.11\b/);
	expect(info.description).not.toMatch(/0\.10/);
});
