/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * The layout of the shipped code, as the README's development section describes it: which
 * layer may import which, no import circles, and files short enough to read in one sitting.
 * The checks read the sources' own import statements.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const MAX_LINES = 420;

function sourcesUnder(folder: string): string[] {
	return readdirSync(path.join(ROOT, folder)).flatMap((name) => {
		const relative = path.join(folder, name);
		if (statSync(path.join(ROOT, relative)).isDirectory()) return sourcesUnder(relative);
		return name.endsWith('.ts') ? [relative] : [];
	});
}

/** The files a source imports from this repository (relative imports, resolved). */
function importsOf(file: string): string[] {
	const text = readFileSync(path.join(ROOT, file), 'utf8');
	const specifiers = [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
	return specifiers.map((specifier) => {
		const base = path.normalize(path.join(path.dirname(file), specifier));
		for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
			try {
				if (statSync(path.join(ROOT, candidate)).isFile()) return candidate;
			} catch {
				// not this one
			}
		}
		throw new Error(`${file} imports ${specifier}, which is not a file of the repository`);
	});
}

const SHIPPED = [...sourcesUnder('nodes'), ...sourcesUnder('credentials')];
const graph = new Map(SHIPPED.map((file) => [file, importsOf(file)]));

/** The layers, lowest first: a layer may import its own files and the layers below it. */
const LAYERS: Array<{ name: string; holds: (file: string) => boolean; mayImport: string[] }> = [
	{ name: 'FLORA API', holds: (f) => f.startsWith('nodes/shared/flora/'), mayImport: [] },
	{ name: 'items', holds: (f) => f === 'nodes/shared/items.ts', mayImport: ['FLORA API'] },
	{
		name: 'run lifecycle',
		holds: (f) => f.startsWith('nodes/shared/runs/'),
		mayImport: ['FLORA API', 'items'],
	},
	{
		name: 'FLORA Technique',
		holds: (f) => f.startsWith('nodes/FloraTechnique/'),
		mayImport: ['FLORA API', 'items', 'run lifecycle'],
	},
	{
		name: 'FLORA Trigger',
		holds: (f) => f.startsWith('nodes/FloraTrigger/'),
		mayImport: ['FLORA API', 'items', 'run lifecycle'],
	},
	{ name: 'credentials', holds: (f) => f.startsWith('credentials/'), mayImport: [] },
];

const layerOf = (file: string) => LAYERS.find((layer) => layer.holds(file));

/** Every import that crosses the layers the wrong way, as "file -> imported (from layer to layer)". */
export function wrongWayImports(edges: Map<string, string[]>): string[] {
	return [...edges].flatMap(([file, imported]) => {
		const from = layerOf(file);
		return imported.flatMap((target) => {
			const to = layerOf(target);
			if (!from || !to) return [`${file} -> ${target} (outside every layer)`];
			if (from === to || from.mayImport.includes(to.name)) return [];
			return [`${file} -> ${target} (${from.name} may not import ${to.name})`];
		});
	});
}

/** The import circles of a graph, each as the files on it. */
export function importCircles(edges: Map<string, string[]>): string[][] {
	const circles: string[][] = [];
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (file: string) => {
		state.set(file, 'open');
		stack.push(file);
		for (const next of edges.get(file) ?? []) {
			if (state.get(next) === 'open') circles.push(stack.slice(stack.indexOf(next)));
			else if (!state.has(next)) visit(next);
		}
		stack.pop();
		state.set(file, 'done');
	};
	for (const file of edges.keys()) if (!state.has(file)) visit(file);
	return circles;
}

test('every shipped file belongs to one layer, and no import crosses the layers the wrong way', () => {
	expect(SHIPPED.filter((file) => !layerOf(file))).toEqual([]);
	expect(wrongWayImports(graph)).toEqual([]);
});

test('the shipped code has no import circles', () => {
	expect(importCircles(graph)).toEqual([]);
});

test('the run lifecycle knows no kind of run: it names no technique outside its comments', () => {
	const mentions = sourcesUnder('nodes/shared/runs').flatMap((file) =>
		readFileSync(path.join(ROOT, file), 'utf8')
			.split('\n')
			.map((line, index) => ({ line: line.replace(/\/\/.*$|\/\*.*?\*\/|^\s*\*.*$/g, ''), index }))
			.filter(({ line }) => /technique/i.test(line))
			.map(({ index }) => `${file}:${index + 1}`),
	);
	expect(mentions).toEqual([]);
});

test(`no source file of the package or the simulator is longer than ${MAX_LINES} lines`, () => {
	const long = [...SHIPPED, ...sourcesUnder('simulator')]
		.map((file) => ({
			file,
			lines: readFileSync(path.join(ROOT, file), 'utf8').split('\n').length,
		}))
		.filter(({ lines }) => lines > MAX_LINES)
		.map(({ file, lines }) => `${file}: ${lines}`);
	expect(long).toEqual([]);
});

test('the checks catch a lower layer reaching up and a circle', () => {
	const doctored = new Map(graph);
	doctored.set('nodes/shared/flora/client.ts', [
		...(graph.get('nodes/shared/flora/client.ts') ?? []),
		'nodes/shared/runs/poll.ts',
	]);
	expect(wrongWayImports(doctored)).toEqual([
		'nodes/shared/flora/client.ts -> nodes/shared/runs/poll.ts (FLORA API may not import run lifecycle)',
	]);
	expect(importCircles(doctored).length).toBeGreaterThan(0);
});
