import type { Run } from '../flora/types';
import { toMs } from './ledger';

const FIRST_READ_MS = 1_000;
const MAX_READ_SPACING_MS = 30_000;
const SPACING_SHARE_OF_AGE = 0.2;
/** FLORA's progress moves in hundredths: a run said to be at p may be up to p + 0.01. */
const PROGRESS_STEP = 0.01;
/** Past its expected end, a run is read again after this share of its age (within the bounds below). */
const OVERDUE_SHARE_OF_AGE = 0.05;
const MIN_OVERDUE_SPACING_MS = 200;
/** When the expected end is known this closely, the run is read once, at the latest. */
const ACCEPTED_LAG_MS = 300;

/**
 * When to read a run again, if the user set no interval and FLORA has said nothing of when it
 * ends: soon after the start, then spaced out with the run's age (a short run is noticed
 * within about a second, a long one costs a few dozen reads), never more than 30 s apart.
 */
export function nextReadDelay(runAgeMs: number, pollIntervalMs?: number): number {
	if (pollIntervalMs !== undefined) return pollIntervalMs;
	return Math.min(MAX_READ_SPACING_MS, Math.max(FIRST_READ_MS, runAgeMs * SPACING_SHARE_OF_AGE));
}

/** FLORA's progress as a share of the run, whether it says 0–1 or 0–100; undefined when it says none. */
export function progressShare(progress: unknown): number | undefined {
	if (typeof progress !== 'number' || !Number.isFinite(progress) || progress <= 0) return undefined;
	return Math.min(1, progress > 1 ? progress / 100 : progress);
}

/** One read of a run: when its answer came (n8n's clock) and the progress it said. */
export interface Sighting {
	at: number;
	share: number;
}

/** What is known of a run for guessing when it ends (times on n8n's clock). */
export interface RunPace {
	/** When the node started the run (or began to wait for it). */
	startedAt: number;
	/** FLORA's own estimate of the run's length at the start (`estimated_seconds`), in ms. */
	estimatedMs?: number;
	/** When the run was last read (its own read, or a page of its history). */
	lastReadAt?: number;
	/** The first read that said some progress, and the latest. */
	firstSighting?: Sighting;
	lastSighting?: Sighting;
	/** When the run began running, from its `started_at` and FLORA's clock offset, if known. */
	runningSince?: number;
}

/** Records a read of the run; `clockOffset` is FLORA's clock minus n8n's, when known. */
export function sighted(pace: RunPace, run: Run, at: number, clockOffset?: number): RunPace {
	const share = progressShare(run.progress);
	const next: RunPace = { ...pace, lastReadAt: at };
	const since = run.started_at ?? undefined;
	if (typeof since === 'number' && clockOffset !== undefined) {
		next.runningSince = toMs(since) - clockOffset;
	}
	if (share === undefined) return next;
	const sighting = { at, share };
	next.firstSighting ??= sighting;
	next.lastSighting = sighting;
	return next;
}

/** Between when the run can be expected to end at the earliest and at the latest (n8n's clock). */
export interface ExpectedEnd {
	earliest: number;
	latest: number;
}

/**
 * When the run can be expected to end, from FLORA's progress and how long the run has taken to
 * make it (progress moves in steps, so the true share lies between what FLORA says and one step
 * more), or from `estimated_seconds` while FLORA says no progress. Undefined when FLORA has
 * said nothing of it.
 */
export function expectedEnd(pace: RunPace): ExpectedEnd | undefined {
	const last = pace.lastSighting;
	if (!last) {
		if (pace.estimatedMs === undefined) return undefined;
		const end = pace.startedAt + pace.estimatedMs;
		return { earliest: end, latest: end };
	}
	const first = pace.firstSighting;
	let since = pace.runningSince;
	if (since === undefined && first && last.share > first.share) {
		// Two reads tell the pace without FLORA's clock.
		const rate = (last.share - first.share) / (last.at - first.at);
		since = last.at - last.share / rate;
	}
	since ??= pace.startedAt;
	const elapsed = Math.max(0, last.at - since);
	const endAt = (share: number) => last.at + (elapsed * (1 - share)) / share;
	return { earliest: endAt(Math.min(1, last.share + PROGRESS_STEP)), latest: endAt(last.share) };
}

/**
 * When to read a run next (n8n's clock), never after the deadline: a second after the start
 * (or soon, if starting it took longer); then at its earliest expected end (at most 30 s
 * apart), or at the latest once that is within a short lag of the earliest; past both, again
 * after a small share of its age; with no word from FLORA, spaced out with the age as
 * nextReadDelay.
 */
export function nextReadAt(pace: RunPace, now: number, deadline: number): number {
	const age = now - pace.startedAt;
	const end = expectedEnd(pace);
	let at: number;
	if (pace.lastReadAt === undefined) {
		// Read once before trusting an estimate: the run may be quicker than FLORA expects.
		at = Math.max(pace.startedAt + FIRST_READ_MS, now + MIN_OVERDUE_SPACING_MS);
	} else if (!end) at = now + nextReadDelay(age);
	else if (now < end.earliest && end.latest - end.earliest > ACCEPTED_LAG_MS) {
		at = Math.min(now + MAX_READ_SPACING_MS, end.earliest);
	} else if (now < end.latest) at = Math.min(now + MAX_READ_SPACING_MS, end.latest);
	else {
		at =
			now +
			Math.min(nextReadDelay(age), Math.max(MIN_OVERDUE_SPACING_MS, age * OVERDUE_SHARE_OF_AGE));
	}
	return Math.min(at, deadline);
}
