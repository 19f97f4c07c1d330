/**
 * The simulator's model catalogue (GET /models, POST /generate): a handful of invented but
 * plausible models per type, each with the parameter schema FLORA's OpenAPI 1.6.0 and
 * @flora-ai/flora 0.11 describe ({name, type, required, default, min, max, options, label,
 * description, properties}). Ids are stable; nothing here is random. The first model of a type
 * is the one a generation without `model` uses.
 */

export type ModelType = 'image' | 'video' | 'audio' | 'text';
export type ParamType = 'string' | 'string[]' | 'bool' | 'int' | 'int?' | 'seed' | 'float' | 'dict';

export interface ModelParam {
	name: string;
	type: ParamType;
	required: boolean;
	default?: unknown;
	min?: number;
	max?: number;
	label?: string;
	description?: string;
	options?: Array<{ label: string; value: string; description?: string }>;
	/** dict parameters: their numeric keys. */
	properties?: Record<string, { min: number; max: number; default: number }>;
	/** Simulator only (not answered): the string, or each string of a string[], is a media URL the run fetches. */
	url?: 'imageUrl' | 'videoUrl';
	/** Simulator only: bounds on the number of strings of a string[]. */
	minItems?: number;
	maxItems?: number;
}

export interface CatalogueModel {
	model_id: string;
	name: string;
	provider: string;
	type: ModelType;
	capabilities: string[];
	estimated_credits: number;
	estimated_seconds: number;
	params: ModelParam[];
	beta?: boolean;
	/** Simulator only: USD per run, per image (image models) or per second of video (video models). */
	cost: number;
}

const SEED: ModelParam = {
	name: 'seed',
	type: 'seed',
	required: false,
	min: 0,
	max: 2147483647,
	label: 'Seed',
	description: 'The same seed and inputs give the same result.',
};

const ratios = (...values: string[]) => values.map((value) => ({ label: value, value }));

const NUM_IMAGES = (max: number): ModelParam => ({
	name: 'num_images',
	type: 'int',
	required: false,
	default: 1,
	min: 1,
	max,
	label: 'Number of images',
});

export const MODELS: readonly CatalogueModel[] = [
	{
		model_id: 't2i-aurora-2-pro',
		name: 'Aurora 2 Pro',
		provider: 'Aurora Labs',
		type: 'image',
		capabilities: ['text-to-image'],
		estimated_credits: 8,
		estimated_seconds: 12,
		cost: 0.04,
		params: [
			{
				name: 'aspect_ratio',
				type: 'string',
				required: false,
				default: '1:1',
				label: 'Aspect ratio',
				options: ratios('1:1', '4:5', '3:2', '16:9', '9:16'),
			},
			NUM_IMAGES(4),
			SEED,
			{
				name: 'negative_prompt',
				type: 'string',
				required: false,
				label: 'Negative prompt',
				description: 'What the image should not show.',
			},
			{
				name: 'guidance_scale',
				type: 'float',
				required: false,
				default: 3.5,
				min: 1,
				max: 20,
				label: 'Guidance',
				description: 'How closely to follow the prompt.',
			},
			{
				name: 'enhance_prompt',
				type: 'bool',
				required: false,
				default: true,
				label: 'Enhance prompt',
			},
		],
	},
	{
		model_id: 't2i-aurora-2-fast',
		name: 'Aurora 2 Fast',
		provider: 'Aurora Labs',
		type: 'image',
		capabilities: ['text-to-image'],
		estimated_credits: 2,
		estimated_seconds: 4,
		cost: 0.01,
		params: [
			{
				name: 'aspect_ratio',
				type: 'string',
				required: false,
				default: '1:1',
				label: 'Aspect ratio',
				options: ratios('1:1', '16:9', '9:16'),
			},
			NUM_IMAGES(4),
			SEED,
		],
	},
	{
		model_id: 'i2i-aurora-2-edit',
		name: 'Aurora 2 Edit',
		provider: 'Aurora Labs',
		type: 'image',
		capabilities: ['image-to-image', 'image-editing'],
		estimated_credits: 6,
		estimated_seconds: 10,
		cost: 0.03,
		params: [
			{
				name: 'image_urls',
				type: 'string[]',
				required: true,
				label: 'Images',
				description: 'One to four image URLs to edit or combine, in order.',
				url: 'imageUrl',
				minItems: 1,
				maxItems: 4,
			},
			{
				name: 'strength',
				type: 'float',
				required: false,
				default: 0.7,
				min: 0,
				max: 1,
				label: 'Edit strength',
			},
			{
				name: 'aspect_ratio',
				type: 'string',
				required: false,
				default: 'match_input',
				label: 'Aspect ratio',
				options: [
					{ label: 'Match the first image', value: 'match_input' },
					...ratios('1:1', '16:9', '9:16'),
				],
			},
			NUM_IMAGES(2),
			SEED,
		],
	},
	{
		model_id: 't2v-drift-1-5',
		name: 'Drift 1.5',
		provider: 'Drift Motion',
		type: 'video',
		capabilities: ['text-to-video'],
		estimated_credits: 60,
		estimated_seconds: 90,
		cost: 0.1,
		params: [
			{
				name: 'duration',
				type: 'int',
				required: false,
				default: 5,
				min: 2,
				max: 10,
				label: 'Duration (s)',
			},
			{
				name: 'aspect_ratio',
				type: 'string',
				required: false,
				default: '16:9',
				label: 'Aspect ratio',
				options: ratios('16:9', '9:16', '1:1'),
			},
			{
				name: 'fps',
				type: 'int?',
				required: false,
				default: null,
				min: 12,
				max: 60,
				label: 'Frames per second',
				description: "Empty for the model's own frame rate.",
			},
			{
				name: 'camera',
				type: 'dict',
				required: false,
				label: 'Camera motion',
				properties: {
					pan: { min: -1, max: 1, default: 0 },
					tilt: { min: -1, max: 1, default: 0 },
					zoom: { min: -1, max: 1, default: 0 },
				},
			},
			SEED,
		],
	},
	{
		model_id: 'i2v-drift-1-5',
		name: 'Drift 1.5 Image to Video',
		provider: 'Drift Motion',
		type: 'video',
		capabilities: ['image-to-video'],
		estimated_credits: 70,
		estimated_seconds: 100,
		cost: 0.12,
		beta: true,
		params: [
			{
				name: 'image_url',
				type: 'string',
				required: true,
				label: 'First frame',
				description: 'The URL of the image the video starts from.',
				url: 'imageUrl',
			},
			{
				name: 'duration',
				type: 'int',
				required: false,
				default: 5,
				min: 2,
				max: 10,
				label: 'Duration (s)',
			},
			{
				name: 'motion_strength',
				type: 'float',
				required: false,
				default: 0.5,
				min: 0,
				max: 1,
				label: 'Motion strength',
			},
			{ name: 'negative_prompt', type: 'string', required: false, label: 'Negative prompt' },
			SEED,
		],
	},
	{
		model_id: 't2a-chorus-2',
		name: 'Chorus 2',
		provider: 'Chorus Audio',
		type: 'audio',
		capabilities: ['text-to-speech'],
		estimated_credits: 3,
		estimated_seconds: 6,
		cost: 0.02,
		params: [
			{
				name: 'voice',
				type: 'string',
				required: false,
				default: 'narrator-warm',
				label: 'Voice',
				options: [
					{ label: 'Warm narrator', value: 'narrator-warm' },
					{ label: 'Bright narrator', value: 'narrator-bright' },
					{ label: 'Whisper', value: 'whisper', description: 'Soft and close to the microphone.' },
				],
			},
			{
				name: 'speed',
				type: 'float',
				required: false,
				default: 1,
				min: 0.5,
				max: 2,
				label: 'Speed',
			},
			SEED,
		],
	},
	{
		model_id: 'llm-quill-3',
		name: 'Quill 3',
		provider: 'Quill AI',
		type: 'text',
		capabilities: ['text-generation'],
		estimated_credits: 1,
		estimated_seconds: 3,
		cost: 0.005,
		params: [
			{ name: 'system_prompt', type: 'string', required: false, label: 'System prompt' },
			{
				name: 'temperature',
				type: 'float',
				required: false,
				default: 0.7,
				min: 0,
				max: 2,
				label: 'Temperature',
			},
			{
				name: 'max_tokens',
				type: 'int',
				required: false,
				default: 512,
				min: 16,
				max: 4096,
				label: 'Max tokens',
			},
			{
				name: 'stop',
				type: 'string[]',
				required: false,
				label: 'Stop sequences',
				maxItems: 4,
			},
		],
	},
];

export function findModel(modelId: string): CatalogueModel | undefined {
	return MODELS.find((m) => m.model_id === modelId);
}

/** The model a generation of this type uses when it names none: the first of the type. */
export function defaultModel(type: ModelType): CatalogueModel {
	return MODELS.find((m) => m.type === type)!;
}

/** The public `Model` shape: the simulator-only fields are dropped. */
export function publicModel(m: CatalogueModel): Record<string, unknown> {
	return {
		model_id: m.model_id,
		name: m.name,
		provider: m.provider,
		type: m.type,
		capabilities: [...m.capabilities],
		estimated_credits: m.estimated_credits,
		estimated_seconds: m.estimated_seconds,
		params: m.params.map((p) => {
			// eslint-disable-next-line @typescript-eslint/no-unused-vars
			const { url, minItems, maxItems, ...pub } = p;
			return JSON.parse(JSON.stringify(pub));
		}),
		...(m.beta ? { beta: true } : {}),
	};
}
