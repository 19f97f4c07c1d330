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

/** One action with its inputs and parameters (GET /actions/{actionId}). */
export async function getAction(
	client: FloraClient,
	actionId: string,
	itemIndex?: number,
): Promise<Action> {
	return await once(client, `action:${actionId}`, async () => {
		const { body } = await client.request<Action>({
			method: 'GET',
			path: `/actions/${encodeURIComponent(actionId)}`,
			retry: 'safe',
			itemIndex,
		});
		return body;
	});
}
