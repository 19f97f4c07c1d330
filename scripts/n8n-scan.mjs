// n8n's community package scanner (@n8n/scan-community-package), run locally the way its
// analyzePackageByName runs it on a published package, without the registry:
//
//   node scripts/n8n-scan.mjs sources DIR   package.json, nodes/ and credentials/ of a checkout
//   node scripts/n8n-scan.mjs tarball DIR   an unpacked tarball: its compiled .js and package.json
//
// Each leg uses the scanner's own settings (its ESLint config, inline configuration ignored)
// and file patterns. Prints the findings and exits 1 on any, and also when the scanner found
// nothing to read (it calls that a pass).
import path from 'node:path';

// eslint-plugin-n8n-nodes-base reads NODE_ENV=test (which jest sets) as its own test run and then
// lints every file under a made-up name; the scanner never runs so, so neither does this.
delete process.env.NODE_ENV;
const { SOURCE_FILE_PATTERNS, analyzePackage } = await import(
	'@n8n/scan-community-package/scanner/scanner.mjs'
);

const PATTERNS = { sources: SOURCE_FILE_PATTERNS, tarball: ['**/*.js', 'package.json'] };

const [leg, dir] = process.argv.slice(2);
if (!PATTERNS[leg] || !dir) {
	console.error('usage: node scripts/n8n-scan.mjs sources|tarball DIR');
	process.exit(2);
}

const result = await analyzePackage(path.resolve(dir), PATTERNS[leg]);
if (!result.passed || result.message) {
	console.error(`n8n scanner, ${leg}: ${result.message}`);
	if (result.details) console.error(result.details);
	process.exit(1);
}
console.log(`n8n scanner, ${leg}: no findings`);
