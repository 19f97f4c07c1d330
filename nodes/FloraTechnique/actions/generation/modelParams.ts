import type {
	FieldType,
	IDataObject,
	IExecuteFunctions,
	ResourceMapperField,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Model, ModelParam } from '../../../shared/flora/types';
import { binaryPropertyOf } from '../../uploads';
import { fieldLabel } from '../fieldLabel';
import { inputText, readInputParameter } from '../technique/runInputs';
import { TOOL_SUMMARY_ID } from '../toolInputs';

const FIELD_TYPES: Record<ModelParam['type'], FieldType> = {
	string: 'string',
	'string[]': 'array',
	bool: 'boolean',
	int: 'number',
	'int?': 'number',
	seed: 'number',
	float: 'number',
	dict: 'object',
};

function range(param: { min?: number; max?: number }): string[] {
	if (param.min !== undefined && param.max !== undefined) return [`${param.min}–${param.max}`];
	if (param.min !== undefined) return [`at least ${param.min}`];
	if (param.max !== undefined) return [`at most ${param.max}`];
	return [];
}

/** One field per parameter of the model, for the editor's resource mapper. */
export function modelParamFields(model: Model): ResourceMapperField[] {
	return model.params.map((param) => {
		const options = param.options?.map((option) => ({ name: option.label, value: option.value }));
		const primitive = ['string', 'number', 'boolean'].includes(typeof param.default);
		return {
			id: param.name,
			displayName: fieldLabel(param.label ?? param.name, [range(param)]),
			required: param.required,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: options?.length ? 'options' : FIELD_TYPES[param.type],
			...(options?.length ? { options } : {}),
			...(primitive ? { defaultValue: param.default as string | number | boolean } : {}),
		};
	});
}

/** A model parameter that takes a file of the item (`binary:<field>`), uploaded before the run. */
export interface BinaryParam {
	name: string;
	/** Which entry of a list parameter, when it is one. */
	position?: number;
	property: string;
}

function wrong(context: IExecuteFunctions, param: ModelParam, why: string, itemIndex: number) {
	return new NodeOperationError(
		context.getNode(),
		`The model parameter "${param.label ?? param.name}" (${param.name}) ${why}`,
		{
			itemIndex,
			description:
				'Fix the parameter under "Model Parameters": the model would refuse it. Nothing was started.',
		},
	);
}

function number(
	context: IExecuteFunctions,
	param: ModelParam,
	value: unknown,
	itemIndex: number,
): number {
	const parsed = typeof value === 'number' ? value : Number(String(value).trim());
	if (!Number.isFinite(parsed))
		throw wrong(context, param, `takes a number, not "${String(value)}"`, itemIndex);
	const whole = ['int', 'int?', 'seed'].includes(param.type);
	if (whole && !Number.isInteger(parsed))
		throw wrong(context, param, `takes a whole number, not ${parsed}`, itemIndex);
	if (
		(param.min !== undefined && parsed < param.min) ||
		(param.max !== undefined && parsed > param.max)
	) {
		throw wrong(context, param, `must be ${range(param)[0]}, not ${parsed}`, itemIndex);
	}
	return parsed;
}

/** A dict's keys, where the model names them: each one of its keys, a number within its range. */
function checkDictKeys(
	context: IExecuteFunctions,
	param: ModelParam,
	dict: IDataObject,
	itemIndex: number,
) {
	const keys = param.properties;
	if (!keys) return;
	for (const [key, value] of Object.entries(dict)) {
		const bounds = keys[key];
		if (!bounds) {
			throw wrong(
				context,
				param,
				`has no key "${key}"; its keys are ${Object.keys(keys).join(', ')}`,
				itemIndex,
			);
		}
		const inRange =
			typeof value === 'number' &&
			Number.isFinite(value) &&
			(bounds.min === undefined || value >= bounds.min) &&
			(bounds.max === undefined || value <= bounds.max);
		if (!inRange) {
			const span = range(bounds)[0];
			throw wrong(
				context,
				param,
				`key "${key}" must be ${span ? `a number ${span}` : 'a number'}, not ${JSON.stringify(value)}`,
				itemIndex,
			);
		}
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function list(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	const text = String(value).trim();
	if (text.startsWith('[')) {
		try {
			const parsed = JSON.parse(text) as unknown;
			if (Array.isArray(parsed)) return parsed;
		} catch {
			// not JSON: a list written out
		}
	}
	return text.split(/\s*[,\n]\s*/).filter((entry) => entry !== '');
}

/**
 * The model's parameters as the request sends them, checked against the model's own schema
 * before any request: unknown or missing parameters, types, ranges and options. Values
 * `binary:<field>` are files of the item, uploaded later.
 */
export function checkModelParams(
	context: IExecuteFunctions,
	model: Model,
	values: IDataObject,
	itemIndex: number,
): { params: IDataObject; binaries: BinaryParam[] } {
	const params: IDataObject = {};
	const binaries: BinaryParam[] = [];
	for (const name of Object.keys(values)) {
		if (!model.params.some((param) => param.name === name)) {
			throw new NodeOperationError(
				context.getNode(),
				`The model "${model.name}" has no parameter "${name}"`,
				{
					itemIndex,
					description: `Its parameters are: ${model.params.map((param) => param.name).join(', ') || 'none'}. The model may have changed: open the node and refresh Model Parameters.`,
				},
			);
		}
	}
	for (const param of model.params) {
		const raw = values[param.name];
		if (raw === undefined || raw === null || raw === '') {
			if (param.required && param.default === undefined)
				throw wrong(context, param, 'is required', itemIndex);
			continue;
		}
		const label = `The model parameter "${param.label ?? param.name}"`;
		switch (param.type) {
			case 'int':
			case 'int?':
			case 'seed':
			case 'float':
				params[param.name] = number(context, param, raw, itemIndex);
				break;
			case 'bool':
				if (typeof raw !== 'boolean' && !['true', 'false'].includes(String(raw))) {
					throw wrong(context, param, `takes true or false, not "${String(raw)}"`, itemIndex);
				}
				params[param.name] = raw === true || raw === 'true';
				break;
			case 'dict': {
				const parsed = typeof raw === 'string' ? parseJson(raw) : raw;
				if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
					throw wrong(context, param, 'takes an object, such as {"key": 1}', itemIndex);
				checkDictKeys(context, param, parsed as IDataObject, itemIndex);
				params[param.name] = parsed as IDataObject;
				break;
			}
			case 'string[]': {
				const entries = list(raw).map((entry) => inputText(context, entry, label, itemIndex));
				entries.forEach((entry, position) => {
					const property = binaryPropertyOf(entry);
					if (property !== undefined) binaries.push({ name: param.name, position, property });
				});
				params[param.name] = entries;
				break;
			}
			default: {
				const text = inputText(context, raw, label, itemIndex);
				if (param.options?.length && !param.options.some((option) => option.value === text)) {
					throw wrong(
						context,
						param,
						`takes one of ${param.options.map((option) => option.value).join(', ')}, not "${text}"`,
						itemIndex,
					);
				}
				const property = binaryPropertyOf(text);
				if (property !== undefined) binaries.push({ name: param.name, property });
				params[param.name] = text;
			}
		}
	}
	return { params, binaries };
}

/** The values the builder gave in Model Parameters (the resource mapper). */
export function readModelParamValues(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const mapping = readInputParameter(context, 'modelParams', 'Model Parameters', itemIndex, {}) as
		| Partial<ResourceMapperValue>
		| undefined;
	const values: IDataObject = {};
	const removed = new Set(
		(mapping?.schema ?? []).filter((field) => field.removed).map((field) => field.id),
	);
	removed.add(TOOL_SUMMARY_ID);
	for (const [name, value] of Object.entries(mapping?.value ?? {})) {
		if (!removed.has(name)) values[name] = value as IDataObject[string];
	}
	return values;
}
