/**
 * GET /models: the model catalogue, optionally of one type.
 *
 * Where the sources differ (FLORA's OpenAPI 1.6.0, @flora-ai/flora 0.11), what is simulated:
 * - estimated_credits and estimated_seconds are integers (the spec); the SDK types them as
 *   plain numbers, which integers satisfy.
 * - The answer is one list, not paged (both say so: {models: [...]}, no meta).
 * - A type outside image|video|audio|text answers 400 naming `type` (the spec's enum).
 */
import { validationError } from '../http';
import { MODELS, publicModel } from '../models';

const TYPES = ['image', 'video', 'audio', 'text'];

export function listModels(query: Record<string, string>) {
	if (query.type !== undefined && !TYPES.includes(query.type))
		throw validationError([{ field: 'type', message: `must be one of ${TYPES.join(', ')}` }]);
	return {
		models: MODELS.filter((m) => query.type === undefined || m.type === query.type).map(
			publicModel,
		),
	};
}
