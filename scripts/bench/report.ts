/** The printed report: one table per scenario, then the targets and whether each figure meets them. */
import type { CpuResult } from './cpu';
import { DEFAULT_CONCURRENCY } from '../../nodes/FloraTechnique/actions/runOptions';
import { CPU } from './cpu';
import type { DownloadResult } from './download';
import { DOWNLOAD } from './download';
import type { RateLimitedResult } from './rateLimit';
import { RATE_LIMIT } from './rateLimit';
import { formatTable, megabytes, percent, seconds, times } from './table';
import type { ScaleResult } from './scale';
import { SCALE } from './scale';
import { median } from './stats';
import type { StrategyResult, ThroughputResult } from './throughput';
import {
	THROUGHPUT,
	detectionLag,
	meanDurationSeconds,
	readsPerRun,
	requestsPerRun,
} from './throughput';
import { BENCH_TECHNIQUE } from './workflow';

export interface Target {
	name: string;
	figure: string;
	target: string;
	/** null for a figure shown for context, with no target of its own. */
	met: boolean | null;
}

export function throughputReport(result: ThroughputResult): string {
	const { durations, builtInStyle, ideal } = result;
	const header = [
		'Strategy',
		'Wall (50 items)',
		'× ideal',
		'Faster than (b)',
		'Requests/run med',
		'mean',
		'Reads/run med',
		'max',
		'Lag med',
		'Lag p95',
		'Lag/run med',
	];
	const rows = result.strategies.map((strategy) => strategyRow(strategy, ideal, builtInStyle));
	return [
		`Scenario 1 — ${durations.length} items, run durations ${THROUGHPUT.minSeconds}–${THROUGHPUT.maxSeconds} s (seed ${THROUGHPUT.seed}, mean ${meanDurationSeconds(durations).toFixed(1)} s, +1 s pending each in the simulator), technique "${BENCH_TECHNIQUE}", no downloads`,
		formatTable(header, rows),
		'',
		'How each row was obtained:',
		...result.strategies.map((strategy) => `  ${strategy.label.split(':')[0]}: ${strategy.how}.`),
		"  Times are in real seconds at time scale 1 (the simulator's run durations are real durations).",
		'  × ideal: against (c), except the webhook wait, against its own ideal (the longest run).',
		'  Requests/run: API requests of every route per run: its create and its own reads, plus an equal share of each',
		'  request about no single run (list reads, 429s, failures, catalogue reads) among the runs then waited for; mean = all/runs.',
		'  Reads/run: answers that showed the run (its own reads and pages of the run list).',
		"  Lag: n8n hands on a node's items together when the node ends, so there is no per-item emit time; the lag is",
		"  when the first answer that showed the run ended reached the node, minus the simulator's endedAt for that run.",
		'  Lag/run: median over runs of lag ÷ (endedAt − createdAt). The strategies ran side by side in this process,',
		'  each against its own simulator.',
	].join('\n');
}

function strategyRow(
	strategy: StrategyResult,
	ideal: StrategyResult,
	builtInStyle: StrategyResult,
) {
	const reads = readsPerRun(strategy);
	const requests = requestsPerRun(strategy);
	const lag = detectionLag(strategy);
	const isIdeal = strategy === ideal;
	return [
		strategy.label,
		seconds(strategy.wallMs),
		times(strategy.wallMs / (strategy.idealMs ?? ideal.wallMs)),
		times(builtInStyle.wallMs / strategy.wallMs, 1),
		isIdeal ? '—' : requests.median.toFixed(2),
		isIdeal ? '—' : requests.mean.toFixed(2),
		isIdeal ? '—' : String(reads.median),
		isIdeal ? '—' : String(reads.max),
		seconds(lag.medianMs, 2),
		seconds(lag.p95Ms, 2),
		percent(lag.medianShareOfRun),
	];
}

export function scaleReport(result: ScaleResult): string {
	const requests = result.runs.map((run) => run.requests);
	const growth = result.peakRss - result.baselineRss;
	const lags = result.runs.map((run) => run.lagMs);
	const rows = [
		['Wall time', seconds(result.wallMs)],
		[`Ideal (pool of ${SCALE.concurrency}, zero lag)`, seconds(result.idealMs)],
		['× ideal', times(result.wallMs / result.idealMs)],
		[
			'API requests per run, median / mean (all routes)',
			`${median(requests).toFixed(2)} / ${(result.requests / result.runs.length).toFixed(2)}`,
		],
		[
			'Reads: history pages (runs shown per page) / runs read alone',
			`${result.listReads} (${result.runsPerPage.toFixed(1)}) / ${result.singleReads}`,
		],
		['Detection lag, median', seconds(median(lags), 2)],
		['RSS baseline / peak', `${megabytes(result.baselineRss)} / ${megabytes(result.peakRss)}`],
		['Peak RSS growth', megabytes(growth)],
		['Open connections to the simulator at peak', String(result.peakConnections)],
		['RSS samples', `${result.samples} (every ${SCALE.sampleEveryMs} ms)`],
	];
	return [
		`Scenario 5 — ${SCALE.items} items at concurrency ${SCALE.concurrency}, runs of ${SCALE.minSeconds}–${SCALE.maxSeconds} s (seed ${SCALE.seed}) at time scale ${SCALE.timeScale}, one execution, technique "${BENCH_TECHNIQUE}", Output Layout one item per run`,
		formatTable(['Measure', 'Value'], rows),
		'',
		`  Times are real seconds at time scale ${SCALE.timeScale} (a 60 s run lasts 6 s); the ratio does not depend on the scale.`,
		'  RSS: this whole process (n8n, the node and the simulator, which runs in it), after a full GC for the baseline.',
		'  Connections: the most TCP connections open to the simulator (API and media hosts) at once, counted as they open.',
		'  Reads: a page of the run history costs one request like a run read and tells of every run it shows, so the node',
		'  reads a page whenever it waits for two runs or more of one history; a run the page does not show is read alone.',
	].join('\n');
}

export function downloadReport(result: DownloadResult): string {
	const growth = result.peakRss - result.baselineRss;
	const rows = [
		['Output file downloaded', megabytes(result.bytes)],
		['n8n binary data mode', result.binaryMode],
		['Stored as', result.binaryId.split(':')[0] + ':…'],
		['Workflow wall time', seconds(result.wallMs, 2)],
		['Throughput', `${(result.bytes / 1024 / 1024 / (result.wallMs / 1000)).toFixed(0)} MB/s`],
		['RSS baseline', megabytes(result.baselineRss)],
		['RSS peak', megabytes(result.peakRss)],
		['Peak RSS growth', megabytes(growth)],
		['RSS samples', `${result.samples} (every ${DOWNLOAD.sampleEveryMs} ms)`],
	];
	return [
		`Scenario 2 — one run whose output is a ${megabytes(DOWNLOAD.outputBytes)} file, options { download: true }, technique "${BENCH_TECHNIQUE}"`,
		formatTable(['Measure', 'Value'], rows),
		'',
		`  A full GC ran before the baseline (${result.gcBeforeBaseline}).`,
		'  The simulator runs in this process and streams the file from its media host, so its memory is',
		`  included in the figure. Simulator time scale ${DOWNLOAD.timeScale} (only shortens the run before the download).`,
	].join('\n');
}

export function cpuReport(result: CpuResult): string {
	const cpuMs = result.cpuUserMs + result.cpuSystemMs;
	const rows = [
		['Runs (items)', String(result.runs)],
		['Executions', `${result.executions} × ${result.runs / result.executions} items, run at once`],
		['Wall time', seconds(result.wallMs, 1)],
		['CPU user', `${result.cpuUserMs.toFixed(0)} ms`],
		['CPU system', `${result.cpuSystemMs.toFixed(0)} ms`],
		['CPU per item, whole process (no profiler)', `${(cpuMs / result.runs).toFixed(2)} ms`],
		["The node's own code per item", `${(result.own.selfMs / result.runs).toFixed(3)} ms`],
		[
			'… with what it calls synchronously',
			`${(result.own.inclusiveMs / result.runs).toFixed(3)} ms`,
		],
		['API requests per item', result.requestsPerItem.toFixed(2)],
	];
	return [
		`Scenario 3 — ${result.runs} instant runs (#duration:0), technique "${BENCH_TECHNIQUE}", Concurrency default (${DEFAULT_CONCURRENCY}), Wait for Completion on`,
		formatTable(['Measure', 'Value'], rows),
		'',
		"  CPU per item, whole process: process.cpuUsage() around the executions = n8n's engine + the node + n8n's HTTP client,",
		"  measured first, without the profiler. The node's own code: a second pass under the V8 profiler, samples (200 µs) in functions of this package's dist/; '… with what it calls'",
		'  adds samples with such a function lower on the stack (n8n helpers the node calls synchronously).',
		`  Profiled time (not idle): ${result.own.sampledMs.toFixed(0)} ms.`,
		`  The simulator ran in a child process (simulator/cli.ts --time-scale ${CPU.timeScale}), so none of its CPU is counted.`,
		`  A warm-up execution of ${CPU.warmUpItems} items ran first and is not counted. The node's first read of a run comes 1 s`,
		`  after it starts, so the items were split into ${result.executions} executions at once to keep the wall time short.`,
	].join('\n');
}

export function rateLimitReport(results: RateLimitedResult[]): string {
	const { requestsPerSecond, burst, timeScale } = RATE_LIMIT;
	const rows = results.map((result) => [
		result.label,
		seconds(result.wallMs),
		seconds(result.boundMs),
		times(result.wallMs / result.boundMs),
		String(result.requestsNeeded),
		String(result.rateLimited),
	]);
	return [
		`Scenario 4 — the 50 items of scenario 1 under a rate limit of ${requestsPerSecond} requests/s, burst ${burst} (the simulator's token bucket, real time), runs at time scale ${timeScale}`,
		formatTable(['Client', 'Wall', 'Bound', '× bound', 'Requests', '429s'], rows),
		'',
		"  Bound: the later of the runs' ideal makespan at the client's concurrency and (requests it needed − burst) / rate;",
		'  Requests: those FLORA answered other than 429, all routes. Both rows ran side by side, each against its own',
		'  simulator; times are real seconds at that time scale.',
	].join('\n');
}

export function targets(
	throughput: ThroughputResult,
	download: DownloadResult,
	cpu: CpuResult,
	rateLimited: RateLimitedResult[],
	scale: ScaleResult,
): Target[] {
	const [backingOff] = rateLimited;
	const boundRatio = backingOff.wallMs / backingOff.boundMs;
	const { concurrent, webhook, builtInStyle, ideal } = throughput;
	const wallRatio = concurrent.wallMs / ideal.wallMs;
	const webhookRatio = webhook.wallMs / webhook.idealMs!;
	const speedup = builtInStyle.wallMs / concurrent.wallMs;
	const requests = requestsPerRun(concurrent).median;
	const webhookRequests = requestsPerRun(webhook).median;
	const lag = detectionLag(concurrent);
	const growth = download.peakRss - download.baselineRss;
	const cpuPerItem = cpu.own.inclusiveMs / cpu.runs;
	const processCpuPerItem = (cpu.cpuUserMs + cpu.cpuSystemMs) / cpu.runs;
	const scaleRatio = scale.wallMs / scale.idealMs;
	const scaleRequests = median(scale.runs.map((run) => run.requests));
	const scaleGrowth = scale.peakRss - scale.baselineRss;
	const check = (name: string, figure: string, target: string, met: boolean | null): Target => ({
		name,
		figure,
		target,
		met,
	});
	return [
		check('1. Polling: wall time vs ideal (c)', times(wallRatio), '≤ 1.05×', wallRatio <= 1.05),
		check('1. Polling: median requests per run', requests.toFixed(2), '≤ 3', requests <= 3),
		check(
			'1. Polling: median detection lag',
			seconds(lag.medianMs, 2),
			'≤ 1.5 s',
			lag.medianMs <= 1500,
		),
		check(
			'1. Polling: median lag / run time',
			percent(lag.medianShareOfRun),
			'≤ 15 %',
			lag.medianShareOfRun <= 0.15,
		),
		check('1. Faster than (b)', times(speedup, 1), '≥ 5×', speedup >= 5),
		check(
			'1. Webhook: wall time vs its ideal',
			times(webhookRatio),
			'≤ 1.03×',
			webhookRatio <= 1.03,
		),
		check(
			'1. Webhook: median requests per run',
			webhookRequests.toFixed(2),
			'≤ 3',
			webhookRequests <= 3,
		),
		check(
			'2. Peak RSS growth, 200 MB download',
			megabytes(growth),
			'≤ 64 MB',
			growth <= 64 * 1024 * 1024,
		),
		check(
			"3. The node's own CPU per item",
			`${cpuPerItem.toFixed(2)} ms`,
			'≤ 2 ms',
			cpuPerItem <= 2,
		),
		check(
			'3. Whole process CPU per item',
			`${processCpuPerItem.toFixed(2)} ms`,
			'≤ 4 ms',
			processCpuPerItem <= 4,
		),
		check('4. Under a rate limit: wall vs bound', times(boundRatio), '≤ 1.2×', boundRatio <= 1.2),
		check('4. … 429s', String(backingOff.rateLimited), '< 10', backingOff.rateLimited < 10),
		check('5. 500 items: wall time vs ideal', times(scaleRatio), '≤ 1.1×', scaleRatio <= 1.1),
		check('5. … median requests per run', scaleRequests.toFixed(2), '≤ 3', scaleRequests <= 3),
		check(
			'5. … peak RSS growth',
			megabytes(scaleGrowth),
			'≤ 150 MB',
			scaleGrowth <= 150 * 1024 * 1024,
		),
		check(
			'5. … open connections at peak',
			String(scale.peakConnections),
			`≤ ${2 * SCALE.concurrency}`,
			scale.peakConnections <= 2 * SCALE.concurrency,
		),
	];
}

export function summaryReport(list: Target[], totalMs: number): string {
	const rows = list.map((target) => [
		target.name,
		target.figure,
		target.target,
		target.met === null ? '—' : target.met ? 'yes' : 'NO',
	]);
	return [
		'Summary',
		formatTable(['Target', 'Figure', 'Target', 'Met'], rows),
		'',
		`  Time scales: scenario 1 at 1 (the concurrency-10 run and (a)); (b) at ${THROUGHPUT.baselineTimeScale} with its poll interval scaled by the`,
		`  same factor, figures scaled back; scenario 2 at ${DOWNLOAD.timeScale}; scenario 3 at ${CPU.timeScale} (runs of 0 s);\n  scenario 4 at ${RATE_LIMIT.timeScale} (the rate limit in real time); scenario 5 at ${SCALE.timeScale}.`,
		`  Total bench time: ${seconds(totalMs, 1)} (after the build).`,
	].join('\n');
}
