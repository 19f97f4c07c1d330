import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { resumeOnRunCallback } from '../shared/runs/runCallback';
import { listSearch, resourceMapping } from './methods';
import * as action from './actions/action/Action.resource';
import * as asset from './actions/asset/Asset.resource';
import * as generation from './actions/generation/Generation.resource';
import * as model from './actions/model/Model.resource';
import * as project from './actions/project/Project.resource';
import * as run from './actions/run/Run.resource';
import * as technique from './actions/technique/Technique.resource';
import { operationActions, toolDescriptionProperties } from './actions/toolDescription';

const operations: INodeProperties[] = [
	...technique.description,
	...generation.description,
	...action.description,
	...model.description,
	...project.description,
	...asset.description,
	...run.description,
];

/** As a tool, what the model reads of the operations that start runs is built from the run. */
const toolDescription = toolDescriptionProperties(
	{
		'technique.run': technique.run.describeToolRun,
		'generation.generate': generation.generate.describeToolGenerate,
		'action.run': action.run.describeToolRun,
	},
	operationActions(operations),
);

export class FloraTechnique implements INodeType {
	description: INodeTypeDescription = {
		// The type stays floraTechnique (saved workflows use it); the node now covers all of FLORA.
		displayName: 'FLORA',
		name: 'floraTechnique',
		icon: { light: 'file:../../icons/flora.svg', dark: 'file:../../icons/flora.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		// "Technique: Run", "Run: Wait": the resource, then the operation, as the panel labels them.
		subtitle:
			'={{ ({ technique: "Technique", generation: "Generation", action: "Action", model: "Model", project: "Project", asset: "Asset", run: "Run" }[$parameter["resource"]] || $parameter["resource"]) + ": " + ({ run: "Run", generate: "Generate", create: "Create", upload: "Upload", get: "Get", getMany: "Get Many", wait: "Wait" }[$parameter["operation"]] || $parameter["operation"]) }}',
		description:
			'Generate images, video, audio and text with FLORA: run techniques (reusable creative-AI pipelines), models and ready-made actions, and manage projects and assets',
		defaults: { name: 'FLORA' },
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
			...toolDescription,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Action',
						value: 'action',
						description: 'A ready-made edit of images, video, audio or text',
					},
					{ name: 'Asset', value: 'asset', description: 'A file in a workspace library' },
					{ name: 'Generation', value: 'generation', description: 'A prompt to one model' },
					{ name: 'Model', value: 'model', description: 'The models FLORA generates with' },
					{ name: 'Project', value: 'project', description: 'Where the results of runs are kept' },
					{ name: 'Run', value: 'run', description: 'A technique run already started' },
					{
						name: 'Technique',
						value: 'technique',
						description: 'A reusable pipeline made in FLORA',
					},
				],
				default: 'technique',
			},
			...operations,
		],
	};

	methods = { listSearch, resourceMapping };

	/**
	 * The webhook is the resume URL n8n gives an execution waiting for FLORA ("Wait By:
	 * Webhook", restartWebhook), sent to FLORA with each run as its callback_url. FLORA has no
	 * webhook registration API, so there is nothing to look up, create or remove on its side:
	 * each method says so by succeeding without a request. (n8n does not call these for a
	 * restart webhook anyway: it registers only a workflow's other webhooks on activation and
	 * for test runs.)
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
		return await resumeOnRunCallback.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
