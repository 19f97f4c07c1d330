/** The vendored OpenAPI copy matches the shared one, and the spec is found in the documented order. */
import { existsSync, readFileSync } from 'node:fs';
import { Contract, SHARED_SPEC_PATH, VENDORED_SPEC_PATH, resolveSpecPath } from '../../simulator';
import { specRouteKeys } from '../../simulator/spec';

test('the vendored spec is byte-for-byte the shared spec whenever the shared one exists', () => {
	const vendored = readFileSync(VENDORED_SPEC_PATH);
	if (existsSync(SHARED_SPEC_PATH)) {
		expect(vendored.equals(readFileSync(SHARED_SPEC_PATH))).toBe(true);
	} else {
		// A fresh clone without ../shared: the vendored copy must still be a usable spec.
		expect(specRouteKeys(JSON.parse(vendored.toString('utf8')))).toHaveLength(9);
	}
});

test('FLORA_OPENAPI wins, then ../shared, then the vendored copy', () => {
	const saved = process.env.FLORA_OPENAPI;
	try {
		process.env.FLORA_OPENAPI = VENDORED_SPEC_PATH;
		expect(resolveSpecPath()).toBe(VENDORED_SPEC_PATH);
		expect(new Contract().specPath).toBe(VENDORED_SPEC_PATH);
		process.env.FLORA_OPENAPI = '/nonexistent/flora-openapi.json';
		expect(resolveSpecPath()).toBe(
			existsSync(SHARED_SPEC_PATH) ? SHARED_SPEC_PATH : VENDORED_SPEC_PATH,
		);
		delete process.env.FLORA_OPENAPI;
		expect(resolveSpecPath()).toBe(
			existsSync(SHARED_SPEC_PATH) ? SHARED_SPEC_PATH : VENDORED_SPEC_PATH,
		);
	} finally {
		if (saved === undefined) delete process.env.FLORA_OPENAPI;
		else process.env.FLORA_OPENAPI = saved;
	}
});
