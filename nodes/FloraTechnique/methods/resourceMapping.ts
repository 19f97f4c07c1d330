import type {
	ILoadOptionsFunctions,
	INodeParameterResourceLocator,
	ResourceMapperFields,
} from 'n8n-workflow';

import type { Slot } from '../../shared/flora/types';
import { getTechnique } from '../../shared/flora/techniques';
import { FloraClient } from '../../shared/flora/client';

const SLOT_KINDS: Record<string, string> = {
	text: 'text',
	imageUrl: 'image',
	videoUrl: 'video',
	audioUrl: 'audio',
	documentUrl: 'document',
};

/**
 * The label of a slot: its name, then what it takes (an image or video slot also a file of the
 * item, binary:data, since resource mapper fields have no hint or placeholder) and the aspect
 * ratio or duration it asks for, kept short because the editor cuts long labels.
 */
function slotLabel(slot: Slot): string {
	const kind = SLOT_KINDS[slot.type] ?? slot.type;
	const hints = [
		slot.type === 'imageUrl' || slot.type === 'videoUrl' ? `${kind} URL or binary:data` : kind,
	];
	if (slot.specified_aspect_ratio) hints.push(slot.specified_aspect_ratio);
	if (slot.specified_duration) hints.push(`${slot.specified_duration} s`);
	return `${slot.name} (${hints.join(', ')})`;
}

/** One field per input slot of the chosen technique. */
export async function getTechniqueInputFields(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const locator = this.getNodeParameter('technique', undefined, { extractValue: true }) as
		| INodeParameterResourceLocator
		| string;
	const idOrSlug = String(typeof locator === 'string' ? locator : (locator?.value ?? '')).trim();
	if (idOrSlug === '') return { fields: [], emptyFieldsNotice: 'Choose a technique first' };
	const client = await FloraClient.create(this);
	const technique = await getTechnique(client, idOrSlug);
	return {
		fields: technique.inputs.map((slot) => ({
			id: slot.id,
			displayName: slotLabel(slot),
			required: slot.optional !== true,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
		})),
		emptyFieldsNotice: 'This technique takes no inputs',
	};
}
