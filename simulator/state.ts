/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * The simulator's shared mutable state: what the route modules, the media host and the control
 * surface read and change. One per Simulator; reset() clears it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import type { SlotType } from './catalogue';
import type { Chaos } from './chaos';
import type { RateLimiter } from './rateLimit';
import { Scheduler, SimClock, type Task } from './clock';
import { FaultInjector } from './faults';
import { Idempotency } from './idempotency';
import { seedProjects, type ProjectState } from './projects';
import { Contract } from './spec';
import { parseCallbackHosts } from './webhooks';
import type {
	ChaosLogEntry,
	MediaRequestRecord,
	RecordedRequest,
	RunRecord,
	RunScript,
	SimulatorOptions,
	StreamFormat,
	UploadRecord,
	WebhookDeliveryRecord,
} from './types';

/** An output a run fills when it completes. */
export interface OutputSlot {
	id: string;
	name: string;
	type: SlotType;
	specified_duration?: number;
	/** A text output's text (or a document's), when the kind of run sets it at create. */
	text?: string;
}

export interface RunState extends RunRecord {
	task?: Task;
	/** What the run costs when it completes, in USD. */
	cost: number;
	/** The name its outputs carry: the technique's, model's or action's. */
	title: string;
	/** The outputs it fills when it completes, in order. */
	outputSlots: OutputSlot[];
}

export interface AssetState {
	asset_id: string;
	workspace_id: string;
	project_id?: string;
	status: 'pending_upload' | 'ready' | 'failed';
	uploaded_via: 'url' | 'signed_url' | 'direct';
	content_type: string;
	upload_content_type: string | null;
	file_name: string;
	created_at: string;
	expires_at?: string;
	size?: number;
	sha256?: string;
	data?: Buffer;
	filePath?: string;
	width?: number;
	height?: number;
	failure_message: string | null;
	source?: string;
	readyAtSim?: number;
	uploadToken: string;
	/** Order of creation (1, 2, …). */
	seq: number;
}

export class SimState {
	baseUrl = '';
	mediaOrigin = '';
	readonly requests: RecordedRequest[] = [];
	readonly webhookDeliveries: WebhookDeliveryRecord[] = [];
	readonly contractViolations: string[] = [];
	readonly uploads: UploadRecord[] = [];
	readonly mediaRequests: MediaRequestRecord[] = [];
	readonly chaosLog: ChaosLogEntry[] = [];

	readonly contract = new Contract();
	readonly clock: SimClock;
	readonly scheduler: Scheduler;
	readonly runs = new Map<string, RunState>();
	readonly assets = new Map<string, AssetState>();
	/** Projects by id: the seeds, then those made with POST /projects. */
	projects: Map<string, ProjectState> = seedProjects();
	readonly idempotency: Idempotency;
	readonly faults: FaultInjector;
	chaos: Chaos | null = null;
	/** The per-workspace rate limit; null (the default) is none. */
	rateLimit: RateLimiter | null = null;
	/** Per technique id: run durations (seconds), scripted next runs, output sizes (bytes). */
	readonly durations = new Map<string, number>();
	readonly scripts = new Map<string, RunScript[]>();
	readonly outputBytes = new Map<string, number>();
	/** Tick timers of open event streams. */
	readonly streams = new Set<NodeJS.Timeout>();
	/** Files of signed uploads. */
	readonly tmpDir = mkdtempSync(path.join(tmpdir(), 'flora-sim-'));
	readonly uploadSecret = randomBytes(16).toString('hex');
	/** Runs created (their `seq`), upload files written. */
	seq = 0;
	tmpSeq = 0;

	timeScale: number;
	streamFormat: StreamFormat;
	balance: number;
	/** Test mode: callback hosts and the origin their callbacks are delivered to. */
	callbackHosts: Map<string, URL>;

	constructor(readonly options: SimulatorOptions) {
		this.timeScale = options.timeScale ?? 1;
		this.streamFormat = options.streamFormat ?? 'event-stream';
		this.balance = options.credits ?? 1000;
		this.callbackHosts = parseCallbackHosts(options.callbackHosts);
		this.clock = new SimClock(this.timeScale);
		this.scheduler = new Scheduler(this.clock);
		this.idempotency = new Idempotency(this.clock);
		this.faults = new FaultInjector(this.contract);
	}

	stopStreams(): void {
		for (const t of this.streams) clearInterval(t);
		this.streams.clear();
	}

	/** Back to the options' settings, with no runs, assets, faults, chaos or records. */
	reset(): void {
		this.scheduler.clear();
		this.stopStreams();
		this.runs.clear();
		for (const a of this.assets.values()) if (a.filePath) rmSync(a.filePath, { force: true });
		this.assets.clear();
		this.projects = seedProjects();
		this.idempotency.clear();
		this.faults.clear();
		this.chaos = null;
		this.rateLimit = null;
		this.chaosLog.length = 0;
		this.durations.clear();
		this.scripts.clear();
		this.outputBytes.clear();
		this.requests.length = 0;
		this.webhookDeliveries.length = 0;
		this.contractViolations.length = 0;
		this.uploads.length = 0;
		this.mediaRequests.length = 0;
		this.seq = 0;
		this.timeScale = this.options.timeScale ?? 1;
		this.clock.setScale(this.timeScale);
		this.streamFormat = this.options.streamFormat ?? 'event-stream';
		this.balance = this.options.credits ?? 1000;
		this.callbackHosts = parseCallbackHosts(this.options.callbackHosts);
	}
}
