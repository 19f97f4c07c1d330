import type { Attempt, FloraClient } from '../flora/client';
import type { Run } from '../flora/types';
import { readHistoryPage } from './history';
import type { RunKind } from './kind';
import { historyKey } from './kind';

/** Clocks differ between n8n and FLORA; until a create answer tells, assume up to this much. */
const CLOCK_SKEW_MS = 120_000;
/** Network failures that mean the request never reached FLORA. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** Statuses that come before FLORA acts on a request (rate limit, overload). */
const NOT_ACTED_ON = new Set([429, 503]);

/** FLORA stamps `created_at` in unix ms (or seconds): both read as ms here. */
export function toMs(timestamp: number): number {
	return timestamp < 1e12 ? timestamp * 1000 : timestamp;
}

/**
 * Whether an attempt of a run create may have created the run: FLORA accepted it (a stream
 * that then broke before naming the run), or the answer was lost or a fault came after FLORA
 * may have acted.
 */
export function mayHaveCreated(attempt: Attempt): boolean {
	if (attempt.statusCode === undefined) return !NOT_SENT.has(attempt.networkError ?? '');
	if (attempt.statusCode < 300) return true;
	return attempt.statusCode >= 500 && !NOT_ACTED_ON.has(attempt.statusCode);
}

/** An item's run create: the attempts (on n8n's clock) that may have created its run. */
export interface ItemCreate {
	itemIndex: number;
	kind: RunKind;
	idempotencyKey: string;
	windows: Array<[sentAt: number, settledAt: number]>;
}

export type Recovery =
	| { kind: 'found'; run: Run }
	| { kind: 'ambiguous'; candidates: string[] }
	| { kind: 'missing' };

interface PendingRecovery {
	item: ItemCreate;
	/** FLORA said the key was used (`idempotency_duplicate`): the run exists. */
	confirmed: boolean;
	deadline: number;
	resolve: (recovery: Recovery) => void;
	reject: (error: unknown) => void;
}

/** The creates of one kind of run in this execution: how many are under way, who waits for what. */
interface KindCreates {
	active: number;
	pending: PendingRecovery[];
	/** Settles when `active` falls to 0 or the pending recoveries have been resolved. */
	waiters: Array<() => void>;
	resolving: boolean;
}

/**
 * What one execution knows about the runs it creates, so that a run is only ever reported on
 * the item that started it.
 *
 * Every answered create claims its run and narrows the offset between n8n's clock and FLORA's
 * (`created_at` lies between sending and the answer). When an answer is lost and FLORA then
 * says the idempotency key was used (`idempotency_duplicate`), the run exists but FLORA does
 * not say which it is, and its run history carries neither keys nor inputs. The ledger then
 * waits until no other create of that kind of run is under way (and starts no new one), reads
 * the history back to the first lost attempt, and gives each waiting item the one unclaimed
 * run created during one of its own lost attempts. Where more than one fits, it does not guess.
 */
export class RunLedger {
	private static readonly ledgers = new WeakMap<FloraClient, RunLedger>();

	private readonly claimed = new Set<string>();

	private readonly kinds = new Map<string, KindCreates>();

	/** FLORA's clock minus n8n's, in ms: known to lie in [low, high]. */
	private offset = { low: -CLOCK_SKEW_MS, high: CLOCK_SKEW_MS, consistent: true };

	private constructor(private readonly client: FloraClient) {}

	static of(client: FloraClient): RunLedger {
		let ledger = RunLedger.ledgers.get(client);
		if (!ledger) {
			ledger = new RunLedger(client);
			RunLedger.ledgers.set(client, ledger);
		}
		return ledger;
	}

	claim(runId: string) {
		this.claimed.add(runId);
	}

	isClaimed(runId: string): boolean {
		return this.claimed.has(runId);
	}

	/**
	 * Answered creates whose answer gave no `created_at` (a generation's): the clock offset is
	 * narrowed with them once the run history shows when their runs were created.
	 */
	private readonly undated = new Map<string, Attempt>();

	/** Records an answered create: its run is claimed and the clock offset narrowed. */
	answered(run: { run_id: string; created_at?: number }, attempt: Attempt | undefined) {
		this.claim(run.run_id);
		if (!attempt) return;
		if (typeof run.created_at !== 'number') this.undated.set(run.run_id, attempt);
		else this.narrow(run.created_at, attempt);
	}

	/**
	 * FLORA's clock minus n8n's, in ms, once the answered creates have told it to within
	 * `withinMs`; undefined before, or when FLORA's timestamps proved inconsistent.
	 */
	clockOffset(withinMs: number): number | undefined {
		const { low, high, consistent } = this.offset;
		return consistent && high - low <= withinMs ? (low + high) / 2 : undefined;
	}

	/** A run created at FLORA time `createdAt` during `attempt`: the offset lies within. */
	private narrow(createdAt: number, attempt: Attempt) {
		const created = toMs(createdAt);
		const precision = precisionOf(createdAt);
		const low = Math.max(this.offset.low, created - attempt.settledAt - precision);
		const high = Math.min(this.offset.high, created - attempt.sentAt + precision);
		if (low > high) {
			// FLORA's created_at is not stamped while the request is handled: stop trusting it.
			this.offset = { low: -CLOCK_SKEW_MS, high: CLOCK_SKEW_MS, consistent: false };
		} else if (this.offset.consistent) {
			this.offset = { low, high, consistent: true };
		}
	}

	private creates(kind: RunKind): KindCreates {
		const key = historyKey(kind);
		let entry = this.kinds.get(key);
		if (!entry) {
			entry = { active: 0, pending: [], waiters: [], resolving: false };
			this.kinds.set(key, entry);
		}
		return entry;
	}

	/**
	 * Runs one create request. While a lost answer of the same kind of run is being matched to
	 * its run, no new create of that kind starts: it would add a run nobody has claimed yet.
	 */
	async track<T>(kind: RunKind, send: () => Promise<T>): Promise<T> {
		const entry = this.creates(kind);
		while (entry.pending.length > 0 || entry.resolving) {
			await new Promise<void>((resolve) => entry.waiters.push(resolve));
		}
		entry.active++;
		try {
			return await send();
		} finally {
			entry.active--;
			this.wake(entry);
		}
	}

	/**
	 * Finds the run an item's lost create answer was about (see the class comment). `confirmed`
	 * says FLORA answered that the key was used, so the run exists; otherwise the create gave up
	 * and the run may or may not exist: then 'missing' means no run was started, and a run that
	 * fits is only a candidate (reported as 'ambiguous', never as 'found').
	 */
	async recover(item: ItemCreate, deadline: number, confirmed: boolean): Promise<Recovery> {
		const entry = this.creates(item.kind);
		const recovery = new Promise<Recovery>((resolve, reject) =>
			entry.pending.push({ item, confirmed, deadline, resolve, reject }),
		);
		this.wake(entry);
		return await recovery;
	}

	private wake(entry: KindCreates) {
		if (entry.active === 0 && entry.pending.length > 0 && !entry.resolving) {
			void this.resolvePending(entry);
		}
		if (entry.pending.length === 0 && !entry.resolving) {
			for (const waiter of entry.waiters.splice(0)) waiter();
		}
	}

	private async resolvePending(entry: KindCreates) {
		entry.resolving = true;
		const batch = entry.pending.splice(0);
		try {
			const history = await this.readHistorySince(
				batch[0].item.kind,
				Math.min(...batch.flatMap(({ item }) => item.windows.map(([sentAt]) => sentAt))),
				Math.max(...batch.map(({ deadline }) => deadline)),
				batch[0].item.itemIndex,
			);
			for (const run of history) {
				const attempt = this.undated.get(run.run_id);
				if (!attempt || typeof run.created_at !== 'number') continue;
				this.undated.delete(run.run_id);
				this.narrow(run.created_at, attempt);
			}
			const outcomes = this.match(batch, history);
			batch.forEach((pending, index) => {
				const outcome = outcomes[index];
				// The candidates of an item whose create gave up stay unclaimed: one of them may be
				// the run of an item FLORA says it started, whose own run must stay among its fits.
				if (outcome.kind === 'found') this.claim(outcome.run.run_id);
				pending.resolve(outcome);
			});
		} catch (error) {
			for (const pending of batch) pending.reject(error);
		} finally {
			entry.resolving = false;
			this.wake(entry);
		}
	}

	/** When a run created at FLORA time `createdAt` was created, on n8n's clock. */
	private createdWithin(createdAt: number): [number, number] {
		const created = toMs(createdAt);
		const precision = precisionOf(createdAt);
		return [created - this.offset.high - precision, created - this.offset.low + precision];
	}

	/**
	 * Gives each item whose run exists the unclaimed run created during one of its own attempts,
	 * when exactly one remains after the runs already matched to other items are taken away
	 * (each such item's run is among its fits, so this never guesses). Items whose run may not
	 * exist only learn what fits, after the others have taken theirs.
	 */
	private match(batch: PendingRecovery[], history: Run[]): Recovery[] {
		const unclaimed = history.filter((run) => !this.claimed.has(run.run_id));
		const fits = batch.map(({ item }) =>
			unclaimed.filter((run) => {
				const [from, to] = this.createdWithin(run.created_at);
				return item.windows.some(([sentAt, settledAt]) => from <= settledAt && to >= sentAt);
			}),
		);
		const outcomes: Array<Recovery | undefined> = batch.map(() => undefined);
		const taken = new Set<string>();
		const left = (index: number) => fits[index].filter((run) => !taken.has(run.run_id));
		for (let progress = true; progress; ) {
			progress = false;
			batch.forEach(({ confirmed }, index) => {
				if (outcomes[index] || !confirmed) return;
				const [only, ...more] = left(index);
				if (!only || more.length > 0) return;
				outcomes[index] = { kind: 'found', run: only };
				taken.add(only.run_id);
				progress = true;
			});
		}
		return batch.map((_pending, index) => {
			const outcome = outcomes[index];
			if (outcome) return outcome;
			const candidates = left(index).map((run) => run.run_id);
			return candidates.length === 0 ? { kind: 'missing' } : { kind: 'ambiguous', candidates };
		});
	}

	/** The kind's run history, newest first, back to runs created before `since` (n8n's clock). */
	private async readHistorySince(
		kind: RunKind,
		since: number,
		deadline: number,
		itemIndex: number,
	): Promise<Run[]> {
		const runs: Run[] = [];
		let cursor: string | null | undefined;
		do {
			const { page, nextCursor } = await readHistoryPage(
				this.client,
				kind,
				{ cursor },
				{ retryUntil: deadline, itemIndex },
			);
			runs.push(...page);
			const oldest = page[page.length - 1];
			if (!oldest || this.createdWithin(oldest.created_at)[1] < since) break;
			cursor = nextCursor;
		} while (cursor);
		return runs;
	}
}

function precisionOf(createdAt: number): number {
	return createdAt < 1e12 ? 1000 : 5;
}
