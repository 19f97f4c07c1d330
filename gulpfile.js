const path = require('path');
const { task, src, dest } = require('gulp');

task('build:icons', copyIcons);

function copyIcons() {
	const iconsSource = path.resolve('icons', '*.{png,svg}');
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg}');
	return Promise.all([
		new Promise((resolve, reject) =>
			src(iconsSource).pipe(dest(path.resolve('dist', 'icons'))).on('finish', resolve).on('error', reject),
		),
		new Promise((resolve, reject) =>
			src(nodeSource).pipe(dest(path.resolve('dist', 'nodes'))).on('finish', resolve).on('error', reject),
		),
	]);
}
