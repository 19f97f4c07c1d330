import type { INode, INodeProperties, ResourceMapperField } from 'n8n-workflow';

/*
 * The inputs of the FLORA tool that the model fills: in the tool, each input of a technique
 * or an action, and a model's prompt, starts as `$fromAI()` with a description of what it
 * takes, as FLORA describes it. n8n builds the tool's arguments from the `$fromAI()` calls in
 * the node's parameters; the resource mapper keeps each field's default value in its saved
 * schema too, so a described argument stays asked of the model even once the workflow sets
 * the input: hence the switch to set inputs below instead.
 */

const QUOTES_AND_BRACES = /['"`\\{}$]/g;

/** A `$fromAI()` key from an input's ID: letters, digits, `_` and `-`, at most 64. */
export function fromAiKey(id: string): string {
	return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'input';
}

/**
 * The value of a field the model fills, as the editor's ✨ button writes it (so the editor
 * shows it as "defined by the model"), with a description of its own. The description is
 * kept to plain text: no quotes, braces or `$`, so that neither n8n's expression nor its
 * `$fromAI()` parser reads it differently.
 */
export function fromAiValue(key: string, description: string): string {
	const text = description
		.replace(QUOTES_AND_BRACES, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 400);
	return `={{ /*n8n-auto-generated-fromAI-override*/ $fromAI('${fromAiKey(key)}', '${text}', 'string') }}`;
}

/** What the model reads about one input it fills: name, kind, whether required, FLORA's words. */
export function inputArgument(input: {
	name: string;
	kind: string;
	required: boolean;
	several?: boolean;
	element?: boolean;
	extras?: string[];
	description?: string;
}): string {
	const media = input.kind !== 'text';
	const kind = media
		? `${input.kind} URL${input.several ? 's' : ''}`
		: input.several
			? 'texts'
			: 'text';
	const details = [
		input.several ? `${kind}, one per line` : kind,
		...(input.element ? ['or an element ID (el_…)'] : []),
		...(input.extras ?? []),
		input.required ? 'required' : 'optional',
	];
	const leaveOut = input.required ? '' : ' An empty string leaves it out.';
	const about = input.description ? ` ${input.description}` : '';
	return `${input.name}: ${details.join(', ')}.${leaveOut}${about}`;
}

/** The tool's switch between inputs the model fills (described from FLORA) and inputs set below. */
export const modelFillsInputs: INodeProperties = {
	displayName: 'Let the Model Fill the Inputs',
	name: 'modelFillsInputs',
	type: 'boolean',
	default: true,
	description:
		"Whether each input starts as $fromAI() with FLORA's description of it (name, kind, whether required). Turn off to set inputs yourself: n8n keeps asking the model for a described input even once the workflow sets it.",
	displayOptions: { show: { '@tool': [true] } },
};

/** Whether the resource mapper fills the tool's inputs with `$fromAI()` (only in the tool). */
export function fillsInputsWithModel(context: {
	getNode(): INode;
	getCurrentNodeParameter(name: string): unknown;
}): boolean {
	if (!isTool(context)) return false;
	return context.getCurrentNodeParameter('modelFillsInputs') !== false;
}

/** Whether the node is the tool n8n makes of it (its type ends in "Tool"). */
export function isTool(context: { getNode(): INode }): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * The ID of a hidden field the tool's resource mappers carry: its name is what the picked
 * technique, model or action is, as the list names it ("Product Shot ($0.12) → image"). The
 * tool's automatic description reads it there, because n8n 2.x evaluates that description in
 * an isolate where a picked item's cached name cannot be read; the field is never shown, and
 * never sent to FLORA.
 */
export const TOOL_SUMMARY_ID = 'floraToolSummary';

export function toolSummaryField(summary: string): ResourceMapperField {
	return {
		id: TOOL_SUMMARY_ID,
		displayName: summary,
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: false,
		readOnly: true,
		type: 'string',
	};
}
