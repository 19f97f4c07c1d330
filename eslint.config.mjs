import { config } from '@n8n/node-cli/eslint';
import tseslint from 'typescript-eslint';

// n8n's community-node rules apply to what ships (nodes, credentials, package.json);
// the simulator, tests and scripts are dev tooling and get TypeScript's recommended rules.
const devTooling = ['simulator/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
	...config.map((block) =>
		block.files?.includes('**/*.ts') ? { ...block, ignores: [...(block.ignores ?? []), ...devTooling] } : block,
	),
	...tseslint.configs.recommended.map((block) => ({ ...block, files: devTooling })),
];
