/*
 * Field labels of the resource mappers (technique inputs, action inputs, model parameters)
 * keep within 24 characters, as n8n 2.x cuts longer ones with no way to read the rest.
 */
import { fieldLabel, inputLabel } from '../nodes/FloraTechnique/actions/fieldLabel';

test('a short name keeps its kind, element IDs and what it asks for', () => {
	expect(inputLabel('Logo', { type: 'imageUrl', several: false, element: true })).toBe(
		'Logo (image or el_…)',
	);
	expect(inputLabel('Clip', { type: 'videoUrl', several: false, extras: ['16:9', '5 s'] })).toBe(
		'Clip (video, 16:9, 5 s)',
	);
});

test('the element ID option goes first, then the requirements from the end, the kind last', () => {
	const clip = { type: 'videoUrl', several: false, element: true, extras: ['16:9', '5 s'] };
	expect(inputLabel('Clip', clip)).toBe('Clip (video, 16:9, 5 s)');
	expect(inputLabel('Reference', clip)).toBe('Reference (video, 16:9)');
	expect(inputLabel('Storyboard frame', { ...clip, type: 'imageUrl' })).toBe(
		'Storyboard frame (image)',
	);
	expect(inputLabel('A very long input name here', { type: 'text', several: false })).toBe(
		'A very long input name here',
	);
});

test('an input that takes several values is named in the plural', () => {
	expect(inputLabel('Clips', { type: 'video', several: true })).toBe('Clips (videos)');
	expect(inputLabel('Lines', { type: 'text', several: true })).toBe('Lines (texts)');
});

test('a model parameter keeps its range only when it fits', () => {
	expect(fieldLabel('Steps', [['1–50']])).toBe('Steps (1–50)');
	expect(fieldLabel('Guidance scale strength', [['0–20']])).toBe('Guidance scale strength');
});

test('an input named after its kind is not labelled with the kind again', () => {
	expect(inputLabel('Video', { type: 'video', several: false })).toBe('Video');
	expect(inputLabel('Videos', { type: 'video', several: true })).toBe('Videos');
	expect(inputLabel('Image', { type: 'imageUrl', several: false, extras: ['1:1'] })).toBe(
		'Image (1:1)',
	);
});
