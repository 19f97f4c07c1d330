/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * The package as npm publishes it: `npm pack` of the built tree (npm test builds first), unpacked
 * into a throwaway folder where n8n would install it, then loaded through n8n-core's
 * PackageDirectoryLoader, and read by n8n's own community package scanner. A tarball without
 * dist/, a node or credential package.json lists but does not ship, a test or simulator file in
 * the package, or a finding of the scanner fails npm test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PackageDirectoryLoader } from 'n8n-core';

import type { PackageJson } from '../scripts/package-contents';
import { listedFiles, packageProblems } from '../scripts/package-contents';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

let work: string;
let unpacked: string;
let files: string[];

function filesUnder(dir: string, prefix = ''): string[] {
	return readdirSync(dir).flatMap((name) => {
		const relative = prefix ? `${prefix}/${name}` : name;
		return statSync(path.join(dir, name)).isDirectory()
			? filesUnder(path.join(dir, name), relative)
			: [relative];
	});
}

beforeAll(() => {
	work = mkdtempSync(path.join(tmpdir(), 'flora-tarball-'));
	// --ignore-scripts as in the project's .npmrc: npm test has just built dist/, and npm pack
	// must pack that tree as it is, whatever setting the caller's environment carries.
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
			cwd: ROOT,
			encoding: 'utf8',
		}),
	) as Array<{ filename: string }>;
	// Where n8n installs a community package, beside the one dependency it gives it.
	unpacked = path.join(work, 'node_modules', pkg.name);
	mkdirSync(unpacked, { recursive: true });
	execFileSync('tar', [
		'-xzf',
		path.join(work, packed.filename),
		'-C',
		unpacked,
		'--strip-components=1',
	]);
	symlinkSync(
		path.join(ROOT, 'node_modules', 'n8n-workflow'),
		path.join(work, 'node_modules', 'n8n-workflow'),
	);
	files = filesUnder(unpacked);
});

afterAll(() => {
	if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
	test('holds dist/ and every node and credential package.json lists, and nothing of the tests, simulator or docs', () => {
		expect(files).toEqual(
			expect.arrayContaining(['package.json', 'README.md', 'LICENSE', ...listedFiles(pkg)]),
		);
		expect(listedFiles(pkg).length).toBeGreaterThan(0);
		expect(packageProblems(files, pkg)).toEqual([]);
		expect(files.filter((file) => !file.startsWith('dist/')).sort()).toEqual([
			'LICENSE',
			'README.md',
			'package.json',
		]);
	});

	test('the build writes nothing into dist/ but the nodes, the credentials and the icons (no docs/ or demo-output/ images)', () => {
		expect(readdirSync(path.join(ROOT, 'dist')).sort()).toEqual(['credentials', 'icons', 'nodes']);
	});

	test('the check refuses a package without dist/, one missing a listed file, and one carrying tests', () => {
		const others = ['package.json', 'README.md', 'LICENSE'];
		expect(packageProblems(others, pkg)).toContain(
			'no dist/ in the package: build it first (npm run build)',
		);
		const [firstListed] = listedFiles(pkg);
		expect(
			packageProblems(
				files.filter((file) => file !== firstListed),
				pkg,
			),
		).toEqual([`${firstListed} (listed in package.json's n8n) is missing`]);
		expect(
			packageProblems([...files, 'dist/test/harness/engine.js', 'simulator/server.ts'], pkg),
		).toEqual(['dist/test/harness/engine.js must not ship', 'simulator/server.ts must not ship']);
	});

	test('its code requires nothing at run time but n8n-workflow and Node’s own modules', () => {
		const external = new Set<string>();
		for (const file of files.filter((name) => name.endsWith('.js'))) {
			const code = readFileSync(path.join(unpacked, file), 'utf8');
			for (const [, specifier] of code.matchAll(/require\("([^"]+)"\)/g)) {
				if (!specifier.startsWith('.')) external.add(specifier.replace(/^node:/, ''));
			}
		}
		const builtins = new Set(builtinModules);
		expect([...external].filter((name) => !builtins.has(name))).toEqual(['n8n-workflow']);
	});

	test('carries nothing for tests and reads no environment: no "ForTests", no process.env, in dist/ or the tarball', () => {
		const shipped = [
			...filesUnder(path.join(ROOT, 'dist')).map((file) => path.join(ROOT, 'dist', file)),
			...files.map((file) => path.join(unpacked, file)),
		].filter((file) => /\.(js|json|ts|map)$/.test(file));
		expect(shipped.length).toBeGreaterThan(0);
		const found = shipped.filter((file) =>
			/ForTests|process\.env/.test(readFileSync(file, 'utf8')),
		);
		expect(found).toEqual([]);
	});

	test('n8n’s PackageDirectoryLoader loads every listed node and credential from it, with their icons', async () => {
		const loader = new PackageDirectoryLoader(unpacked);
		await loader.loadAll();
		expect(Object.keys(loader.nodeTypes).sort()).toEqual(['floraTechnique', 'floraTrigger']);
		expect(Object.keys(loader.credentialTypes)).toEqual(['floraApi']);
		for (const { sourcePath } of [
			...Object.values(loader.known.nodes),
			...Object.values(loader.known.credentials),
		]) {
			expect(listedFiles(pkg)).toContain(sourcePath);
		}
		const icons = [
			...Object.values(loader.nodeTypes).map(({ type }) => type.description),
			...Object.values(loader.credentialTypes).map(({ type }) => type),
		].flatMap((described) => {
			const url = (described as { iconUrl?: string | { light: string; dark: string } }).iconUrl;
			return typeof url === 'string' ? [url] : url ? [url.light, url.dark] : [];
		});
		expect(icons.length).toBeGreaterThan(0);
		for (const icon of icons) {
			expect(existsSync(path.join(unpacked, icon.replace(`icons/${pkg.name}/`, '')))).toBe(true);
		}
	});
});

describe('n8n’s community package scanner', () => {
	const scan = (leg: 'sources' | 'tarball', dir: string) =>
		spawnSync('node', [path.join(ROOT, 'scripts', 'n8n-scan.mjs'), leg, dir], {
			cwd: ROOT,
			encoding: 'utf8',
		});

	test.each([
		['the sources (package.json, nodes/, credentials/)', 'sources' as const, () => ROOT],
		['the packed tarball (its .js and package.json)', 'tarball' as const, () => unpacked],
	])('reports nothing on %s', (_what, leg, dir) => {
		const result = scan(leg, dir());
		expect(result.stderr + result.stdout).toBe(`n8n scanner, ${leg}: no findings\n`);
		expect(result.status).toBe(0);
	});

	test('fails on a finding, with inline eslint-disable comments ignored', () => {
		const doctored = path.join(work, 'doctored');
		mkdirSync(path.join(doctored, 'nodes'), { recursive: true });
		const source = readFileSync(
			path.join(ROOT, 'nodes', 'FloraTechnique', 'FloraTechnique.node.ts'),
			'utf8',
		);
		const withoutLifecycle = source.replace(/\twebhookMethods = \{[\s\S]*?\n\t\};\n/, '');
		expect(withoutLifecycle).not.toBe(source);
		execFileSync('cp', [path.join(ROOT, 'package.json'), doctored]);
		writeFileSync(
			path.join(doctored, 'nodes', 'FloraTechnique.node.ts'),
			withoutLifecycle.replace(
				'export class',
				'// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete\nexport class',
			),
		);
		const result = scan('sources', doctored);
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('@n8n/community-nodes/webhook-lifecycle-complete');
	});
});
