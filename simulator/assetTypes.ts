/** What an asset may hold: the allowed content types, file extensions and direct-upload limit. */
export const DIRECT_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;
export const ALLOWED_ASSET_TYPES = [
	'image/jpeg',
	'image/png',
	'image/webp',
	'image/gif',
	'image/avif',
	'image/heic',
	'image/heif',
	'video/mp4',
	'video/webm',
	'video/quicktime',
	'audio/mpeg',
	'audio/wav',
	'audio/x-wav',
	'audio/wave',
	'audio/ogg',
	'application/pdf',
];

export const EXTENSION_TYPES: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	gif: 'image/gif',
	avif: 'image/avif',
	heic: 'image/heic',
	heif: 'image/heif',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	ogg: 'audio/ogg',
	pdf: 'application/pdf',
};

/** The content type a file name's extension implies. */
export function typeFor(fileName: string | undefined): string | undefined {
	const ext = fileName?.split('.').pop()?.toLowerCase();
	return ext ? EXTENSION_TYPES[ext] : undefined;
}
