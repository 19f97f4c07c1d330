import type { OutputLayout } from './outputs';

/** How long and how often a run is waited for, and what a timeout makes of it. */
export interface WaitOptions {
	/** A fixed interval between reads; when absent, reads are spaced out with the run's age. */
	pollIntervalMs?: number;
	timeoutMs: number;
	onTimeout: 'error' | 'returnRun';
}

/** What an ended run becomes: its items' layout, and the binary field its files go into. */
export interface FinishOptions extends WaitOptions {
	outputLayout: OutputLayout;
	/** The binary property to download outputs into; undefined leaves them as URLs. */
	downloadInto?: string;
}
