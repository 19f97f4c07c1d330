import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { resumeOnRunCallback } from '../shared/runs/runCallback';
import { listSearch, resourceMapping } from './methods';
import * as run from './actions/run/Run.resource';
import * as technique from './actions/technique/Technique.resource';

// The node's webhook is not registered on FLORA: it is the resume URL n8n gives a waiting
// execution (restartWebhook), passed to FLORA as each run's callback_url.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class FloraTechnique implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FLORA Technique',
		name: 'floraTechnique',
		icon: { light: 'file:../../icons/flora.svg', dark: 'file:../../icons/flora.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		// "Technique: Run", "Run: Wait": the resource, then the operation, as the panel labels them.
		subtitle:
			'={{ ({ technique: "Technique", run: "Run" }[$parameter["resource"]] || $parameter["resource"]) + ": " + ({ run: "Run", get: "Get", getMany: "Get Many", wait: "Wait" }[$parameter["operation"]] || $parameter["operation"]) }}',
		description:
			'Run a FLORA technique (a reusable creative-AI pipeline for images, video, audio and text) and output its results',
		defaults: { name: 'FLORA Technique' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'floraApi', required: true }],
		webhooks: [
			{
				// The resume URL of an execution waiting for FLORA's run callbacks ("Wait By: Webhook").
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: '',
				isFullPath: true,
				restartWebhook: true,
			},
		],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Technique', value: 'technique' },
					{ name: 'Run', value: 'run' },
				],
				default: 'technique',
			},
			...technique.description,
			...run.description,
		],
	};

	methods = { listSearch, resourceMapping };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnRunCallback.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
