import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	technique: 'run' | 'get' | 'getMany';
	generation: 'generate' | 'get' | 'getMany';
	action: 'run' | 'getMany';
	model: 'getMany';
	project: 'create' | 'get' | 'getMany';
	asset: 'upload' | 'get' | 'getMany';
	run: 'get' | 'getMany' | 'wait';
};

export type FloraType = AllEntities<NodeMap>;
