/** The printed report: one table per scenario, then the targets and whether each figure meets them. */
import type { CpuResult } from './cpu';
import { DEFAULT_CONCURRENCY } from '../../nodes/FloraTechnique/actions/runOptions';
import { CPU } from './cpu';
import type { DownloadResult } from './download';
import { DOWNLOAD } from './download';
import type { RateLimitedResult } from './rateLimit';
import { RATE_LIMIT } from './rateLimit';
import { formatTable, megabytes, percent, seconds, times } from './table';
import type { StrategyResult, ThroughputResult } from './throughput';
import { THROUGHPUT, detectionLag, meanDurationSeconds, pollsPerRun } from './throughput';
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
		'Polls/run med',
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
		"  Polls/run: GET /techniques/{techniqueId}/runs/{runId} requests per run, from the simulator's request log.",
		"  Lag: n8n hands on a node's items together when the node ends, so there is no per-item emit time; the lag is",
		'  the time the node got the answer of its last read of a run (the read that saw it completed) minus the',
		"  simulator's endedAt for that run. Lag/run: median over runs of lag ÷ (endedAt − createdAt).",
		'  The concurrency-10 run, (a) and (b) ran side by side in this process, each against its own simulator.',
	].join('\n');
}

function strategyRow(
	strategy: StrategyResult,
	ideal: StrategyResult,
	builtInStyle: StrategyResult,
) {
	const polls = pollsPerRun(strategy);
	const lag = detectionLag(strategy);
	const isIdeal = strategy === ideal;
	return [
		strategy.label,
		seconds(strategy.wallMs),
		times(strategy.wallMs / ideal.wallMs),
		times(builtInStyle.wallMs / strategy.wallMs, 1),
		isIdeal ? '—' : String(polls.median),
		isIdeal ? '—' : String(polls.max),
		seconds(lag.medianMs, 2),
		seconds(lag.p95Ms, 2),
		percent(lag.medianShareOfRun),
	];
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
		['CPU per item, whole process', `${(cpuMs / result.runs).toFixed(2)} ms`],
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
		"  CPU per item, whole process: process.cpuUsage() around the executions = n8n's engine + the node + n8n's HTTP client.",
		"  The node's own code: V8 profiler samples (200 µs) in functions of this package's dist/; '… with what it calls'",
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
): Target[] {
	const [backingOff] = rateLimited;
	const boundRatio = backingOff.wallMs / backingOff.boundMs;
	const { concurrent, builtInStyle, ideal } = throughput;
	const wallRatio = concurrent.wallMs / ideal.wallMs;
	const speedup = builtInStyle.wallMs / concurrent.wallMs;
	const polls = pollsPerRun(concurrent).median;
	const lagShare = detectionLag(concurrent).medianShareOfRun;
	const growth = download.peakRss - download.baselineRss;
	const cpuPerItem = cpu.own.inclusiveMs / cpu.runs;
	const processCpuPerItem = (cpu.cpuUserMs + cpu.cpuSystemMs) / cpu.runs;
	return [
		{
			name: '1. Wall time vs ideal (c)',
			figure: times(wallRatio),
			target: '≤ 1.15×',
			met: wallRatio <= 1.15,
		},
		{ name: '1. Faster than (b)', figure: times(speedup, 1), target: '≥ 5×', met: speedup >= 5 },
		{ name: '1. Median polls per run', figure: String(polls), target: '≤ 12', met: polls <= 12 },
		{
			name: '1. Median lag / run time',
			figure: percent(lagShare),
			target: '≤ 15 %',
			met: lagShare <= 0.15,
		},
		{
			name: '2. Peak RSS growth, 200 MB download',
			figure: megabytes(growth),
			target: '≤ 64 MB',
			met: growth <= 64 * 1024 * 1024,
		},
		{
			name: "3. The node's own CPU per item",
			figure: `${cpuPerItem.toFixed(2)} ms`,
			target: '≤ 2 ms',
			met: cpuPerItem <= 2,
		},
		{
			name: '3. (whole process: n8n + node + HTTP)',
			figure: `${processCpuPerItem.toFixed(2)} ms`,
			target: '—',
			met: null,
		},
		{
			name: '4. Under a rate limit: wall vs bound',
			figure: times(boundRatio),
			target: '≤ 1.2×',
			met: boundRatio <= 1.2,
		},
		{
			name: '4. … 429s',
			figure: String(backingOff.rateLimited),
			target: '< 10',
			met: backingOff.rateLimited < 10,
		},
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
		`  same factor, figures scaled back; scenario 2 at ${DOWNLOAD.timeScale}; scenario 3 at ${CPU.timeScale} (runs of 0 s);\n  scenario 4 at ${RATE_LIMIT.timeScale} (the rate limit in real time).`,
		`  Total bench time: ${seconds(totalMs, 1)} (after the build).`,
	].join('\n');
}
