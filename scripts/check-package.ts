/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Refuses a package that would publish broken: lists what `npm pack` would put in the tarball
 * (a dry run, without lifecycle scripts, as the project's .npmrc has them) and exits 1 naming
 * each problem (no dist/, a node or credential listed in package.json missing, a test or
 * simulator file). npm itself packs whatever is there, so the publish workflow runs this right
 * before `npm publish`: `npx tsx scripts/check-package.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { PackageJson } from './package-contents';
import { packageProblems } from './package-contents';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
const packed = JSON.parse(
	execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
	}),
) as Array<{ files: Array<{ path: string }> }>;
const files = packed[0].files.map((file) => file.path);
const problems = packageProblems(files, pkg);

if (problems.length > 0) {
	console.error(`${pkg.name}: refusing to publish, the package is broken:`);
	for (const problem of problems) console.error(`  - ${problem}`);
	process.exit(1);
}
console.log(`${pkg.name}: ${files.length} files, every listed node and credential included`);
