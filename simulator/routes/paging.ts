/** The page size of the list routes (GET /techniques, GET /technique-runs). */
import { validationError } from '../http';

export function parseLimit(query: Record<string, string>): number {
	if (query.limit === undefined) return 20;
	const n = Number(query.limit);
	if (!/^\d+$/.test(query.limit) || n < 1 || n > 100) {
		throw validationError([{ field: 'limit', message: 'must be an integer between 1 and 100' }]);
	}
	return n;
}
