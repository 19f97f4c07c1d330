/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * The GitHub Actions workflows cannot run here, so CI validates them: each file in
 * .github/workflows goes through @action-validator/cli (GitHub's workflow schema, run from its
 * WebAssembly build), which is shown to reject a broken workflow; then what each must do is read
 * from its text: CI runs .ci/run on pushes and pull requests on Node 24 with the caches it needs,
 * and a v* tag publishes with provenance only after a clean install, the checks and the build.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const VALIDATOR = path.join(ROOT, 'node_modules', '@action-validator', 'cli', 'cli.mjs');

const validate = (file: string) =>
	spawnSync('node', [VALIDATOR, file], { cwd: ROOT, encoding: 'utf8' });
const read = (name: string) => readFileSync(path.join(WORKFLOWS, name), 'utf8');

/** Where each of the given lines stands in the text, failing on one that is not there. */
function positions(text: string, lines: string[]): number[] {
	return lines.map((line) => {
		const at = text.indexOf(line);
		if (at < 0) throw new Error(`missing: ${line}`);
		return at;
	});
}

describe('the GitHub Actions workflow files', () => {
	test('there are ci.yml and publish.yml', () => {
		expect(readdirSync(WORKFLOWS).sort()).toEqual(['ci.yml', 'publish.yml']);
	});

	test.each(['ci.yml', 'publish.yml'])('%s passes the workflow validator', (name) => {
		const result = validate(path.join(WORKFLOWS, name));
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
	});

	test('the validator rejects a workflow with a job that names no runner', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'flora-workflow-'));
		try {
			const broken = read('ci.yml').replace(/^ {4}runs-on: .*\n/m, '');
			expect(broken).not.toBe(read('ci.yml'));
			writeFileSync(path.join(dir, 'ci.yml'), broken);
			const result = validate(path.join(dir, 'ci.yml'));
			expect(result.status).toBe(1);
			expect(result.stderr).toContain('/jobs/ci/runs-on');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	test('CI runs .ci/run on pushes and pull requests, on Node 24, with the npm and e2e caches', () => {
		const ci = read('ci.yml');
		positions(ci, [
			'on:\n  push:\n  pull_request:\n',
			'uses: actions/setup-node@v4',
			'node-version: 24',
			'cache: npm',
			'path: ~/.cache/n8n-nodes-flora-e2e',
			'run: bash .ci/run',
		]);
	});

	test('a v* tag publishes with provenance, after a clean install, the checks and the build', () => {
		const publish = read('publish.yml');
		positions(publish, ["tags:\n      - 'v*'\n", 'permissions:\n  contents: read\n']);
		const [checks, publishJob] = positions(publish, ['  checks:\n', '  publish:\n']);
		expect(publish.slice(checks, publishJob)).toContain('run: bash .ci/run');
		const job = publish.slice(publishJob);
		positions(job, [
			'needs: checks',
			'permissions:\n      id-token: write\n      contents: read\n',
			'node-version: 24',
			"registry-url: 'https://registry.npmjs.org'",
		]);
		const steps = positions(job, [
			'run: npm ci',
			'run: npm run build',
			'run: npm run check:package',
			'run: npx jest test/package-tarball.test.ts',
			'run: npm publish --provenance --access public',
		]);
		expect([...steps].sort((a, b) => a - b)).toEqual(steps);
	});
});
