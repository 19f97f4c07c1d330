import type { IDataObject, INode, INodeProperties, INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { TOOL_SUMMARY_ID } from './toolInputs';

/**
 * The description an AI agent (or an MCP client) gets of the FLORA tool names what it runs,
 * its inputs, outputs and cost. n8n builds a tool's description before the node runs, from
 * the node's `toolDescription` parameter, so the node can only shape it through that
 * parameter's default: an expression over the node's own parameters (the technique picked,
 * the inputs' schema with its summary field: see toolInputs.ts), which n8n evaluates for each agent turn.
 *
 * Only n8n versions that evaluate such an expression can use it: n8n 2.30 does (its n8n-core
 * hands `getToolDescriptionForNode` a resolver), 2.20 and 1.x do not and give the model the
 * text as written. Where n8n does not, the node defines no description parameter of its own
 * and n8n adds its usual "Tool Description" fields.
 */
function n8nEvaluatesToolDescriptions(): boolean {
	try {
		const node = { parameters: { toolDescription: '=probe' } } as unknown as INode;
		const nodeType = { description: { properties: [], defaults: {} } } as unknown as INodeType;
		return NodeHelpers.getToolDescriptionForNode(node, nodeType, () => 'evaluated') === 'evaluated';
	} catch {
		return false;
	}
}

/** What a describer may call: these travel with it into the expression (see `describeTool`). */
export interface DescribeHelpers {
	/** The arguments the model gives for a resource mapper's fields, and the fields set by the workflow. */
	mapperArguments(
		mapper: unknown,
		argumentOf: DescribeHelpers['argumentOf'],
		summaryId: string,
	): { given: string[]; fixed: string[] };
	/** The argument the model gives for one value (`key (summary)`), if the value asks the model. */
	argumentOf(value: unknown, fallback: string): string | undefined;
	/** How the tool waits, and the shape of its answer for runs of this kind. */
	waitsAndAnswers(parameters: IDataObject, idField: string): string;
	/**
	 * What a resource mapper's hidden summary field says the picked item is (its list name),
	 * in parts: the name, then what its parentheses and arrow say.
	 */
	summaryOf(
		mapper: unknown,
		summaryId: string,
	): { name: string; cost: string; gives: string } | undefined;
	/** The ID of that field (toolInputs.ts's TOOL_SUMMARY_ID). */
	summaryId: string;
	/** "Arguments: …. Set by the workflow: …." for the inputs the model gives and the others. */
	argumentsSentence(given: string[], fixed: string[]): string;
	/** 'Runs the FLORA technique "Name" (id) at $0.12 a run.' from its ID and summary. */
	runsSentence(kind: string, id: unknown, listed: ReturnType<DescribeHelpers['summaryOf']>): string;
}

export type Describer = (parameters: IDataObject, helpers: DescribeHelpers) => string;

/*
 * The functions below are sent to n8n inside the expression, as their compiled source: each
 * uses only its arguments and JavaScript's globals, and none uses `this`, template literals,
 * optional chaining, `??`, a `catch` without its binding or adjacent braces: n8n 2.41's
 * expression engine mis-reads some of these, and the expression then comes out as null.
 */

function mapperArguments(
	mapper: unknown,
	argumentOf: DescribeHelpers['argumentOf'],
	summaryId: string,
) {
	const given: string[] = [];
	const fixed: string[] = [];
	const mapping = (mapper || {}) as IDataObject;
	const values = (mapping.value || {}) as IDataObject;
	const schema = (mapping.schema || []) as IDataObject[];
	for (let index = 0; index < schema.length; index++) {
		const field = schema[index];
		if (field.removed === true || field.display === false || field.id === summaryId) continue;
		const value = values[String(field.id)];
		const fallback = field.displayName + ', ' + (field.required ? 'required' : 'optional');
		const argument = argumentOf(value, fallback);
		if (argument) given.push(argument);
		else if (value !== undefined && value !== null && value !== '')
			fixed.push(String(field.displayName));
	}
	return { given: given, fixed: fixed };
}

function argumentOf(value: unknown, fallback: string) {
	const call = /fromAI\(\s*["'\x60]([A-Za-z0-9_-]+)["'\x60]\s*(?:,\s*(["'\x60])(.*?)\2)?/.exec(
		typeof value === 'string' ? value : '',
	);
	if (!call) return undefined;
	const summary =
		String(call[3] || '')
			.split('. ')[0]
			.replace(/\.$/, '') || fallback;
	return call[1] + ' (' + summary + ')';
}

function waitsAndAnswers(parameters: IDataObject, idField: string) {
	const options = (parameters.options || {}) as IDataObject;
	const timeout = typeof options.timeout === 'number' ? options.timeout : 600;
	const result =
		'{"run_id", "status", "charged_cost", "' +
		idField +
		'", "outputs": [{"name", "type", "url"}]} (a text output has "text" in place of "url")';
	const error = '{"error": {"message", "description", "run_id"}}';
	if (parameters.waitForCompletion === false) {
		return (
			'Starts the run and answers at once with {"run_id", "status"} (it does not wait for the outputs), or ' +
			error +
			'.'
		);
	}
	return (
		'Waits until the run ends (up to ' +
		timeout +
		' s), then answers ' +
		result +
		', or ' +
		error +
		'.'
	);
}

function summaryOf(mapper: unknown, summaryId: string) {
	const schema = (((mapper || {}) as IDataObject).schema || []) as IDataObject[];
	let cached = '';
	for (let index = 0; index < schema.length; index++) {
		if (schema[index].id === summaryId) cached = String(schema[index].displayName || '');
	}
	if (cached === '') return undefined;
	const parts = /^(.*?) \(([^()]*)\)(?: → (.+))?$/.exec(cached);
	if (!parts) return { name: cached, cost: '', gives: '' };
	return { name: parts[1], cost: parts[2], gives: parts[3] || '' };
}

/** Picks the describer of the operation; any failure gives the tool a plain description. */
function describeTool(
	parameters: IDataObject,
	describers: Record<string, Describer>,
	helpers: DescribeHelpers,
	actions: Record<string, string>,
) {
	const operation = parameters.resource + '.' + parameters.operation;
	const describe = describers[operation];
	if (!describe) return (actions[operation] || 'Use FLORA') + ' in FLORA';
	try {
		return describe(parameters, helpers);
		// eslint-disable-next-line @typescript-eslint/no-unused-vars -- n8n 2.41's expression engine mis-reads a catch without its binding
	} catch (error) {
		return (actions[operation] || operation) + ' in FLORA';
	}
}

function argumentsSentence(given: string[], fixed: string[]) {
	let text = given.length > 0 ? 'Arguments: ' + given.join('; ') + '.' : 'It takes no arguments.';
	if (fixed.length > 0) text += ' Set by the workflow: ' + fixed.join(', ') + '.';
	return text;
}

function runsSentence(
	kind: string,
	locator: unknown,
	listed: ReturnType<DescribeHelpers['summaryOf']>,
) {
	const value = String(locator || '');
	const slug = /techniques\/([^/?#]+)/.exec(value);
	const id = slug ? slug[1] : value;
	let text = 'Runs ';
	if (id === '') text += 'a FLORA ' + kind;
	else if (listed) text += 'the FLORA ' + kind + ' "' + listed.name + '" (' + id + ')';
	else text += 'the FLORA ' + kind + ' ' + id;
	if (listed && listed.cost) text += ' at ' + listed.cost + ' a run';
	return text + '.';
}

const helpers = {
	mapperArguments,
	argumentOf,
	waitsAndAnswers,
	summaryOf,
	summaryId: TOOL_SUMMARY_ID,
	argumentsSentence,
	runsSentence,
};

/**
 * The parameters the describers read, each read on its own: n8n 2.x evaluates the description
 * in an isolate, where `$parameter` gives a parameter's value (a picked item's ID, a resource
 * mapper as saved) but no method of it. Top-level texts are left out: n8n would evaluate an
 * expression in them (a `$fromAI()` prompt) before the model has given anything.
 */
const DESCRIBED_PARAMETERS = [
	'resource',
	'operation',
	'technique',
	'inputsSource',
	'inputFields',
	'inputs',
	'waitForCompletion',
	'options',
	'model',
	'generationType',
	'modelParams',
	'action',
	'actionFields',
];

/** Source of an object of functions (or of plain data) as a JavaScript literal. */
function literal(entries: Record<string, unknown>): string {
	const members = Object.entries(entries).map(
		([key, value]) =>
			JSON.stringify(key) +
			': ' +
			(typeof value === 'function' ? String(value) : JSON.stringify(value)),
	);
	return '{ ' + members.join(', ') + ' }';
}

/** The automatic description as an n8n expression; a manual description wins when set. */
export function automaticDescription(
	describers: Record<string, Describer>,
	actions: Record<string, string>,
): string {
	const call =
		'(' +
		String(describeTool) +
		')({ ' +
		DESCRIBED_PARAMETERS.map((name) => JSON.stringify(name) + ': $parameter.' + name).join(', ') +
		' }, ' +
		[literal(describers), literal(helpers), literal(actions)].join(', ') +
		')';
	const manual =
		'$parameter.descriptionType === "manual" && String($parameter.toolDescriptionText || "").trim() !== ""';
	// n8n splits an expression at "{{" and "}}": keep the code's braces apart.
	const code = (manual + ' ? $parameter.toolDescriptionText : ' + call).replace(
		/([{}])(?=[{}])/g,
		'$1 ',
	);
	return '={{ ' + code + ' }}';
}

const onlyInTheTool = { '@tool': [true] };

/**
 * The tool's "Tool Description" fields: set automatically (from what the tool runs) or by
 * hand. n8n adds these fields itself to every tool without its own `toolDescription`; where
 * n8n cannot evaluate the automatic description the node leaves them to n8n.
 */
export function toolDescriptionProperties(
	describers: Record<string, Describer>,
	actions: Record<string, string>,
): INodeProperties[] {
	if (!n8nEvaluatesToolDescriptions()) return [];
	return [
		{
			displayName: 'Tool Description',
			name: 'descriptionType',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Set Automatically',
					value: 'fromFlora',
					description:
						'Names what the tool runs (technique, model or action), its inputs, outputs and cost, and what it answers',
				},
				{
					name: 'Set Manually',
					value: 'manual',
					description: 'Write the description the model gets',
				},
			],
			default: 'fromFlora',
			displayOptions: { show: onlyInTheTool },
		},
		{
			displayName: 'Tool Description (Automatic)',
			name: 'toolDescription',
			type: 'hidden',
			default: automaticDescription(describers, actions),
			displayOptions: { show: onlyInTheTool },
		},
		{
			displayName: 'Description',
			name: 'toolDescriptionText',
			type: 'string',
			default: '',
			required: true,
			typeOptions: { rows: 2 },
			description:
				'Explain to the model what this tool does; a specific description helps it call the tool as expected',
			displayOptions: { show: { ...onlyInTheTool, descriptionType: ['manual'] } },
		},
	];
}

/** Each operation's action ("Get a technique"), for the automatic description of the others. */
export function operationActions(properties: INodeProperties[]): Record<string, string> {
	const actions: Record<string, string> = {};
	for (const property of properties) {
		if (property.name !== 'operation') continue;
		for (const resource of (property.displayOptions?.show?.resource ?? []) as string[]) {
			for (const option of (property.options ?? []) as Array<{
				value?: unknown;
				action?: string;
			}>) {
				if (option.action) actions[`${resource}.${String(option.value)}`] = option.action;
			}
		}
	}
	return actions;
}
