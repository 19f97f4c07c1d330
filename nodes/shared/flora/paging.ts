import type { IDataObject } from 'n8n-workflow';

import type { FloraClient } from './client';
import type { PageMeta } from './types';

export const PAGE_SIZE_MAX = 100;

/** Reads a cursor-paged FLORA list until `limit` entries (or every page when limit is undefined). */
export async function collectPages<T>(
	client: FloraClient,
	path: string,
	itemsKey: string,
	qs: IDataObject,
	limit: number | undefined,
	itemIndex: number,
): Promise<T[]> {
	const collected: T[] = [];
	let cursor: string | null | undefined;
	do {
		const pageSize =
			limit === undefined ? PAGE_SIZE_MAX : Math.min(PAGE_SIZE_MAX, limit - collected.length);
		const response = await client.request<IDataObject & { meta?: PageMeta }>({
			method: 'GET',
			path,
			qs: { ...qs, limit: pageSize, ...(cursor ? { cursor } : {}) },
			retry: 'safe',
			itemIndex,
		});
		collected.push(...((response.body[itemsKey] as T[] | undefined) ?? []));
		cursor = response.body.meta?.next_cursor;
	} while (cursor && (limit === undefined || collected.length < limit));
	return limit === undefined ? collected : collected.slice(0, limit);
}
