import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

/**
 * Whether n8n runs the node as a tool of an AI Agent or an MCP Server Trigger. n8n says so
 * three ways, depending on version and caller: the node's type is the tool variant n8n makes
 * of every `usableAsTool` node (`floraTechniqueTool`); an agent's tool call in n8n 2.x runs
 * the node as a workflow node with its output rewired to the agent (`rewireOutputLogTo`
 * `ai_tool`); a tool called through a sub-node context answers `isToolExecution()`.
 */
export function runsAsTool(context: IExecuteFunctions): boolean {
	const node = context.getNode() as INode & { rewireOutputLogTo?: string };
	if (node.type.endsWith('Tool') || node.rewireOutputLogTo === 'ai_tool') return true;
	const toolExecution = (context as { isToolExecution?: () => boolean }).isToolExecution;
	return typeof toolExecution === 'function' && toolExecution.call(context) === true;
}

/** Triggers whose caller waits for the last node's answer: a waiting execution gives none. */
function callerWaitsForLastNode(context: IExecuteFunctions): string | undefined {
	let ancestors: ReturnType<IExecuteFunctions['getParentNodes']> = [];
	try {
		ancestors = context.getParentNodes(context.getNode().name, { includeNodeParameters: true });
	} catch {
		return undefined;
	}
	for (const ancestor of ancestors) {
		const parameters = (ancestor.parameters ?? {}) as IDataObject;
		const options = (parameters.options ?? {}) as IDataObject;
		const mode = parameters.responseMode ?? options.responseMode;
		if (mode === 'lastNode' || mode === 'streaming') {
			return `"${ancestor.name}" answers its caller when the last node finishes`;
		}
	}
	return undefined;
}

/**
 * Why this execution cannot wait for FLORA's callbacks, if it cannot: it runs as a tool (its
 * caller needs the answer now), it has no execution of its own to resume (n8n's placeholder
 * execution ID `__UNKNOWN__`, as in an MCP call), or its trigger answers with the last node.
 */
export function whyWaitCannotHold(context: IExecuteFunctions): string | undefined {
	if (runsAsTool(context)) return 'FLORA runs as a tool, and its caller waits for the answer';
	const executionId = context.getExecutionId();
	let resumeUrl = '';
	try {
		resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	} catch {
		resumeUrl = '';
	}
	if (!executionId || executionId === '__UNKNOWN__' || resumeUrl.includes('__UNKNOWN__')) {
		return 'this execution has no ID n8n could resume it by';
	}
	return callerWaitsForLastNode(context);
}

/** The note a tool's answer carries when a setting was not followed, and why. */
export function toolNote(waitReason: string | undefined, downloadsSkipped: boolean) {
	const notes: string[] = [];
	if (waitReason) {
		notes.push(
			`Waited by polling although "Wait By" is Webhook: ${waitReason}, so an execution that waits for FLORA's callback could not answer.`,
		);
	}
	if (downloadsSkipped) {
		notes.push(
			'Files are not downloaded when FLORA runs as a tool (an agent cannot read binary data): each output\'s "url" is where its file is.',
		);
	}
	return notes.length > 0 ? notes.join(' ') : undefined;
}

const RUN_FIELDS = ['run_id', 'status', 'charged_cost', 'technique_id', 'model_id', 'action_id'];

/** One output as a tool returns it: its name, type, and its URL or (text) its text, once. */
function compactOutput(output: IDataObject): IDataObject {
	return {
		...(output.output_name ? { name: output.output_name } : {}),
		type: output.type,
		...(output.text !== undefined ? { text: output.text } : { url: output.url }),
	};
}

/**
 * What a tool answers for one item: one compact result per run (its ID, status, cost and its
 * outputs with type and URL, text once), or one error shape, `{ error: { message,
 * description, run_id, … } }`, whatever failed: the input, the start, the wait or the run.
 */
export function toolAnswer(item: INodeExecutionData, note: string | undefined): INodeExecutionData {
	const json = item.json;
	if (json.error !== undefined) return { json: { error: json.error }, pairedItem: item.pairedItem };
	const result: IDataObject = {};
	for (const field of RUN_FIELDS) if (json[field] !== undefined) result[field] = json[field];
	if (json.timed_out === true) result.timed_out = true;
	if (Array.isArray(json.outputs)) {
		result.outputs = (json.outputs as IDataObject[]).map(compactOutput);
	}
	if (note) result.note = note;
	return { json: result, pairedItem: item.pairedItem };
}
