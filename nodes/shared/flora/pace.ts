/** FLORA's advice under rate limits: drop to about 2 requests at once, then build up again. */
const FLOOR = 2;
/** Raised at most one step this often: what a rate limit allows shows over seconds, not requests. */
const STEP_MS = 2_000;

/**
 * How many items of an execution may work at once, as FLORA's rate limit allows: cut in half
 * (not below 2) when FLORA answers 429, raised by one after as many successful requests as
 * items are allowed (and at most every 2 s), never above the user's Concurrency (`max`). The 429s answering requests
 * sent before a cut's pause ended cut once.
 */
export class Pace {
	/** The user's Concurrency; unlimited until an operation that works on items sets it. */
	max = Number.POSITIVE_INFINITY;

	private allowed: number | undefined;

	private successes = 0;

	/** When the last cut was made, and until when its pause lasts. */
	private cutAt = 0;

	private changedAt = 0;

	private cutUntil = 0;

	/** How many items may work at once now. */
	get concurrency(): number {
		return Math.max(1, Math.min(this.max, this.allowed ?? this.max));
	}

	/** FLORA answered 429 to a request sent at `sentAt` and asked to wait until `pausedUntil`. */
	rateLimited(sentAt: number, pausedUntil: number) {
		if (sentAt < this.cutUntil || !Number.isFinite(this.max)) return;
		this.allowed = Math.min(this.max, Math.max(FLOOR, Math.floor(this.concurrency / 2)));
		this.successes = 0;
		this.cutAt = Date.now();
		this.changedAt = pausedUntil;
		this.cutUntil = pausedUntil;
	}

	/** A request sent at `sentAt` succeeded: after enough of them, one more item may work at once. */
	succeeded(sentAt: number, now = Date.now()) {
		if (this.allowed === undefined || sentAt < this.cutAt) return;
		if (++this.successes < this.allowed || now - this.changedAt < STEP_MS) return;
		this.successes = 0;
		this.changedAt = now;
		this.allowed = this.allowed + 1 >= this.max ? undefined : this.allowed + 1;
	}
}
