import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import type { RunInput, RunInputType, Slot, Technique } from '../../../shared/flora/types';
import { RUN_INPUT_TYPES } from '../../../shared/flora/types';
import { checkBinaryInput, uploadBinary } from '../../uploads';
import type { DraftInput } from './runInputs';
import { checkValue } from './runInputs';

/** How messages name a slot: its name, then its ID. */
function slotLabel(slot: { id: string; name: string }): string {
	return slot.name === slot.id ? `"${slot.id}"` : `"${slot.name}" (${slot.id})`;
}

/**
 * Turns the inputs the user gave into the inputs of the run request: types of schema fields
 * from the technique's slots, and `binary:<property>` files uploaded as FLORA assets.
 * Everything that can be checked is checked before the first upload.
 */
export async function resolveInputs(
	context: IExecuteFunctions,
	client: FloraClient,
	technique: Technique,
	drafts: DraftInput[],
	workspaceId: string | undefined,
	itemIndex: number,
): Promise<RunInput[]> {
	const slotList = technique.inputs.map((slot) => `${slot.id} (${slot.type})`).join(', ');
	const typed = drafts.flatMap((draft) => {
		const slot = technique.inputs.find((candidate) => candidate.id === draft.id);
		if (!slot) {
			throw new NodeOperationError(
				client.node,
				`The technique "${technique.name}" has no input "${draft.id}"`,
				{
					itemIndex,
					description:
						draft.type === undefined
							? 'The technique changed since the inputs were set up. Open the node and refresh the inputs.'
							: `Its inputs are: ${slotList}. Use one of these slot IDs.`,
				},
			);
		}
		const label = slotLabel(slot);
		if (draft.type !== undefined) {
			if (draft.type !== slot.type) {
				throw new NodeOperationError(
					client.node,
					`The input "${slot.name}" (${slot.id}) takes ${slot.type}, not ${draft.type}`,
					{ itemIndex, description: `Set the type of input "${slot.id}" to ${slot.type}.` },
				);
			}
			return [checkElement(client, { ...draft, label }, slot, itemIndex)];
		}
		if (!RUN_INPUT_TYPES.includes(slot.type as RunInputType)) {
			throw new NodeOperationError(
				client.node,
				`The input "${slot.name}" takes ${slot.type}, which runs cannot send yet`,
				{
					itemIndex,
				},
			);
		}
		const type = slot.type as RunInputType;
		// A media slot that takes one value, given several lines or a list: said as such.
		if (draft.entries && draft.entries.length > 1 && !slot.allow_multiple && type !== 'text') {
			throw givenTimes(client, technique, slot, draft.entries.length, itemIndex);
		}
		const values = draft.entries && slot.allow_multiple ? draft.entries : [draft.value];
		return values.map((value) =>
			checkElement(
				client,
				checkValue(context, { id: draft.id, label, type, value }, itemIndex),
				slot,
				itemIndex,
			),
		);
	});
	checkRepeats(client, technique, typed, itemIndex);
	const missing = technique.inputs.filter(
		(slot) => !slot.optional && !typed.some((input) => input.id === slot.id),
	);
	if (missing.length > 0) {
		throw new NodeOperationError(
			client.node,
			`The technique "${technique.name}" needs the input${missing.length > 1 ? 's' : ''} ${missing.map((slot) => `"${slot.name}" (${slot.id})`).join(', ')}`,
			{
				itemIndex,
				description: `Give a value for each required input. Its inputs are: ${slotList}.`,
			},
		);
	}
	const binaries = typed.filter((input) => input.binaryProperty !== undefined);
	if (binaries.length > 0 && !workspaceId) {
		throw new NodeOperationError(
			client.node,
			`Upload Workspace is empty, but the input${binaries.length > 1 ? 's' : ''} ${binaries.map((input) => input.label).join(', ')} take${binaries.length > 1 ? '' : 's'} a file of the item`,
			{
				itemIndex,
				description:
					'FLORA takes files as assets of a workspace: the node uploads each file of the item there first. Choose the workspace under "Upload Workspace", or give the input a public URL instead.',
			},
		);
	}
	const resolved: RunInput[] = [];
	for (const input of typed) {
		const type = input.type as RunInputType;
		if (input.binaryProperty === undefined) {
			resolved.push({ id: input.id, type, value: input.value });
			continue;
		}
		const binary = checkBinaryInput(context, itemIndex, input.label, input.binaryProperty, type);
		const url = await uploadBinary(context, client, binary, workspaceId as string, itemIndex);
		resolved.push({ id: input.id, type, value: url });
	}
	return resolved;
}

/** An element ID is taken only by a slot that accepts elements. */
function checkElement(
	client: FloraClient,
	input: DraftInput,
	slot: Slot,
	itemIndex: number,
): DraftInput {
	if (!input.element || slot.accepts_element) return input;
	throw new NodeOperationError(
		client.node,
		`The input ${input.label} takes a URL, not the element "${input.value.slice(0, 60)}"`,
		{
			itemIndex,
			description: `Only slots that accept elements take an element ID (el_…). Give a public URL of the ${slot.type === 'videoUrl' ? 'video' : 'image'}, or binary:data for a file of the item.`,
		},
	);
}

/** Each slot takes one value, but a slot that allows several takes one input per value. */
function checkRepeats(
	client: FloraClient,
	technique: Technique,
	inputs: DraftInput[],
	itemIndex: number,
) {
	const counts = new Map<string, number>();
	for (const input of inputs) counts.set(input.id, (counts.get(input.id) ?? 0) + 1);
	for (const [id, count] of counts) {
		const slot = technique.inputs.find((candidate) => candidate.id === id);
		if (count === 1 || slot?.allow_multiple) continue;
		throw givenTimes(client, technique, slot ?? { id, name: id }, count, itemIndex);
	}
}

function givenTimes(
	client: FloraClient,
	technique: Technique,
	slot: { id: string; name: string },
	count: number,
	itemIndex: number,
) {
	return new NodeOperationError(
		client.node,
		`The input ${slotLabel(slot)} is given ${count} times`,
		{
			itemIndex,
			description: `The slot "${slot.id}" of the technique "${technique.name}" takes one value. Remove the others (one per line or list entry); only slots that allow several values take more than one.`,
		},
	);
}
