/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * npm run bench: the FLORA Technique node on the FLORA simulator, through n8n's engine, in
 * one process. Prints one table per scenario and a summary of the targets; the figures are
 * informative, so a missed target does not fail the command (an error does).
 *
 *   1. 50 items of 2–20 s runs at concurrency 10, polling and waiting by webhook, vs
 *      concurrency 1, n8n's built-in one-at-a-time 10 s polling, and the ideal (throughput.ts)
 *   2. a 200 MB output downloaded in filesystem binary mode: peak RSS growth (download.ts)
 *   3. 1000 instant runs: CPU time per item (cpu.ts)
 *   4. the 50 items under a rate limit of 5 requests/s, burst 10: wall time vs the limit's
 *      bound and 429s, beside a client at concurrency 2 (rateLimit.ts)
 *   5. 500 items at concurrency 20, runs of 5–60 s at time scale 10: wall time vs ideal,
 *      requests per run, peak RSS growth, open connections (scale.ts); run second, before
 *      the 200 MB download raises the process's RSS
 *
 * Progress goes to stderr, the report to stdout.
 */
import { removeUserFolder } from './bench/environment';

import { loadPackage } from '../test/harness/engine';
import { measureCpu } from './bench/cpu';
import { measureDownload } from './bench/download';
import {
	cpuReport,
	downloadReport,
	rateLimitReport,
	scaleReport,
	summaryReport,
	targets,
	throughputReport,
} from './bench/report';
import { measureRateLimited } from './bench/rateLimit';
import { measureScale } from './bench/scale';
import { measureThroughput } from './bench/throughput';

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function main() {
	const startedAt = performance.now();
	await loadPackage();

	progress('scenario 1: 50 items, four strategies side by side (about 100 s)…');
	const throughput = await measureThroughput();
	console.log(throughputReport(throughput) + '\n');

	// Before scenario 2: the RSS a 200 MB download leaves behind would hide this one's growth.
	progress('scenario 5: 500 items at concurrency 20…');
	const scale = await measureScale();
	console.log(scaleReport(scale) + '\n');

	progress('scenario 2: 200 MB download…');
	const download = await measureDownload();
	console.log(downloadReport(download) + '\n');

	progress('scenario 3: 1000 instant runs…');
	const cpu = await measureCpu();
	console.log(cpuReport(cpu) + '\n');

	progress('scenario 4: 50 items under a rate limit…');
	const rateLimited = await measureRateLimited();
	console.log(rateLimitReport(rateLimited) + '\n');

	console.log(
		summaryReport(
			targets(throughput, download, cpu, rateLimited, scale),
			performance.now() - startedAt,
		),
	);
}

main()
	.catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	})
	.finally(() => {
		removeUserFolder();
		// After an error, workflows still running side by side would keep the process alive.
		if (process.exitCode) process.exit();
	});
