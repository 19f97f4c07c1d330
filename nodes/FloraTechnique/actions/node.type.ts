import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	technique: 'run' | 'get' | 'getMany';
	run: 'get' | 'getMany' | 'wait';
};

export type FloraType = AllEntities<NodeMap>;
