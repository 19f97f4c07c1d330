/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** The FLORA API's route table: after the Authorization check, which handler answers each route. */
import type * as http from 'node:http';

import { authenticate } from '../auth';
import { publicTechnique } from '../catalogue';
import { ApiError, json, type Reply } from '../http';
import type { ParsedBody } from '../requestBody';
import type { RunLifecycle } from '../runLifecycle';
import type { SimState } from '../state';
import { ActionRoutes, getAction, listActions } from './actions';
import { AssetListRoutes } from './assetList';
import { AssetRoutes } from './assets';
import { GenerationRoutes } from './generations';
import { listModels } from './models';
import { ProjectRoutes } from './projects';
import { RunRoutes } from './runs';
import { listTechniques, techniqueOr404 } from './techniques';
import { listWorkspaces } from './workspaces';

export class ApiRoutes {
	private readonly runs: RunRoutes;
	private readonly assets: AssetRoutes;
	private readonly projects: ProjectRoutes;
	private readonly generations: GenerationRoutes;
	private readonly actions: ActionRoutes;
	private readonly assetList: AssetListRoutes;

	/** `ownerKeys`: the API keys with the owner role. */
	constructor(
		s: SimState,
		lifecycle: RunLifecycle,
		private readonly ownerKeys: Set<string>,
	) {
		this.runs = new RunRoutes(s, lifecycle);
		this.assets = new AssetRoutes(s);
		this.projects = new ProjectRoutes(s);
		this.generations = new GenerationRoutes(s, lifecycle, this.runs);
		this.actions = new ActionRoutes(s, lifecycle);
		this.assetList = new AssetListRoutes(s, this.assets);
	}

	dispatch(
		method: string,
		routeKey: string | null,
		params: Record<string, string>,
		query: Record<string, string>,
		req: http.IncomingMessage,
		body: ParsedBody,
	): Reply {
		const auth = authenticate(req, this.ownerKeys);
		if (!routeKey)
			throw new ApiError(
				404,
				'not_found',
				`No route ${method} ${new URL(req.url ?? '/', 'http://x').pathname}.`,
			);
		if (method === 'POST' && auth.role === 'viewer') {
			throw new ApiError(
				403,
				'forbidden',
				'This API key has the viewer role and cannot make changes in this workspace.',
			);
		}
		switch (routeKey) {
			case 'GET /techniques':
				return json(200, listTechniques(query));
			case 'GET /techniques/{techniqueId}':
				return json(200, publicTechnique(techniqueOr404(params.techniqueId)));
			case 'POST /techniques/{techniqueId}/runs':
				return this.runs.create(params.techniqueId, req, body, auth.key);
			case 'GET /techniques/{techniqueId}/runs/{runId}':
				return json(
					200,
					this.runs.runJson(this.runs.underTechnique(params.techniqueId, params.runId)),
				);
			case 'GET /runs/{runId}':
				return json(200, this.runs.runJson(this.runs.byId(params.runId)));
			case 'GET /technique-runs':
				return json(200, this.runs.history(query));
			case 'GET /workspaces':
				return json(200, listWorkspaces(auth.role));
			case 'POST /assets':
				return this.assets.create(req, body);
			case 'GET /assets/{assetId}':
				return json(200, this.assets.assetJson(this.assets.asset(params.assetId)));
			case 'POST /assets/{assetId}/complete':
				return this.assets.complete(params.assetId, req);
			case 'GET /projects':
				return json(200, this.projects.list(query));
			case 'POST /projects':
				return this.projects.create(req, body, auth.key);
			case 'GET /projects/{projectId}':
				return json(200, this.projects.get(params.projectId));
			case 'GET /models':
				return json(200, listModels(query));
			case 'POST /generate':
				return this.generations.create(req, body, auth.key);
			case 'GET /generations':
				return json(200, this.generations.list(query));
			case 'GET /actions':
				return json(200, listActions());
			case 'GET /actions/{actionId}':
				return json(200, getAction(params.actionId));
			case 'POST /runs/action':
				return this.actions.run(req, body, auth.key);
			case 'GET /assets':
				return json(200, this.assetList.list(query));
			case 'POST /assets/{assetId}/retry':
				return this.assetList.retry(params.assetId, req);
		}
		throw new ApiError(404, 'not_found', 'Not found.');
	}
}
