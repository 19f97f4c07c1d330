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
