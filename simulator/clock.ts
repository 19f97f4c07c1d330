/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * The run clock: simulated time that runs `scale` times faster than real time, and a scheduler
 * of tasks due at simulated instants (re-armed when the scale changes).
 */
export class SimClock {
	private baseReal = Date.now();
	private baseSim = 0;
	constructor(public scale: number) {}
	now(): number {
		return this.baseSim + (Date.now() - this.baseReal) * this.scale;
	}
	/** Real Date.now() time of a simulated instant (exact within the current time-scale segment). */
	toReal(sim: number): number {
		return Math.round(this.baseReal + (sim - this.baseSim) / this.scale);
	}
	setScale(s: number): void {
		this.baseSim = this.now();
		this.baseReal = Date.now();
		this.scale = s;
	}
}

export interface Task {
	simAt: number;
	fn: () => void;
	timer?: NodeJS.Timeout;
}

export class Scheduler {
	private readonly tasks = new Set<Task>();
	constructor(private readonly clock: SimClock) {}
	at(simAt: number, fn: () => void): Task {
		const task: Task = { simAt, fn };
		this.tasks.add(task);
		this.arm(task);
		return task;
	}
	private arm(task: Task): void {
		const delay = Math.max(0, (task.simAt - this.clock.now()) / this.clock.scale);
		// Node truncates fractional delays, so a timer may fire a little early: never run a task
		// before it is due on the simulated clock, re-arm instead.
		task.timer = setTimeout(
			() => {
				if (this.clock.now() < task.simAt) return this.arm(task);
				this.tasks.delete(task);
				task.fn();
			},
			Math.min(Math.ceil(delay), 2 ** 31 - 1),
		);
		task.timer.unref();
	}
	cancel(task: Task | undefined): void {
		if (!task) return;
		clearTimeout(task.timer);
		this.tasks.delete(task);
	}
	rearmAll(): void {
		for (const t of this.tasks) {
			clearTimeout(t.timer);
			this.arm(t);
		}
	}
	clear(): void {
		for (const t of this.tasks) clearTimeout(t.timer);
		this.tasks.clear();
	}
}
