import { NodeOperationError } from 'n8n-workflow';

import type { FloraClient } from './client';
import type { Action, GenerationType, Model } from './types';

/** Reads that every item of an execution shares, made once per execution (per client). */
const reads = new WeakMap<FloraClient, Map<string, Promise<unknown>>>();

function once<T>(client: FloraClient, key: string, read: () => Promise<T>): Promise<T> {
	let known = reads.get(client);
	if (!known) {
		known = new Map();
		reads.set(client, known);
	}
	let value = known.get(key) as Promise<T> | undefined;
	if (!value) {
		value = read();
		known.set(key, value);
		value.catch(() => known?.delete(key));
	}
	return value;
}

/** The models FLORA offers for a type of generation (GET /models?type=). */
export async function listModels(
	client: FloraClient,
	type?: GenerationType,
	itemIndex?: number,
): Promise<Model[]> {
	return await once(client, `models:${type ?? ''}`, async () => {
		const { body } = await client.request<{ models: Model[] }>({
			method: 'GET',
			path: '/models',
			qs: type ? { type } : {},
			retry: 'safe',
			itemIndex,
		});
		return body.models ?? [];
	});
}

/** The actions FLORA offers (GET /actions). */
export async function listActions(client: FloraClient, itemIndex?: number): Promise<Action[]> {
	return await once(client, 'actions', async () => {
		const { body } = await client.request<{ actions: Action[] }>({
			method: 'GET',
			path: '/actions',
			retry: 'safe',
			itemIndex,
		});
		return body.actions ?? [];
	});
}

/**
 * One action with its inputs and parameters, from the list FLORA offers (GET /actions, read
 * once per execution). An ID FLORA does not list, whether FLORA's enum lacks it (GET
 * /actions/{actionId} would be refused as a bad request) or FLORA does not offer it (404), is
 * refused with one message naming it.
 */
export async function getAction(
	client: FloraClient,
	actionId: string,
	itemIndex?: number,
): Promise<Action> {
	const action = (await listActions(client, itemIndex)).find(
		(candidate) => candidate.action_id === actionId,
	);
	if (action) return action;
	throw new NodeOperationError(client.node, `FLORA has no action "${actionId.slice(0, 60)}"`, {
		itemIndex,
		description:
			'Check the Action field: pick the action from the list, or give an ID that Action → Get Many lists, such as resize-video.',
	});
}

/** Whether every word of `filter` (any case) is in one of `texts`; an empty filter matches all. */
export function matchesWords(filter: string | undefined, ...texts: string[]): boolean {
	const words = (filter ?? '')
		.toLowerCase()
		.split(/\s+/)
		.filter((word) => word !== '');
	const haystack = texts.join(' ').toLowerCase();
	return words.every((word) => haystack.includes(word));
}
