import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class FloraApi implements ICredentialType {
	name = 'floraApi';

	displayName = 'FLORA API';

	icon: Icon = { light: 'file:../icons/flora.svg', dark: 'file:../icons/flora.dark.svg' };

	documentationUrl = 'https://docs.flora.ai/api';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'sk_live_...',
			description: 'Create a key in FLORA under Settings → API keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.flora.ai/api/v1',
			description: 'Change only to point at another FLORA environment or at the bundled simulator',
		},
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'whsec_...',
			description:
				'The workspace signing secret (whsec_…) used to verify FLORA callbacks. Needed only to wait for runs by webhook or to use the FLORA Trigger.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/workspaces',
			method: 'GET',
		},
		// n8n (1.123 and 2.41) reads each rule by its type, so both kinds go in one list; the
		// interface's type only allows one kind per list.
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'FLORA rejected this API key. Copy a current key from FLORA (Settings → API keys) and paste it again.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'This API key is valid but not allowed to read workspaces. Ask a workspace owner for a key with access.',
				},
			},
			{
				// FLORA lists the key's workspace with the key's role in it.
				type: 'responseSuccessBody',
				properties: {
					key: 'workspaces[0].role',
					value: 'viewer',
					message:
						'This API key works, but it has the viewer role: it can read techniques and runs and cannot start runs. Use the key of a workspace member with the editor or owner role.',
				},
			},
		] as unknown as ICredentialTestRequest['rules'],
	};
}
