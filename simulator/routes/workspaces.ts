/** GET /workspaces, and the workspace id check of the routes that take one. */
import { WORKSPACES } from '../catalogue';
import { ApiError, validationError } from '../http';

export function listWorkspaces(role: 'owner' | 'viewer') {
	return {
		workspaces:
			role === 'viewer'
				? [{ ...WORKSPACES[0], role: 'viewer' }]
				: WORKSPACES.map((w) => ({ ...w })),
	};
}

export function checkWorkspace(id: string | undefined, field = 'workspace_id'): void {
	if (id === undefined) return;
	if (!/^ws_\S+$/.test(id))
		throw validationError([{ field, message: 'must be a workspace id (ws_…)' }]);
	if (!WORKSPACES.some((w) => w.workspace_id === id))
		throw new ApiError(404, 'not_found', `Workspace "${id}" was not found.`);
}
