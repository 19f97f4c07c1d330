#!/usr/bin/env node
// A scripted OpenAI-compatible chat model on loopback, for the AI Agent cases of
// e2e/tool-check.mjs: n8n's "OpenAI Chat Model" sub-node (Use Responses API off) reaches it
// through an openAiApi credential whose Base URL is http://127.0.0.1:<port>/v1.
//
//   POST /v1/chat/completions   What n8n's model sends (LangChain's ChatOpenAI, not streamed).
//                               The conversation's first user message names a script by its
//                               tag (`[script:<tag>]`). While no tool result follows that user
//                               message, the answer is the script's tool call(s), all in one
//                               assistant message (arguments as the script gives them; the tool
//                               is the script's `tool`, a name from the request's `tools`). Once
//                               the tool results are there, the answer is a final message that
//                               quotes each tool result verbatim, one per line, in call order:
//                               `TOOL RESULT <call id>: <content>`.
//   POST /_model/scripts        {tag, tool, calls: [arguments, ...]}: adds or replaces a script.
//   GET  /_model/requests       Every request received, in order: {at, method, path, body}
//                               (the body as sent: model, messages, tools with each tool's name,
//                               description and parameter schema, stream, ...).
//
// Anything else is answered 404 (and recorded, so a check sees what else n8n asked for).
// Usage: node e2e/model-server.mjs [--port N]; prints "model server at http://127.0.0.1:<port>/v1".
import { createServer } from 'node:http';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 0;

const scripts = new Map();
const requests = [];

function send(res, status, body) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

/** The text of a chat message's content (a string, or an array of text parts). */
function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part?.text ?? '').join('');
	return '';
}

function completion(body, message, finishReason) {
	return {
		id: `chatcmpl-e2e-${requests.length}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: body.model ?? 'e2e-model',
		choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
		usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
	};
}

/** The scripted answer to one chat completion request. */
function answer(body) {
	const messages = Array.isArray(body.messages) ? body.messages : [];
	const firstUser = messages.findIndex((m) => m.role === 'user');
	const tag = /\[script:([\w-]+)\]/.exec(textOf(messages[firstUser]?.content))?.[1];
	const script = scripts.get(tag);
	if (!script) return { status: 400, body: { error: { message: `no script for tag ${tag ?? '(none)'}`, type: 'invalid_request_error' } } };
	const results = messages.slice(firstUser + 1).filter((m) => m.role === 'tool');
	if (results.length === 0) {
		const tools = (body.tools ?? []).map((t) => t.function?.name);
		if (!tools.includes(script.tool)) {
			return { status: 400, body: { error: { message: `tool ${script.tool} is not among ${tools.join(', ')}`, type: 'invalid_request_error' } } };
		}
		const toolCalls = script.calls.map((args, i) => ({
			id: `call_${tag}_${i + 1}`,
			type: 'function',
			function: { name: script.tool, arguments: JSON.stringify(args) },
		}));
		return { status: 200, body: completion(body, { role: 'assistant', content: null, tool_calls: toolCalls }, 'tool_calls') };
	}
	const quoted = results.map((m) => `TOOL RESULT ${m.tool_call_id}: ${textOf(m.content)}`).join('\n');
	return { status: 200, body: completion(body, { role: 'assistant', content: quoted }, 'stop') };
}

const server = createServer((req, res) => {
	const chunks = [];
	req.on('data', (chunk) => chunks.push(chunk));
	req.on('end', () => {
		const text = Buffer.concat(chunks).toString('utf8');
		let body;
		try {
			body = text ? JSON.parse(text) : undefined;
		} catch {
			body = text;
		}
		const route = `${req.method} ${req.url.split('?')[0]}`;
		if (route === 'GET /_model/requests') return send(res, 200, requests);
		if (route === 'POST /_model/scripts') {
			scripts.set(body.tag, { tool: body.tool, calls: body.calls });
			return send(res, 200, { ok: true });
		}
		requests.push({ at: new Date().toISOString(), method: req.method, path: req.url, body });
		if (route === 'POST /v1/chat/completions') {
			if (body?.stream) return send(res, 400, { error: { message: 'streaming is not scripted', type: 'invalid_request_error' } });
			const { status, body: answerBody } = answer(body ?? {});
			return send(res, status, answerBody);
		}
		return send(res, 404, { error: { message: `${route} is not served here`, type: 'invalid_request_error' } });
	});
});

server.listen(port, '127.0.0.1', () => {
	console.log(`model server at http://127.0.0.1:${server.address().port}/v1`);
});
