/**
 * The simulator's action catalogue (GET /actions, POST /runs/action): eight of the prebuilt
 * actions @flora-ai/flora 0.11 names, with inputs, outputs and params shaped as FLORA's
 * OpenAPI 1.6.0 and the SDK describe them. Invented but plausible: the costs, durations and
 * params are the simulator's. Nothing here is random.
 */

/** Every action id @flora-ai/flora 0.11 knows (its action_id enum), in its order. */
export const ACTION_IDS = [
	'color-grade-image-browser',
	'overlay-image-browser',
	'draw-image-browser',
	'crop-image-browser',
	'scene-3d-image-browser',
	'blur-image-browser',
	'change-image-ar-browser',
	'rotate-image-browser',
	'color-filter-image-browser',
	'color-tint-image-browser',
	'filter-color-image-browser',
	'duplicate-image-browser',
	'side-by-side-composite-browser',
	'add-shape-to-image-browser',
	'add-text-to-image-browser',
	'qr-code-generator-browser',
	'resize-image-browser',
	'shader-effect-browser',
	'split-text-browser',
	'find-and-replace-text-browser',
	'concat-text-browser',
	'ken-burns-video',
	'stitch-videos',
	'split-video',
	'extract-video-frames',
	'color-grade-video',
	'video-to-frame-grid',
	'boomerang-video',
	'reverse-video',
	'video-to-long-exposure',
	'video-effect',
	'color-filter-video',
	'speed-up-video',
	'slow-down-video',
	'duplicate-video',
	'greenscreen-video',
	'resize-video',
	'change-video-ar',
	'split-audio-from-video',
	'merge-audio-into-video',
] as const;

export type ActionMedia = 'image' | 'video' | 'text' | 'audio';

export interface ActionSlot {
	name: string;
	type: ActionMedia;
	/** Deprecated alias of `multiple: true` (the SDK still sends it). */
	dynamic?: boolean;
	multiple?: true | { min?: number; max?: number };
	optional?: boolean;
}

/** Control types: select (one of available_values), number, toggle, text, color (#rrggbb), point {x, y}, size {width, height} (both in 0..1). */
export type ActionParamType = 'select' | 'number' | 'toggle' | 'text' | 'color' | 'point' | 'size';

export interface ActionParam {
	key: string;
	type: ActionParamType;
	label: string;
	info_tooltip?: string;
	default_value?: unknown;
	available_values?: Array<{ value: string; label: string; description?: string }>;
	min_number_value?: number;
	max_number_value?: number;
	number_step?: number;
}

export interface CatalogueAction {
	action_id: (typeof ACTION_IDS)[number];
	name: string;
	description: string;
	language: 'javascript' | 'python';
	/** USD per execution. */
	charged_cost: number;
	inputs: ActionSlot[];
	outputs: ActionSlot[];
	params: ActionParam[];
	/** Simulator only: simulated seconds a run takes. */
	durationSeconds: number;
}

const values = (...vs: string[]) => vs.map((value) => ({ value, label: value }));
const select = (key: string, label: string, def: string, vs: string[]): ActionParam => ({
	key,
	type: 'select',
	label,
	default_value: def,
	available_values: values(...vs),
});
const number = (key: string, label: string, def: number, min: number, max: number, step = 1) =>
	({
		key,
		type: 'number',
		label,
		default_value: def,
		min_number_value: min,
		max_number_value: max,
		number_step: step,
	}) as ActionParam;
const toggle = (key: string, label: string, def: boolean): ActionParam => ({
	key,
	type: 'toggle',
	label,
	default_value: def,
});
const ASPECTS = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9'];

export const ACTIONS: readonly CatalogueAction[] = [
	{
		action_id: 'resize-video',
		name: 'Resize Video',
		description: 'Scale a video to a standard or custom resolution.',
		language: 'python',
		charged_cost: 0.02,
		durationSeconds: 12,
		inputs: [{ name: 'video', type: 'video' }],
		outputs: [{ name: 'video', type: 'video' }],
		params: [
			select('resolution', 'Resolution', '720', [
				'240',
				'360',
				'480',
				'540',
				'720',
				'1080',
				'1440',
				'2160',
				'custom',
			]),
			number('custom_resolution', 'Custom Resolution (px)', 720, 64, 4320, 2),
		],
	},
	{
		action_id: 'stitch-videos',
		name: 'Stitch Videos',
		description: 'Join two or more clips into one video, with an optional transition.',
		language: 'python',
		charged_cost: 0.05,
		durationSeconds: 20,
		inputs: [{ name: 'videos', type: 'video', dynamic: true, multiple: { min: 2, max: 10 } }],
		outputs: [{ name: 'video', type: 'video' }],
		params: [
			select('aspect_ratio', 'Aspect Ratio', 'auto', [
				'auto',
				'21:9',
				'16:9',
				'4:3',
				'1:1',
				'9:16',
			]),
			select('transition', 'Transition', 'none', ['none', 'fade', 'wipeleft', 'wiperight']),
			number('transition_duration', 'Transition Duration (s)', 0.5, 0.1, 2, 0.1),
			select('fit_mode', 'Fit', 'contain', ['contain', 'cover']),
			{ key: 'background_color', type: 'color', label: 'Background', default_value: '#000000' },
		],
	},
	{
		action_id: 'change-video-ar',
		name: 'Change Video Aspect Ratio',
		description: 'Reframe a video to another aspect ratio by cropping or padding.',
		language: 'python',
		charged_cost: 0.03,
		durationSeconds: 15,
		inputs: [{ name: 'video', type: 'video' }],
		outputs: [{ name: 'video', type: 'video' }],
		params: [
			select('aspect_ratio', 'Aspect Ratio', '9:16', ASPECTS),
			select('fit', 'Fit', 'crop', ['crop', 'pad']),
			select('background_mode', 'Background', 'blur', ['solid', 'blur']),
			number('blur_amount', 'Blur Amount', 40, 0, 100),
			{ key: 'pad_color', type: 'color', label: 'Pad Color', default_value: '#000000' },
		],
	},
	{
		action_id: 'split-audio-from-video',
		name: 'Split Audio from Video',
		description: 'Separate the soundtrack of a video from its picture.',
		language: 'python',
		charged_cost: 0.01,
		durationSeconds: 8,
		inputs: [{ name: 'video', type: 'video' }],
		outputs: [
			{ name: 'audio', type: 'audio' },
			{ name: 'video', type: 'video' },
		],
		params: [select('audio_format', 'Audio Format', 'auto', ['auto', 'm4a', 'mp3', 'wav'])],
	},
	{
		action_id: 'merge-audio-into-video',
		name: 'Merge Audio into Video',
		description: 'Lay an audio track over a video.',
		language: 'python',
		charged_cost: 0.02,
		durationSeconds: 10,
		inputs: [
			{ name: 'video', type: 'video' },
			{ name: 'audio', type: 'audio' },
		],
		outputs: [{ name: 'video', type: 'video' }],
		params: [select('duration', 'Duration', 'video', ['shortest', 'video', 'audio'])],
	},
	{
		action_id: 'resize-image-browser',
		name: 'Resize Image',
		description: 'Resize an image to exact dimensions, a percentage or a longest side.',
		language: 'javascript',
		charged_cost: 0,
		durationSeconds: 1,
		inputs: [{ name: 'image', type: 'image' }],
		outputs: [{ name: 'image', type: 'image' }],
		params: [
			select('mode', 'Mode', 'exact', ['exact', 'percent', 'longest']),
			number('width', 'Width (px)', 1024, 1, 8192),
			number('height', 'Height (px)', 1024, 1, 8192),
			number('percent', 'Percent', 100, 1, 400),
			number('longest', 'Longest Side (px)', 1024, 1, 8192),
			select('fit', 'Fit', 'cover', ['contain', 'cover', 'stretch']),
			{ key: 'bg_color', type: 'color', label: 'Background', default_value: '#ffffff' },
		],
	},
	{
		action_id: 'crop-image-browser',
		name: 'Crop Image',
		description: 'Crop an image around a centre point, optionally rotated.',
		language: 'javascript',
		charged_cost: 0,
		durationSeconds: 1,
		inputs: [{ name: 'image', type: 'image' }],
		outputs: [{ name: 'image', type: 'image' }],
		params: [
			{
				key: 'center',
				type: 'point',
				label: 'Center',
				info_tooltip: 'x and y from 0 to 1, from the top left.',
				default_value: { x: 0.5, y: 0.5 },
			},
			{
				key: 'size',
				type: 'size',
				label: 'Size',
				info_tooltip: 'width and height from 0 to 1, as shares of the image.',
				default_value: { width: 1, height: 1 },
			},
			toggle('lock_aspect', 'Lock Aspect Ratio', false),
			number('rotation', 'Rotation (deg)', 0, -180, 180),
		],
	},
	{
		action_id: 'concat-text-browser',
		name: 'Concatenate Text',
		description: 'Join several texts into one, with a separator.',
		language: 'javascript',
		charged_cost: 0,
		durationSeconds: 1,
		inputs: [{ name: 'texts', type: 'text', dynamic: true, multiple: true }],
		outputs: [{ name: 'text', type: 'text' }],
		params: [
			{ key: 'separator', type: 'text', label: 'Separator', default_value: '\n\n' },
			{ key: 'prefix', type: 'text', label: 'Prefix', default_value: '' },
			{ key: 'suffix', type: 'text', label: 'Suffix', default_value: '' },
			toggle('skip_empty', 'Skip Empty Parts', true),
			toggle('trim_parts', 'Trim Parts', true),
			toggle('add_headers', 'Number the Parts', false),
			toggle('wrap_each_part', 'Prefix and Suffix Each Part', false),
		],
	},
];

export function findAction(actionId: string): CatalogueAction | undefined {
	return ACTIONS.find((a) => a.action_id === actionId);
}

/** The public `Action` shape: the simulator-only fields are dropped. */
export function publicAction(a: CatalogueAction): Record<string, unknown> {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { durationSeconds, ...pub } = a;
	return JSON.parse(JSON.stringify(pub));
}
