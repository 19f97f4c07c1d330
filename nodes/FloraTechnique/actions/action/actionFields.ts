import type {
	FieldType,
	IDataObject,
	IExecuteFunctions,
	ResourceMapperField,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Action, ActionParam, ActionPort } from '../../../shared/flora/types';
import { binaryPropertyOf } from '../../uploads';
import { inputLabel } from '../fieldLabel';
import { inputValues, readInputParameter } from '../technique/runInputs';
import { TOOL_SUMMARY_ID, fromAiValue, inputArgument } from '../toolInputs';

const INPUT = 'input:';
const PARAM = 'param:';

/** The editor's field for an action's control type; other controls (colours, texts) take text. */
const PARAM_TYPES: Record<string, FieldType> = {
	number: 'number',
	toggle: 'boolean',
	boolean: 'boolean',
	point: 'object',
	size: 'object',
};

function fieldTypeOf(param: ActionParam): FieldType {
	if (param.available_values?.length) return 'options';
	if (PARAM_TYPES[param.type]) return PARAM_TYPES[param.type];
	const isObject = typeof param.default_value === 'object' && param.default_value !== null;
	return isObject ? 'object' : 'string';
}

function takesSeveral(port: ActionPort): boolean {
	return port.multiple !== undefined || port.dynamic === true;
}

/** Action ports are named like identifiers ("video", "source_video"): "Source video". */
function portName(port: ActionPort): string {
	const name = port.name.replace(/_/g, ' ');
	return name.charAt(0).toUpperCase() + name.slice(1);
}

function portLabel(port: ActionPort): string {
	return inputLabel(portName(port), { type: port.type, several: takesSeveral(port) });
}

/** In the tool, an input's value asks the model, with the input described. */
function portFromModel(port: ActionPort): string {
	return fromAiValue(
		port.name,
		inputArgument({
			name: portName(port),
			kind: port.type,
			required: port.optional !== true,
			several: takesSeveral(port),
		}),
	);
}

/**
 * One field per input of the action, then one per parameter, for the resource mapper; in
 * the tool (`fromModel`), each input asks the model.
 */
export function actionFields(action: Action, fromModel = false): ResourceMapperField[] {
	const inputs: ResourceMapperField[] = action.inputs.map((port) => ({
		id: `${INPUT}${port.name}`,
		displayName: portLabel(port),
		required: port.optional !== true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
		...(fromModel ? { defaultValue: portFromModel(port) } : {}),
	}));
	const params: ResourceMapperField[] = action.params.map((param) => {
		const options = param.available_values?.map((value) => ({
			name: value.label,
			value: value.value,
		}));
		const primitive = ['string', 'number', 'boolean'].includes(typeof param.default_value);
		return {
			id: `${PARAM}${param.key}`,
			displayName: param.label ?? param.key,
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: fieldTypeOf(param),
			...(options?.length ? { options } : {}),
			...(primitive ? { defaultValue: param.default_value as string | number | boolean } : {}),
		};
	});
	return [...inputs, ...params];
}

/** The values of the action's fields, as the builder gave them (removed fields left out). */
export function readActionValues(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const mapping = readInputParameter(context, 'actionFields', 'Action Inputs', itemIndex, {}) as
		| Partial<ResourceMapperValue>
		| undefined;
	const removed = new Set(
		(mapping?.schema ?? []).filter((field) => field.removed).map((field) => field.id),
	);
	removed.add(TOOL_SUMMARY_ID);
	const values: IDataObject = {};
	for (const [id, value] of Object.entries(mapping?.value ?? {})) {
		if (!removed.has(id) && value !== undefined && value !== null && value !== '') {
			values[id] = value as IDataObject[string];
		}
	}
	return values;
}

/** An input of an action run as FLORA takes it; `binary` names a file of the item to upload. */
export interface ActionInput {
	type: ActionPort['type'];
	name: string;
	text?: string;
	url?: string;
	binary?: string;
}

function paramValue(
	context: IExecuteFunctions,
	action: Action,
	param: ActionParam,
	value: unknown,
	itemIndex: number,
): unknown {
	const name = `The parameter "${param.label ?? param.key}" of the action "${action.name}"`;
	const type = fieldTypeOf(param);
	if (type === 'object') {
		let parsed = value;
		if (typeof value === 'string') {
			try {
				parsed = JSON.parse(value);
			} catch {
				parsed = undefined;
			}
		}
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
			throw new NodeOperationError(context.getNode(), `${name} must be an object`, {
				itemIndex,
				description: `Give it as JSON such as ${JSON.stringify(param.default_value ?? {})}; it is set to "${String(value).slice(0, 60)}".`,
			});
		}
		return parsed;
	}
	if (type === 'options') {
		const offered = (param.available_values ?? []).map((option) => option.value);
		if (!offered.includes(String(value))) {
			throw new NodeOperationError(
				context.getNode(),
				`${name} must be one of ${offered.join(', ')}`,
				{ itemIndex, description: `It is set to "${String(value).slice(0, 60)}".` },
			);
		}
		return String(value);
	}
	if (type === 'boolean') return value === true || value === 'true';
	if (type !== 'number') return value;
	const number = Number(value);
	const min = param.min_number_value;
	const max = param.max_number_value;
	if (
		!Number.isFinite(number) ||
		(min !== undefined && number < min) ||
		(max !== undefined && number > max)
	) {
		throw new NodeOperationError(
			context.getNode(),
			`${name} must be a number${min !== undefined && max !== undefined ? ` from ${min} to ${max}` : ''}`,
			{ itemIndex, description: `It is set to "${String(value)}".` },
		);
	}
	return number;
}

/**
 * The inputs and parameters of an action run, checked against the action before any run:
 * required inputs, how many values an input takes, URLs for media, numbers in range.
 */
export function checkActionValues(
	context: IExecuteFunctions,
	action: Action,
	values: IDataObject,
	itemIndex: number,
): { inputs: ActionInput[]; params: IDataObject } {
	const node = context.getNode();
	for (const id of Object.keys(values)) {
		const known = id.startsWith(INPUT)
			? action.inputs.some((port) => `${INPUT}${port.name}` === id)
			: action.params.some((param) => `${PARAM}${param.key}` === id);
		if (!known) {
			throw new NodeOperationError(
				node,
				`The action "${action.name}" has no field "${id.replace(/^\w+:/, '')}"`,
				{
					itemIndex,
					description:
						'The action changed since the fields were set up. Open the node and refresh Action Inputs.',
				},
			);
		}
	}
	const inputs: ActionInput[] = [];
	for (const port of action.inputs) {
		const raw = values[`${INPUT}${port.name}`];
		const label = `The input "${port.name}" of the action "${action.name}"`;
		const entries = inputValues(context, raw, label, itemIndex, takesSeveral(port));
		if (entries.length === 0 && port.optional !== true) {
			throw new NodeOperationError(node, `${label} is required`, {
				itemIndex,
				description:
					port.type === 'text'
						? 'Give its text.'
						: `Give a public URL of the ${port.type}, or binary:data for a file of the item.`,
			});
		}
		const limits = typeof port.multiple === 'object' ? port.multiple : {};
		if (
			(limits.min !== undefined && entries.length < limits.min) ||
			(limits.max !== undefined && entries.length > limits.max)
		) {
			throw new NodeOperationError(
				node,
				`${label} takes ${limits.min ?? 1} to ${limits.max ?? 'any number of'} values, not ${entries.length}`,
				{
					itemIndex,
					description: 'Give one value per line.',
				},
			);
		}
		for (const value of entries) {
			const entry = value.trim();
			if (port.type === 'text') {
				inputs.push({ type: port.type, name: port.name, text: value });
				continue;
			}
			const binary = binaryPropertyOf(entry);
			if (binary === undefined && !/^https?:\/\/\S+$/i.test(entry)) {
				throw new NodeOperationError(node, `${label} is not a URL`, {
					itemIndex,
					description: `A ${port.type} input takes a public http(s) URL, or binary:data for a file of the item, not "${entry.slice(0, 80)}".`,
				});
			}
			inputs.push({
				type: port.type,
				name: port.name,
				...(binary === undefined ? { url: entry } : { binary }),
			});
		}
	}
	const params: IDataObject = {};
	for (const param of action.params) {
		const raw = values[`${PARAM}${param.key}`];
		if (raw !== undefined)
			params[param.key] = paramValue(context, action, param, raw, itemIndex) as IDataObject[string];
	}
	return { inputs, params };
}
