/** What a completed run produces: its outputs (media files on the media host, or text). */
import { MEDIA_TYPES, type MediaSlotType } from './media';
import type { RunState } from './state';
import type { RunOutputRecord } from './types';

/** Input text without the simulator's magic tokens (#fail:…, #duration:…). */
export function stripTokens(s: string): string {
	return s
		.replace(/#(fail|duration):\S*/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}

export function makeOutputs(run: RunState, mediaOrigin: string): RunOutputRecord[] {
	const texts = run.inputs.filter((i) => i.type === 'text').map((i) => stripTokens(i.value));
	const firstText = texts[0] ?? '';
	return run.outputSlots.map((slot, i) => {
		const output_id = `out_${run.run_id.slice(4, 16)}_${i + 1}`;
		if (slot.type === 'text') {
			return {
				output_id,
				type: slot.type,
				slotId: slot.id,
				url: slot.text ?? textOutput(run, firstText),
			};
		}
		const ext = MEDIA_TYPES[slot.type as MediaSlotType].extension;
		return {
			output_id,
			type: slot.type,
			slotId: slot.id,
			url: `${mediaOrigin}/media/${run.run_id}/${output_id}.${ext}`,
			durationSeconds: slot.specified_duration,
			lines: [
				`${run.title} - ${slot.name}`,
				`Run ${run.run_id}`,
				...run.inputs.map((inp) => `${inp.id}: ${stripTokens(inp.value)}`),
				slot.type === 'documentUrl' ? (slot.text ?? textOutput(run, firstText)) : '',
			].filter(Boolean),
		};
	});
}

function textOutput(run: RunState, firstText: string): string {
	if (run.technique_id === 'tech_art_directors_critique') {
		const art = run.inputs.find((i) => i.id === 'artwork')?.value ?? '';
		const rawBrief = run.inputs.find((i) => i.id === 'brief')?.value;
		const brief = rawBrief === undefined ? undefined : stripTokens(rawBrief);
		return (
			`Critique of ${art}: the composition has a clear focal point and a confident silhouette; ` +
			`tighten the type hierarchy and warm the shadows.` +
			(brief ? ` Against the brief "${brief}": on target, but push the contrast further.` : '')
		);
	}
	return `${run.title}: ${firstText || 'done'}`;
}
