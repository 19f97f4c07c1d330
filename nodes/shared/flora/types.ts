import type { IDataObject } from 'n8n-workflow';

export type SlotType = 'imageUrl' | 'videoUrl' | 'audioUrl' | 'text' | 'documentUrl';
export type RunInputType = 'text' | 'imageUrl' | 'videoUrl';
export const RUN_INPUT_TYPES: readonly RunInputType[] = ['text', 'imageUrl', 'videoUrl'];

export interface Slot {
	id: string;
	name: string;
	type: SlotType;
	description?: string;
	optional?: boolean;
	/** Several values may be given for the slot (repeated inputs with its id). */
	allow_multiple?: boolean;
	/** The slot also takes an element ID (`el_…`) as its value. */
	accepts_element?: boolean;
	specified_aspect_ratio?: string;
	specified_duration?: number;
}

export interface Technique {
	technique_id: string;
	name: string;
	description?: string;
	run_cost: number;
	inputs: Slot[];
	outputs: Slot[];
}

export interface RunInput {
	id: string;
	type: RunInputType;
	value: string;
}

export type RunMode = 'async' | 'stream';
export type RunStatus = 'pending' | 'running' | 'completed' | 'failed';

export interface RunOutput {
	output_id: string;
	type: SlotType;
	url: string;
}

export interface Run extends IDataObject {
	run_id: string;
	status: RunStatus;
	progress: number;
	created_at: number;
	started_at?: number;
	completed_at?: number;
	charged_cost?: number;
	error_code?: string;
	error_message?: string;
	outputs?: RunOutput[];
	poll_url?: string;
}

export interface TechniqueRun extends Run {
	technique_run_id: string;
	workspace_id: string;
	project_id: string;
	technique: { technique_id: string; name: string };
}

export interface PageMeta {
	next_cursor: string | null;
	total_estimate?: number | null;
}

export interface TechniqueRunPage {
	technique_runs: TechniqueRun[];
	meta: PageMeta;
}

export interface FloraErrorBody {
	error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}

export function isTerminal(status: RunStatus | string): boolean {
	return status === 'completed' || status === 'failed';
}

/** A model's generation parameter, as GET /models describes it. */
export interface ModelParam {
	name: string;
	type: 'string' | 'string[]' | 'bool' | 'int' | 'int?' | 'seed' | 'float' | 'dict';
	required: boolean;
	default?: unknown;
	min?: number;
	max?: number;
	options?: Array<{ label: string; value: string; description?: string }>;
	label?: string;
	description?: string;
	/** A dict parameter's keys, each a number within its range. */
	properties?: Record<string, { min?: number; max?: number; default?: number }>;
}

export type GenerationType = 'image' | 'video' | 'audio' | 'text';

export interface Model {
	model_id: string;
	name: string;
	provider: string;
	type: GenerationType;
	capabilities: string[];
	estimated_credits: number;
	estimated_seconds: number;
	params: ModelParam[];
	beta?: boolean;
}

export interface ActionPort {
	name: string;
	type: 'image' | 'video' | 'text' | 'audio';
	multiple?: true | { min?: number; max?: number };
	/** FLORA 1.6.0's word for a port that takes several values. */
	dynamic?: boolean;
	optional?: boolean;
}

export interface ActionParam {
	key: string;
	type: string;
	label?: string;
	default_value?: unknown;
	available_values?: Array<{ label: string; value: string; description?: string }>;
	min_number_value?: number;
	max_number_value?: number;
	number_step?: number;
	info_tooltip?: string;
}

export interface Action {
	action_id: string;
	name: string;
	description: string;
	charged_cost: number;
	inputs: ActionPort[];
	outputs: ActionPort[];
	params: ActionParam[];
}

export interface Project {
	project_id: string;
	workspace_id: string;
	name: string;
	created_at: number;
	last_modified: number | null;
	origin: string | null;
}

export type AssetStatus = 'pending_upload' | 'ready' | 'failed';

/** A file in a workspace's library (GET /assets/{assetId}). */
export interface Asset extends IDataObject {
	asset_id: string;
	status: AssetStatus;
	url: string | null;
	content_type?: string;
	name?: string | null;
	size_bytes?: number | null;
	width?: number | null;
	height?: number | null;
	workspace_id?: string | null;
	project_id?: string | null;
	failure_message?: string | null;
}
