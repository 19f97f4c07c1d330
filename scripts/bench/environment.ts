/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Imported first by scripts/bench.ts, before the n8n harness: n8n reads these when its
 * binary data service starts. Scenario 2 needs filesystem mode (downloads are streamed to
 * disk); the others write no binary data. The user folder is a temporary directory that
 * removeUserFolder() deletes at the end (the 200 MB download lands in it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

process.env.FLORA_TEST_BINARY_MODE = 'filesystem';
const userFolder = mkdtempSync(path.join(tmpdir(), 'flora-bench-'));
process.env.N8N_USER_FOLDER = userFolder;

export function removeUserFolder(): void {
	rmSync(userFolder, { recursive: true, force: true });
}

/**
 * Runs a full garbage collection. `npm run bench` passes --expose-gc to node, but tsx's CLI
 * runs the script in a child process without it, so the flag is set here at run time when
 * global.gc is missing. Returns how gc was reached.
 */
export function collectGarbage(): 'global.gc' | 'v8 flag set at run time' {
	if (typeof globalThis.gc === 'function') {
		globalThis.gc();
		return 'global.gc';
	}
	setFlagsFromString('--expose-gc');
	(runInNewContext('gc') as () => void)();
	return 'v8 flag set at run time';
}
