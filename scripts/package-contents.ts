/*
 * What the published package must hold, as a list of problems with a file list (paths relative
 * to the package root, as `npm pack --json` gives them). Shared by the tarball test and by
 * scripts/check-package.ts, which the publish workflow runs just before `npm publish`.
 */

export interface PackageJson {
	name: string;
	main?: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

/** Folders of the repository that are tooling, tests or prose: none of them ships. */
const NOT_SHIPPED = [
	'test',
	'simulator',
	'e2e',
	'scripts',
	'docs',
	'demo-output',
	'examples',
	'coverage',
];
const notShipped = new RegExp(`(^|/)(${NOT_SHIPPED.join('|')})/`);
const testFile = /\.(test|spec)\.[cm]?[jt]s$/;

/** The files n8n loads: every node and credential package.json lists under `n8n`. */
export function listedFiles(pkg: PackageJson): string[] {
	return [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
}

export function packageProblems(files: string[], pkg: PackageJson): string[] {
	const problems: string[] = [];
	const present = new Set(files.map((file) => file.replace(/^package\//, '')));
	if (![...present].some((file) => file.startsWith('dist/'))) {
		problems.push('no dist/ in the package: build it first (npm run build)');
	}
	const listed = listedFiles(pkg);
	if (listed.length === 0) problems.push('package.json lists no n8n nodes or credentials');
	for (const file of listed) {
		if (!present.has(file)) problems.push(`${file} (listed in package.json's n8n) is missing`);
	}
	if (pkg.main !== undefined && !present.has(pkg.main.replace(/^\.\//, ''))) {
		problems.push(`main names ${pkg.main}, which is not in the package`);
	}
	for (const file of present) {
		if (notShipped.test(file) || testFile.test(file)) problems.push(`${file} must not ship`);
	}
	return problems;
}
