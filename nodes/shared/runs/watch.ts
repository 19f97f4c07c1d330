import type { IDataObject } from 'n8n-workflow';

import type { FloraClient } from '../flora/client';
import { isTransientFailure } from '../flora/client';
import { asNodeError } from '../flora/errors';
import { sleepUnlessCancelled } from '../flora/sleep';
import type { Run } from '../flora/types';
import { isTerminal } from '../flora/types';
import type { RunKind } from './kind';
import { readHistoryPage } from './history';
import { historyKey } from './kind';
import { RunLedger, toMs } from './ledger';
import type { WaitOptions } from './options';
import type { WaitResult } from './poll';
import { readRun, waitEvery } from './poll';
import type { RunPace } from './schedule';
import { nextReadAt, sighted } from './schedule';

/** Reads due this close together are made at once. */
const MERGE_MS = 25;
/** The loop sleeps at least this long (never spins), and at most this long (a cancel is noticed). */
const MIN_SLEEP_MS = 10;
const MAX_SLEEP_MS = 1_000;
/** FLORA's clock offset is used for expected ends once known this closely. */
const CLOCK_PRECISION_MS = 1_000;
const MAX_PAGE = 100;
/** How long a list read may retry before the runs it was for are read one by one instead. */
const LIST_PATIENCE_MS = 3_000;
/** What a list entry says of a run that can change while it goes; the rest is kept as first read. */
const LIVE_FIELDS = [
	'status',
	'progress',
	'started_at',
	'completed_at',
	'charged_cost',
	'error_code',
	'error_message',
	'outputs',
] as const;

interface Watched {
	kind: RunKind;
	/** The history that lists the run (historyKey), if FLORA lists such runs. */
	history?: string;
	run: Run;
	itemIndex: number;
	deadline: number;
	pace: RunPace;
	dueAt: number;
	/** A read of it is under way. */
	reading: boolean;
	/** Older than the history's first page: read on its own from then on. */
	offPage: boolean;
	settle: (result: WaitResult) => void;
	fail: (error: unknown) => void;
}

/**
 * Waits for an execution's runs together. Each run is read when FLORA's word on it says it may
 * have ended (see schedule.ts); when several runs listed by one history are waited for, one read
 * of that history's first page (newest first, with status, progress and outputs) tells the
 * state of all of them, and only runs it does not show are read one by one.
 */
export class RunWatch {
	private static readonly watches = new WeakMap<FloraClient, RunWatch>();

	private readonly watched = new Set<Watched>();

	/** `created_at` of every run waited for, by history: how far back a page must reach. */
	private readonly created = new Map<string, number[]>();

	/** Histories whose first page is being read. */
	private readonly listing = new Set<string>();

	/** Histories that could not be read: their runs are read one by one from then on. */
	private readonly unlisted = new Set<string>();

	private looping = false;

	private wake: () => void = () => undefined;

	private constructor(private readonly client: FloraClient) {}

	static of(client: FloraClient): RunWatch {
		let watch = RunWatch.watches.get(client);
		if (!watch) {
			watch = new RunWatch(client);
			RunWatch.watches.set(client, watch);
		}
		return watch;
	}

	/** Waits for the run until it ends or the deadline passes (see WaitResult). */
	async wait(
		kind: RunKind,
		run: Run,
		startedAt: number,
		deadline: number,
		itemIndex: number,
	): Promise<WaitResult> {
		return await new Promise<WaitResult>((settle, fail) => {
			const history = kind.history ? historyKey(kind) : undefined;
			const estimated = run.estimated_seconds;
			const pace: RunPace = {
				startedAt,
				...(typeof estimated === 'number' && estimated > 0
					? { estimatedMs: estimated * 1000 }
					: {}),
			};
			const entry: Watched = {
				kind,
				history,
				run,
				itemIndex,
				deadline,
				pace,
				dueAt: nextReadAt(pace, Date.now(), deadline),
				reading: false,
				offPage: false,
				settle,
				fail,
			};
			this.remember(history, run);
			this.watched.add(entry);
			this.wake();
			if (!this.looping) void this.loop();
		});
	}

	/**
	 * Starts the reads that are due, then sleeps until the next one is (or an answer or a new
	 * run wakes it). It always yields: a run whose history is being read waits for that answer.
	 */
	private async loop() {
		this.looping = true;
		try {
			while (this.watched.size > 0) {
				const woken = new Promise<void>((resolve) => (this.wake = resolve));
				this.readDue();
				const next = Math.min(
					...[...this.watched]
						.filter((entry) => !entry.reading && !this.awaitsList(entry))
						.map((entry) => entry.dueAt),
				);
				const wait = Math.min(Math.max(next - Date.now(), MIN_SLEEP_MS), MAX_SLEEP_MS);
				await Promise.race([sleepUnlessCancelled(wait, this.client.signal), woken]);
				this.wake = () => undefined;
				if (this.client.cancelled) return this.cancelAll();
			}
		} catch (error) {
			for (const entry of this.watched) {
				entry.fail(asNodeError(this.client.node, error, entry.itemIndex));
			}
			this.watched.clear();
		} finally {
			this.looping = false;
		}
	}

	/** A run whose history is being read: that answer tells of it. */
	private awaitsList(entry: Watched): boolean {
		return entry.history !== undefined && this.listing.has(entry.history) && !entry.offPage;
	}

	/** Notes when a run of a history was created, once known. */
	private remember(history: string | undefined, run: Run) {
		const createdAt = createdAtOf(run);
		if (!history || createdAt === undefined) return;
		const created = this.created.get(history) ?? [];
		created.push(createdAt);
		this.created.set(history, created);
	}

	private cancelAll() {
		for (const entry of this.watched) {
			try {
				this.client.throwIfCancelled(entry.itemIndex);
			} catch (error) {
				entry.fail(error);
			}
		}
		this.watched.clear();
	}

	/** Starts the reads that are due: one list read per history with several runs waited for. */
	private readDue() {
		const now = Date.now();
		const due = [...this.watched].filter(
			(entry) => !entry.reading && entry.dueAt <= now + MERGE_MS,
		);
		const byHistory = new Map<string, Watched[]>();
		for (const entry of due) {
			if (this.pastDeadline(entry, now)) continue;
			if (!entry.history || entry.offPage || this.unlisted.has(entry.history)) {
				void this.readOne(entry);
				continue;
			}
			byHistory.set(entry.history, [...(byHistory.get(entry.history) ?? []), entry]);
		}
		for (const [history, dueHere] of byHistory) {
			if (this.listing.has(history)) continue;
			const listed = [...this.watched].filter(
				(entry) => entry.history === history && !entry.offPage && !entry.reading,
			);
			if (listed.length < 2) {
				for (const entry of dueHere) void this.readOne(entry);
				continue;
			}
			void this.readList(history, listed);
		}
	}

	/** A run whose deadline passed before its last read could be made: it timed out as last seen. */
	private pastDeadline(entry: Watched, now: number): boolean {
		if (now <= entry.deadline + MERGE_MS) return false;
		this.watched.delete(entry);
		entry.settle({ run: entry.run, timedOut: true });
		return true;
	}

	/** Reads one run by its id, for as long as its deadline allows. */
	private async readOne(entry: Watched) {
		if (this.pastDeadline(entry, Date.now())) return;
		entry.reading = true;
		try {
			const run = await readRun(
				this.client,
				entry.kind,
				entry.run,
				entry.itemIndex,
				entry.deadline,
			);
			this.saw(entry, run);
		} catch (error) {
			this.watched.delete(entry);
			if (!isTransientFailure(error)) {
				entry.fail(asNodeError(this.client.node, error, entry.itemIndex));
			} else {
				entry.settle({ run: entry.run, timedOut: true, unreachable: error as Error });
			}
		} finally {
			entry.reading = false;
			this.wake();
		}
	}

	/**
	 * Reads the first page of a history, sized to reach back to the oldest of these runs, and
	 * updates every one of them it shows. Runs it does not show (pushed off by newer runs, or
	 * not listed yet) and runs it could not tell are read one by one if they are due.
	 */
	private async readList(history: string, entries: Watched[]) {
		this.listing.add(history);
		for (const entry of entries) entry.reading = true;
		const { kind } = entries[0];
		const limit = this.pageSize(history, entries);
		// Never a read of a run after its deadline: the list gives up before the first one.
		const patience = Math.min(
			Date.now() + LIST_PATIENCE_MS,
			...entries.map((entry) => entry.deadline),
		);
		let page: Run[] | undefined;
		try {
			({ page } = await readHistoryPage(
				this.client,
				kind,
				{ limit },
				{ retryUntil: patience, itemIndex: entries[0].itemIndex },
			));
		} catch {
			this.unlisted.add(history);
			page = undefined;
		}
		this.listing.delete(history);
		const shown = new Map((page ?? []).map((run) => [run.run_id, run]));
		const full = page !== undefined && page.length >= limit;
		const oldestShown = page?.length ? createdAtOf(page[page.length - 1]) : undefined;
		const now = Date.now();
		for (const entry of entries) {
			entry.reading = false;
			if (!this.watched.has(entry)) continue;
			const listed = shown.get(entry.run.run_id);
			if (listed && (listed.status !== 'completed' || Array.isArray(listed.outputs))) {
				this.saw(entry, this.merged(entry.run, listed));
				continue;
			}
			const createdAt = createdAtOf(entry.run);
			if (full && createdAt !== undefined && oldestShown !== undefined && createdAt < oldestShown) {
				entry.offPage = true;
			}
			if (entry.dueAt <= now + MERGE_MS) void this.readOne(entry);
		}
		this.wake();
	}

	/** A first page that reaches back to the oldest of these runs, with room for other clients' runs. */
	private pageSize(history: string, entries: Watched[]): number {
		const created = this.created.get(history) ?? [];
		const dates = entries.map((entry) => createdAtOf(entry.run));
		const ours = dates.every((date) => date !== undefined)
			? created.filter((date) => date >= Math.min(...(dates as number[]))).length
			: created.length + entries.length;
		return Math.min(MAX_PAGE, Math.max(10, 2 * ours + 10));
	}

	/** A run as first read, with what the list says of it now. */
	private merged(run: Run, listed: Run): Run {
		const live: IDataObject = {};
		for (const field of LIVE_FIELDS) if (listed[field] !== undefined) live[field] = listed[field];
		if (run.created_at === undefined && listed.created_at !== undefined) {
			live.created_at = listed.created_at;
		}
		return { ...run, ...live } as Run;
	}

	/** What a read said of a run: it ended, or when to read it next (or its deadline passed). */
	private saw(entry: Watched, run: Run) {
		const now = Date.now();
		if (createdAtOf(entry.run) === undefined) this.remember(entry.history, run);
		entry.run = run;
		entry.pace = sighted(
			entry.pace,
			run,
			now,
			RunLedger.of(this.client).clockOffset(CLOCK_PRECISION_MS),
		);
		if (isTerminal(run.status)) {
			this.watched.delete(entry);
			entry.settle({ run, timedOut: false });
		} else if (now >= entry.deadline) {
			this.watched.delete(entry);
			entry.settle({ run, timedOut: true });
		} else {
			entry.dueAt = nextReadAt(entry.pace, now, entry.deadline);
		}
	}
}

function createdAtOf(run: Run): number | undefined {
	return typeof run.created_at === 'number' ? toMs(run.created_at) : undefined;
}

/**
 * Waits for a run until it ends or the timeout passes: on its own at the user's Poll Interval
 * when one is set, otherwise together with the execution's other runs, read when FLORA says
 * they may have ended. A read that fails for a while (an outage, rate limits) is tried again
 * until the timeout: only the timeout ends the wait of a run that has started.
 */
export async function waitForRun(
	client: FloraClient,
	kind: RunKind,
	run: Run,
	options: WaitOptions,
	startedAt: number,
	itemIndex: number,
): Promise<WaitResult> {
	const deadline = startedAt + options.timeoutMs;
	if (options.pollIntervalMs !== undefined) {
		return await waitEvery(
			client,
			kind,
			run,
			{ startedAt, deadline, intervalMs: options.pollIntervalMs },
			itemIndex,
		);
	}
	return await RunWatch.of(client).wait(kind, run, startedAt, deadline, itemIndex);
}
