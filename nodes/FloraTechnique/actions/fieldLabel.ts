/**
 * n8n 2.x shows a resource mapper field's label on one line about 25 characters wide and cuts
 * the rest with no way to read it; resource mapper fields have no hint or description either.
 * So a label is the name with as much of what the field takes as fits, most useful first,
 * and the notice above the fields says the rest (binary:data, one value per line, el_…).
 */
export const MAX_FIELD_LABEL = 24;

/** The first of `name (details…)` candidates that fits, dropping details from the end. */
export function fieldLabel(name: string, details: string[][]): string {
	for (const candidate of details) {
		const label = candidate.length ? `${name} (${candidate.join(', ')})` : name;
		if (label.length <= MAX_FIELD_LABEL) return label;
	}
	return name;
}

const KINDS: Record<string, [string, string]> = {
	text: ['text', 'texts'],
	imageUrl: ['image', 'images'],
	image: ['image', 'images'],
	videoUrl: ['video', 'videos'],
	video: ['video', 'videos'],
	audioUrl: ['audio', 'audios'],
	audio: ['audio', 'audios'],
	documentUrl: ['document', 'documents'],
};

/** "image", or "images" for an input that takes several values (one per line). */
export function kindWord(type: string, several: boolean): string {
	const kind = KINDS[type] ?? [type, type];
	return kind[several ? 1 : 0];
}

/** The label of a media input: the kind (plural when it takes several), then extras. */
export function inputLabel(
	name: string,
	input: { type: string; several: boolean; element?: boolean; extras?: string[] },
): string {
	const kind = kindWord(input.type, input.several);
	const extras = input.extras ?? [];
	// An input named after its kind ("video", "videos") says it already.
	if ([kindWord(input.type, false), kindWord(input.type, true)].includes(name.toLowerCase())) {
		const said = name.charAt(0).toUpperCase() + name.slice(1);
		const element = input.element ? ['or el_…'] : [];
		return fieldLabel(
			said,
			[[...element, ...extras], extras, []].filter((d) => d.length),
		);
	}
	const takes = input.element ? `${kind} or el_…` : kind;
	// A requirement (aspect ratio, duration) matters more than the element ID option.
	const candidates: string[][] = [];
	for (let count = extras.length; count >= 0; count--) {
		candidates.push([takes, ...extras.slice(0, count)], [kind, ...extras.slice(0, count)]);
	}
	return fieldLabel(name, [...candidates, []]);
}
