import type { IDataObject } from 'n8n-workflow';

/** How many delivery ids the trigger remembers; the oldest is forgotten first. */
export const REMEMBERED_DELIVERIES = 1000;

const KEY = 'deliveryIds';

function remembered(staticData: IDataObject): string[] {
	const ids = staticData[KEY];
	return Array.isArray(ids) ? (ids as string[]) : [];
}

/**
 * FLORA delivers at least once: the same event (same `whd_…` id) may arrive again after a
 * timeout or a lost answer. The ids seen are kept in the workflow's static data for this
 * node, which n8n saves after the webhook call when the node has answered the call itself
 * (see webhook.ts).
 *
 * Answers whether the id was seen before, and remembers it if not.
 */
export function seenBefore(staticData: IDataObject, deliveryId: string): boolean {
	const ids = remembered(staticData);
	if (ids.includes(deliveryId)) return true;
	const next = [...ids, deliveryId];
	staticData[KEY] = next.length > REMEMBERED_DELIVERIES ? next.slice(-REMEMBERED_DELIVERIES) : next;
	return false;
}

/**
 * Deliveries this process is handling or has handled lately. Copies of one event that arrive
 * at the same moment each read the static data before any of them has saved it; this catches
 * those handled by the same n8n process.
 */
const recentInProcess = new Set<string>();

export function claimInProcess(workflowId: string, deliveryId: string): boolean {
	const key = `${workflowId}\u0000${deliveryId}`;
	if (recentInProcess.has(key)) return false;
	recentInProcess.add(key);
	if (recentInProcess.size > REMEMBERED_DELIVERIES) {
		recentInProcess.delete(recentInProcess.values().next().value as string);
	}
	return true;
}
