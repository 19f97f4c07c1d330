import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { handleWebhook } from './webhook';

export class FloraTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FLORA Trigger',
		name: 'floraTrigger',
		icon: { light: 'file:../../icons/flora.svg', dark: 'file:../../icons/flora.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["events"] || []).map((event) => ({ "run.completed": "Run completed", "run.failed": "Run failed" })[event] || event).join(", ") }}',
		description: 'Starts the workflow when a FLORA run completes or fails (signed callback)',
		eventTriggerDescription: 'Waiting for FLORA to call the Test URL',
		activationMessage:
			'Use the Production URL as the Callback URL of your FLORA runs; FLORA calls it when a run ends.',
		defaults: { name: 'FLORA Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'floraApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'flora',
			},
		],
		properties,
	};

	/**
	 * FLORA has no webhook registry: the URL travels with each run as its `callback_url`.
	 * There is nothing to create on FLORA's side or to remove from it.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleWebhook.call(this);
	}
}
