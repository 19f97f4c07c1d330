/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-control-regex -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * n8n's own verdict on the package, from its own command-line tool (@n8n/node-cli): Cloud
 * support enabled (strict mode and n8n's default lint configuration, untouched), which
 * `n8n-node lint` then enforces when CI runs `npm run lint`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const n8nNode = (...args: string[]) =>
	execFileSync(path.join(root, 'node_modules', '.bin', 'n8n-node'), args, {
		cwd: root,
		encoding: 'utf8',
		env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
	}).replace(/\x1b\[[0-9;]*m/g, '');

test('n8n-node cloud-support reports the package eligible for n8n Cloud verification', () => {
	const report = n8nNode('cloud-support');

	expect(report).toContain('Cloud support is ENABLED');
	expect(report).toMatch(/Strict mode: enabled/);
	expect(report).toMatch(/ESLint config: using default config/);
	expect(report).not.toMatch(/NOT eligible/);
});

test("the lint configuration is n8n's default one and npm run lint runs n8n-node lint", () => {
	const template = path.join(
		root,
		'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs',
	);
	const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
	expect(squash(readFileSync(path.join(root, 'eslint.config.mjs'), 'utf8'))).toBe(
		squash(readFileSync(template, 'utf8')),
	);
	const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
		scripts: Record<string, string>;
		n8n: { strict?: boolean };
	};
	expect(pkg.n8n.strict).toBe(true);
	expect(pkg.scripts.lint).toBe('n8n-node lint');
});
