/**
 * The simulator's projects: a few seeded ones in the simulator workspaces (technique runs land
 * in DEFAULT_PROJECT_ID), plus those made with POST /projects. reset() brings back the seeds.
 */
import { DEFAULT_PROJECT_ID } from './catalogue';

export interface ProjectState {
	project_id: string;
	name: string;
	workspace_id: string;
	/** Where it was made: 'app' for the seeds, 'api' for POST /projects. */
	origin: string | null;
	/** Unix ms. */
	created_at: number;
	/** Unix ms of the last activity (its creation, a generation or action run in it); null for none. */
	last_modified: number | null;
	/** Order of creation, to break ties. */
	seq: number;
}

const SEEDS: ReadonlyArray<Omit<ProjectState, 'seq'>> = [
	{
		project_id: DEFAULT_PROJECT_ID,
		name: 'Simulator Default',
		workspace_id: 'ws_sim_studio',
		origin: 'app',
		created_at: 1767225600000,
		last_modified: 1767312000000,
	},
	{
		project_id: 'prj_sim_spring_campaign',
		name: 'Spring Campaign',
		workspace_id: 'ws_sim_studio',
		origin: 'app',
		created_at: 1768435200000,
		last_modified: 1768521600000,
	},
	{
		project_id: 'prj_sim_autumn_lookbook',
		name: 'Autumn Lookbook',
		workspace_id: 'ws_sim_studio',
		origin: null,
		created_at: 1766016000000,
		last_modified: null,
	},
	{
		project_id: 'prj_sim_agency_pitch',
		name: 'Agency Pitch Deck',
		workspace_id: 'ws_sim_agency',
		origin: 'app',
		created_at: 1769904000000,
		last_modified: 1769990400000,
	},
];

/** The seeded projects, fresh copies. */
export function seedProjects(): Map<string, ProjectState> {
	return new Map(SEEDS.map((p, i) => [p.project_id, { ...p, seq: i + 1 }]));
}

/** Most recently active first (last_modified, else created_at), then newest. */
export function byActivity(a: ProjectState, b: ProjectState): number {
	const at = (p: ProjectState) => p.last_modified ?? p.created_at;
	return at(b) - at(a) || b.seq - a.seq;
}

export function publicProject(p: ProjectState): Record<string, unknown> {
	return {
		project_id: p.project_id,
		name: p.name,
		workspace_id: p.workspace_id,
		origin: p.origin,
		last_modified: p.last_modified,
		created_at: p.created_at,
	};
}
