import type {
	ILoadOptionsFunctions,
	INodeParameterResourceLocator,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { getAction, listModels } from '../../shared/flora/catalogue';
import { FloraClient } from '../../shared/flora/client';
import { getTechnique } from '../../shared/flora/techniques';
import type { GenerationType, Slot } from '../../shared/flora/types';
import { actionFields } from '../actions/action/actionFields';
import { inputLabel, kindWord } from '../actions/fieldLabel';
import { modelParamFields } from '../actions/generation/modelParams';
import { actionName, modelName, techniqueName } from '../actions/listNames';
import {
	fillsInputsWithModel,
	fromAiValue,
	inputArgument,
	isTool,
	toolSummaryField,
} from '../actions/toolInputs';

/** The label of a slot: its name, what it takes and the aspect ratio or duration it asks for. */
function slotLabel(slot: Slot): string {
	const extras = [
		slot.specified_aspect_ratio,
		slot.specified_duration && `${slot.specified_duration} s`,
	];
	return inputLabel(slot.name, {
		type: slot.type,
		several: slot.allow_multiple === true,
		element: slot.accepts_element === true,
		extras: extras.filter((extra): extra is string => !!extra),
	});
}

/** In the tool, a slot's value asks the model, with the slot described as FLORA describes it. */
function slotFromModel(slot: Slot): string {
	return fromAiValue(
		slot.id,
		inputArgument({
			name: slot.name,
			kind: kindWord(slot.type, false),
			required: slot.optional !== true,
			several: slot.allow_multiple === true,
			element: slot.accepts_element === true,
			extras: [
				...(slot.specified_aspect_ratio ? [`aspect ratio ${slot.specified_aspect_ratio}`] : []),
				...(slot.specified_duration ? [`${slot.specified_duration} s long`] : []),
			],
			description: slot.description,
		}),
	);
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
	const fromModel = fillsInputsWithModel(this);
	const fields: ResourceMapperField[] = technique.inputs.map((slot) => ({
		id: slot.id,
		displayName: slotLabel(slot),
		required: slot.optional !== true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
		...(fromModel ? { defaultValue: slotFromModel(slot) } : {}),
	}));
	return {
		fields: withToolSummary(this, fields, techniqueName(technique)),
		emptyFieldsNotice: 'This technique takes no inputs',
	};
}

/** In the tool, the fields carry what was picked, for the tool's description (see toolInputs.ts). */
function withToolSummary(
	context: ILoadOptionsFunctions,
	fields: ResourceMapperField[],
	summary: string,
): ResourceMapperField[] {
	return isTool(context) ? [...fields, toolSummaryField(summary)] : fields;
}

function locatorValue(context: ILoadOptionsFunctions, name: string): string {
	const locator = context.getNodeParameter(name, undefined, { extractValue: true }) as
		| INodeParameterResourceLocator
		| string;
	return String(typeof locator === 'string' ? locator : (locator?.value ?? '')).trim();
}

/** One field per parameter of the chosen model: required ones marked, options as dropdowns. */
export async function getModelParamFields(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const modelId = locatorValue(this, 'model');
	if (modelId === '') {
		return {
			fields: [],
			emptyFieldsNotice:
				'Choose a model to set its parameters; without one, FLORA picks a model and its defaults',
		};
	}
	const type = this.getNodeParameter('generationType', undefined) as GenerationType;
	const client = await FloraClient.create(this);
	const model = (await listModels(client, type)).find(
		(candidate) => candidate.model_id === modelId,
	);
	if (!model)
		return { fields: [], emptyFieldsNotice: `FLORA offers no ${type} model "${modelId}"` };
	return {
		fields: withToolSummary(this, modelParamFields(model), modelName(model)),
		emptyFieldsNotice: 'This model takes no parameters',
	};
}

/** One field per input of the chosen action, then one per parameter. */
export async function getActionInputFields(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const actionId = locatorValue(this, 'action');
	if (actionId === '') return { fields: [], emptyFieldsNotice: 'Choose an action first' };
	const client = await FloraClient.create(this);
	const action = await getAction(client, actionId);
	return {
		fields: withToolSummary(
			this,
			actionFields(action, fillsInputsWithModel(this)),
			actionName(action),
		),
		emptyFieldsNotice: 'This action takes no inputs',
	};
}
