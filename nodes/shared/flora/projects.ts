import { randomString } from 'n8n-workflow';

import type { FloraClient } from './client';
import { asNodeError, floraErrorCode } from './errors';
import { collectPages } from './paging';
import type { Project } from './types';

/** The workspace's projects whose name is exactly `name`, most recently active first. */
export async function projectsNamed(
	client: FloraClient,
	workspaceId: string,
	name: string,
	itemIndex: number,
): Promise<Project[]> {
	// The search matches names that contain the name: the project may be on a later page.
	const projects = await collectPages<Project>(
		client,
		'/projects',
		'projects',
		{ workspace_id: workspaceId, query: name },
		undefined,
		itemIndex,
	);
	return projects.filter((project) => project.name === name);
}

/**
 * Creates a project (POST /projects). The request carries an idempotency key, so a retry
 * after a lost answer does not make a second project: when FLORA says the key was used, the
 * project the first attempt made is read back by its name.
 */
export async function createProject(
	client: FloraClient,
	workspaceId: string,
	name: string,
	itemIndex: number,
): Promise<Project> {
	const startedAt = Date.now();
	try {
		const { body } = await client.request<Project>({
			method: 'POST',
			path: '/projects',
			body: { workspace_id: workspaceId, name },
			headers: { 'Idempotency-Key': `n8n-project-${randomString(20)}` },
			retry: 'idempotent',
			itemIndex,
		});
		return body;
	} catch (error) {
		if (floraErrorCode(error)?.code !== 'idempotency_duplicate')
			throw asNodeError(client.node, error, itemIndex);
		const made = (await projectsNamed(client, workspaceId, name, itemIndex)).find(
			// FLORA stamps created_at in unix ms or seconds; clocks may differ by a minute.
			(project) =>
				(project.created_at < 1e12 ? project.created_at * 1000 : project.created_at) >=
				startedAt - 60_000,
		);
		if (!made) throw asNodeError(client.node, error, itemIndex);
		return made;
	}
}
