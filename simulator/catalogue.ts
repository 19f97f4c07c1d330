/**
 * The simulator's technique catalogue: a handful of realistic, hand-written techniques the
 * tests and the demo name by id or slug, plus generated filler so that listing needs several
 * pages. Ids and slugs are stable across runs (nothing here is random).
 */

export type SlotType = 'imageUrl' | 'videoUrl' | 'audioUrl' | 'text' | 'documentUrl';

export interface CatalogueSlot {
	id: string;
	name: string;
	type: SlotType;
	description?: string;
	optional?: boolean;
	/** An element id (el_…) may be given as the value, instead of a URL. */
	accepts_element?: boolean;
	/** Several values may be given (the slot id once per value in a run create): one run per value. */
	allow_multiple?: boolean;
	specified_aspect_ratio?: string;
	specified_duration?: number;
}

export interface CatalogueTechnique {
	technique_id: string;
	slug: string;
	name: string;
	description: string;
	run_cost: number;
	inputs: CatalogueSlot[];
	outputs: CatalogueSlot[];
	/** Simulated seconds a run takes by default (pending phase excluded). */
	durationSeconds: number;
	/** Archived techniques are listed and readable, but starting a run answers 403 forbidden. */
	archived?: boolean;
}

/** Public `Technique` shape (what the API answers): the internal fields are dropped. */
export function publicTechnique(t: CatalogueTechnique): Record<string, unknown> {
	return {
		technique_id: t.technique_id,
		name: t.name,
		description: t.description,
		run_cost: t.run_cost,
		inputs: t.inputs.map((s) => ({ ...s })),
		outputs: t.outputs.map((s) => ({ ...s })),
	};
}

const CORE: CatalogueTechnique[] = [
	{
		technique_id: 'tech_product_shot',
		slug: 'product-shot',
		name: 'Product Shot',
		description:
			'Places a product photo in a styled studio scene and renders two hero images for e-commerce and ads.',
		run_cost: 0.12,
		durationSeconds: 8,
		inputs: [
			{
				id: 'prompt',
				name: 'Scene prompt',
				type: 'text',
				description: 'Describe the scene, light and mood.',
			},
			{
				id: 'product_image',
				name: 'Product image',
				type: 'imageUrl',
				description: 'A clean photo of the product, ideally on a plain background.',
				accepts_element: true,
			},
			{
				id: 'style_reference',
				name: 'Style reference',
				type: 'imageUrl',
				description: 'Optional image whose look the scene should follow.',
				optional: true,
				specified_aspect_ratio: '4:5',
			},
		],
		outputs: [
			{ id: 'hero_image', name: 'Hero image', type: 'imageUrl', specified_aspect_ratio: '4:5' },
			{ id: 'alt_image', name: 'Alternate angle', type: 'imageUrl', specified_aspect_ratio: '1:1' },
		],
	},
	{
		technique_id: 'tech_art_directors_critique',
		slug: 'art-directors-critique',
		name: "Art Director's Critique",
		description:
			'An art director reviews an artwork against a brief and writes a critique with a marked-up PDF.',
		run_cost: 0.04,
		durationSeconds: 4,
		inputs: [
			{ id: 'artwork', name: 'Artwork', type: 'imageUrl', description: 'The image to critique.' },
			{
				id: 'brief',
				name: 'Brief',
				type: 'text',
				description: 'What the artwork should achieve.',
				optional: true,
			},
		],
		outputs: [
			{ id: 'critique', name: 'Critique', type: 'text' },
			{ id: 'report', name: 'Critique report', type: 'documentUrl', description: 'PDF report.' },
		],
	},
	{
		technique_id: 'tech_storyboard_to_video',
		slug: 'storyboard-to-video',
		name: 'Storyboard to Video',
		description: 'Animates a storyboard frame into a short video clip with a matching soundtrack.',
		run_cost: 1.8,
		durationSeconds: 45,
		inputs: [
			{
				id: 'storyboard',
				name: 'Storyboard frame',
				type: 'imageUrl',
				specified_aspect_ratio: '16:9',
			},
			{
				id: 'motion_prompt',
				name: 'Motion prompt',
				type: 'text',
				description: 'Camera and subject motion.',
			},
			{
				id: 'reference_clip',
				name: 'Reference clip',
				type: 'videoUrl',
				optional: true,
				description: 'Optional clip whose pacing the video should follow.',
				specified_duration: 5,
			},
		],
		outputs: [
			{
				id: 'video',
				name: 'Video',
				type: 'videoUrl',
				specified_duration: 5,
				specified_aspect_ratio: '16:9',
			},
			{ id: 'soundtrack', name: 'Soundtrack', type: 'audioUrl', specified_duration: 5 },
		],
	},
	{
		technique_id: 'tech_voiceover',
		slug: 'voiceover',
		name: 'Voiceover',
		description: 'Reads a script aloud in a warm narrator voice.',
		run_cost: 0.06,
		durationSeconds: 3,
		inputs: [{ id: 'script', name: 'Script', type: 'text', description: 'The text to read.' }],
		outputs: [{ id: 'voice', name: 'Voice track', type: 'audioUrl' }],
	},
	{
		technique_id: 'tech_every_output',
		slug: 'every-output-type',
		name: 'Every Output Type',
		description:
			'A diagnostic technique that answers one output of each type: image, video, audio, text, document.',
		run_cost: 0.5,
		durationSeconds: 5,
		inputs: [{ id: 'prompt', name: 'Prompt', type: 'text' }],
		outputs: [
			{ id: 'image', name: 'Image', type: 'imageUrl' },
			{ id: 'video', name: 'Video', type: 'videoUrl' },
			{ id: 'audio', name: 'Audio', type: 'audioUrl' },
			{ id: 'text', name: 'Text', type: 'text' },
			{ id: 'document', name: 'Document', type: 'documentUrl' },
		],
	},
	{
		technique_id: 'tech_archived_campaign',
		slug: 'archived-campaign',
		name: 'Archived Campaign Kit',
		description: 'A retired campaign technique kept for history. It can no longer be run.',
		run_cost: 0.1,
		durationSeconds: 5,
		archived: true,
		inputs: [{ id: 'prompt', name: 'Prompt', type: 'text' }],
		outputs: [{ id: 'banner', name: 'Banner', type: 'imageUrl' }],
	},
];

/** Filler: deterministic, varied techniques so that listing takes several pages. */
const FILLER_SUBJECTS = [
	'Background Swap',
	'Logo Animation',
	'Color Grade',
	'Packshot Relight',
	'Fashion Lookbook',
	'Podcast Intro',
	'Moodboard',
	'Poster Layout',
	'Sketch to Render',
	'Texture Upscale',
	'Social Cutdown',
	'Brand Jingle',
	'Menu Photography',
	'Interior Staging',
	'Character Turnaround',
	'Storyboard Panels',
	'Label Mockup',
	'Lyric Video',
	'Style Transfer',
	'Product Teaser',
];
const FILLER_VARIANTS = ['Studio', 'Express'];

function slugify(s: string): string {
	return s
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}

function filler(): CatalogueTechnique[] {
	const out: CatalogueTechnique[] = [];
	const outputCycle: SlotType[] = ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'];
	let n = 0;
	for (const variant of FILLER_VARIANTS) {
		for (const subject of FILLER_SUBJECTS) {
			const name = `${subject} ${variant}`;
			const slug = slugify(name);
			const outType = outputCycle[n % outputCycle.length];
			const inputs: CatalogueSlot[] = [{ id: 'prompt', name: 'Prompt', type: 'text' }];
			if (n % 3 === 0) inputs.push({ id: 'source_image', name: 'Source image', type: 'imageUrl' });
			if (n % 7 === 0)
				inputs.push({
					id: 'source_video',
					name: 'Source video',
					type: 'videoUrl',
					optional: true,
					specified_duration: 8,
				});
			out.push({
				technique_id: `tech_${slug.replace(/-/g, '_')}`,
				slug,
				name,
				description: `${variant === 'Studio' ? 'High-fidelity' : 'Fast'} ${subject.toLowerCase()} for campaign work.`,
				run_cost:
					Math.round((0.02 + (n % 9) * 0.035 + (outType === 'videoUrl' ? 0.9 : 0)) * 100) / 100,
				durationSeconds: outType === 'videoUrl' ? 30 : 2 + (n % 5),
				inputs,
				outputs: [{ id: 'result', name: 'Result', type: outType }],
			});
			n++;
		}
	}
	return out;
}

/**
 * Techniques added after the filler, each in the place of the last filler technique so that the
 * catalogue keeps its 46 techniques (the package's tests count them).
 */
const LATER: CatalogueTechnique[] = [
	{
		technique_id: 'tech_reference_remix',
		slug: 'reference-remix',
		name: 'Reference Remix',
		description:
			'Restyles each reference image in the look of a brand element: one variation per reference.',
		run_cost: 0.08,
		durationSeconds: 6,
		inputs: [
			{
				id: 'references',
				name: 'Reference images',
				type: 'imageUrl',
				description: 'One or more images, as URLs or element ids (el_…): one variation each.',
				allow_multiple: true,
				accepts_element: true,
			},
			{
				id: 'brand_element',
				name: 'Brand element',
				type: 'imageUrl',
				description: 'A saved element (el_…) or image whose look the variations take.',
				optional: true,
				accepts_element: true,
			},
			{
				id: 'direction',
				name: 'Direction',
				type: 'text',
				description: 'What to change, what to keep.',
				optional: true,
			},
		],
		outputs: [
			{ id: 'variation', name: 'Variation', type: 'imageUrl', specified_aspect_ratio: '1:1' },
		],
	},
];

const FILLER = filler();

export const TECHNIQUES: readonly CatalogueTechnique[] = [
	...CORE,
	...FILLER.slice(0, FILLER.length - LATER.length),
	...LATER,
];

/** Find a technique by id (`tech_…`) or slug. */
export function findTechnique(idOrSlug: string): CatalogueTechnique | undefined {
	return TECHNIQUES.find((t) => t.technique_id === idOrSlug || t.slug === idOrSlug);
}

/** Case-insensitive search over name, description and slug, in catalogue order. */
export function searchTechniques(query: string | undefined): CatalogueTechnique[] {
	const q = (query ?? '').trim().toLowerCase();
	if (!q) return [...TECHNIQUES];
	return TECHNIQUES.filter(
		(t) =>
			t.name.toLowerCase().includes(q) ||
			t.description.toLowerCase().includes(q) ||
			t.slug.includes(q),
	);
}

export interface Workspace {
	workspace_id: string;
	name: string;
	role: string;
	created_at: number;
}

export const WORKSPACES: readonly Workspace[] = [
	{
		workspace_id: 'ws_sim_studio',
		name: 'Simulator Studio',
		role: 'owner',
		created_at: 1767225600000,
	},
	{
		workspace_id: 'ws_sim_agency',
		name: 'Simulator Agency',
		role: 'member',
		created_at: 1769904000000,
	},
];

export const DEFAULT_WORKSPACE_ID = 'ws_sim_studio';
export const DEFAULT_PROJECT_ID = 'prj_sim_default';
