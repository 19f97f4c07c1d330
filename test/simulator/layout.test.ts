/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** The simulator's own layout: files short enough to read in one sitting, no import circles, and every route file of the newer surface says what it chose where FLORA's spec and SDK differ. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SIM = path.join(ROOT, 'simulator');

function sources(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = path.join(dir, name);
		if (statSync(p).isDirectory()) return sources(p);
		return name.endsWith('.ts') ? [p] : [];
	});
}

/** The simulator files a source imports (relative imports, type-only ones included). */
function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) => {
		const base = path.resolve(path.dirname(file), m[1]);
		for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')])
			if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
		throw new Error(`${file} imports ${m[1]}, which is not a simulator file`);
	});
}

test('no simulator source file is longer than 400 lines', () => {
	const long = sources(SIM)
		.map((f) => ({ f: path.relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
		.filter(({ lines }) => lines > 400);
	expect(long).toEqual([]);
});

/** The import circles of a graph, each as its files joined by ->. */
function circlesOf(graph: Map<string, string[]>): string[] {
	const circles: string[] = [];
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (f: string) => {
		state.set(f, 'open');
		stack.push(f);
		for (const next of graph.get(f) ?? []) {
			if (state.get(next) === 'open') circles.push(stack.slice(stack.indexOf(next)).join(' -> '));
			else if (!state.has(next)) visit(next);
		}
		stack.pop();
		state.set(f, 'done');
	};
	for (const f of graph.keys()) if (!state.has(f)) visit(f);
	return circles;
}

test('the simulator has no import circles (and the check finds a doctored one)', () => {
	const graph = new Map(
		sources(SIM).map((f) => [
			path.relative(SIM, f),
			importsOf(f).map((x) => path.relative(SIM, x)),
		]),
	);
	expect(graph.get('routes/api.ts')).toContain('routes/generations.ts');
	expect(circlesOf(graph)).toEqual([]);
	const doctored = new Map(graph);
	doctored.set('models.ts', [...(graph.get('models.ts') ?? []), 'routes/generations.ts']);
	const found = circlesOf(doctored);
	expect(found.length).toBeGreaterThan(0);
	expect(found.every((c) => c.includes('models.ts') && c.includes('routes/generations.ts'))).toBe(
		true,
	);
});

test("each route file of the newer surface opens with what it chose where FLORA's OpenAPI 1.6.0 and @flora-ai/flora 0.11 differ", () => {
	for (const file of ['projects', 'models', 'generations', 'actions', 'assetList']) {
		// After the line naming the lint rules that do not apply to dev tooling, if any.
		const text = readFileSync(path.join(SIM, 'routes', `${file}.ts`), 'utf8').replace(
			/^\/\* eslint-disable [^\n]*\*\/\n/,
			'',
		);
		const header = text.slice(0, text.indexOf('*/'));
		expect({ file, header: header.startsWith('/**') }).toEqual({ file, header: true });
		expect({ file, says: /Where the sources differ/.test(header) }).toEqual({ file, says: true });
	}
});
