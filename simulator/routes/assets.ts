/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Asset routes: POST /assets (a direct multipart upload of at most 4 MB, a signed upload to
 * complete later, or a URL FLORA fetches), POST /assets/{assetId}/complete and
 * GET /assets/{assetId}. The files themselves are on the media host.
 */
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';

import {
	ALLOWED_ASSET_TYPES,
	DIRECT_UPLOAD_MAX_BYTES,
	EXTENSION_TYPES,
	typeFor,
} from '../assetTypes';
import { b64url, rid } from '../encoding';
import {
	ApiError,
	firstHeader,
	isHttpUrl,
	isPrivateHost,
	json,
	validationError,
	type FieldError,
	type Reply,
} from '../http';
import { pngDimensions } from '../media';
import type { ParsedBody } from '../requestBody';
import type { AssetState, SimState } from '../state';
import { signUploadPolicy } from '../uploadTargets';
import { checkWorkspace } from './workspaces';

export class AssetRoutes {
	constructor(private readonly s: SimState) {}

	/** The asset of a path's assetId (404 when none); one fetched from a URL gets ready a moment after its create. */
	asset(id: string): AssetState {
		const a = this.s.assets.get(id);
		if (!a) throw new ApiError(404, 'not_found', `Asset "${id}" was not found.`);
		if (
			a.status === 'pending_upload' &&
			a.readyAtSim !== undefined &&
			this.s.clock.now() >= a.readyAtSim
		) {
			a.status = 'ready';
		}
		return a;
	}

	private assetUrl(a: AssetState): string {
		return `${this.s.mediaOrigin}/assets/${a.asset_id}/${encodeURIComponent(a.file_name)}`;
	}

	assetJson(a: AssetState): Record<string, unknown> {
		return {
			asset_id: a.asset_id,
			content_type: a.content_type,
			created_at: a.created_at,
			description: null,
			failure_message: a.failure_message,
			height: a.height ?? null,
			width: a.width ?? null,
			name: a.file_name,
			size_bytes: a.size ?? null,
			status: a.status,
			upload_content_type: a.upload_content_type,
			uploaded_via: a.uploaded_via,
			url: a.status === 'ready' ? this.assetUrl(a) : null,
			workspace_id: a.workspace_id,
		};
	}

	/** What a create (and an upload retry) answers: with a signed upload's reservation. */
	assetCreatedJson(a: AssetState): Record<string, unknown> {
		const out: Record<string, unknown> = {
			asset_id: a.asset_id,
			status: a.status,
			uploaded_via: a.uploaded_via,
			url: this.assetUrl(a),
			visibility: 'workspace',
			workspace_id: a.workspace_id,
		};
		if (a.uploaded_via === 'signed_url') {
			const policy = b64url(
				JSON.stringify({
					asset_id: a.asset_id,
					expires_at: a.expires_at,
					content_type: a.content_type,
				}),
			);
			out.expires_at = a.expires_at;
			out.upload = {
				url: `${this.s.mediaOrigin}/uploads/${a.asset_id}`,
				method: 'POST',
				content_type: 'multipart/form-data',
				file_field: 'file',
				form_fields: {
					key: `workspaces/${a.workspace_id}/assets/${a.asset_id}/${a.file_name}`,
					policy,
					'x-flora-signature': signUploadPolicy(this.s.uploadSecret, policy),
					'Content-Type': a.content_type,
				},
			};
			out.upload_url = `${this.s.mediaOrigin}/uploads/${a.asset_id}?token=${a.uploadToken}`;
		}
		return out;
	}

	private newAsset(
		partial: Partial<AssetState> &
			Pick<AssetState, 'workspace_id' | 'uploaded_via' | 'content_type' | 'file_name'>,
	): AssetState {
		const a: AssetState = {
			asset_id: rid('asset_'),
			status: 'pending_upload',
			upload_content_type: partial.content_type,
			created_at: new Date().toISOString(),
			failure_message: null,
			uploadToken: randomBytes(16).toString('hex'),
			seq: this.s.assets.size + 1,
			...partial,
		};
		this.s.assets.set(a.asset_id, a);
		return a;
	}

	/** A JSON body asks for a signed upload (source "signed-url") or a fetch from an https URL. */
	create(req: http.IncomingMessage, body: ParsedBody): Reply {
		const headerKey = firstHeader(req.headers['idempotency-key']);
		if (body.kind === 'multipart') return this.createDirect(body.multipart!, headerKey);
		if (body.kind !== 'json') {
			throw new ApiError(
				400,
				'invalid_json',
				'The request body is neither JSON nor multipart/form-data.',
			);
		}
		const b = body.value as Record<string, unknown>;
		if (!b || typeof b !== 'object' || Array.isArray(b))
			throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
		const fields: FieldError[] = [];
		for (const k of [
			'source',
			'workspace_id',
			'content_type',
			'file_name',
			'folder',
			'project_id',
		]) {
			if (b[k] !== undefined && typeof b[k] !== 'string')
				fields.push({ field: k, message: 'must be a string' });
		}
		const source = b.source as string | undefined;
		const ws = b.workspace_id as string | undefined;
		if (source === undefined)
			fields.push({ field: 'source', message: 'is required ("signed-url" or an https URL)' });
		if (ws === undefined) fields.push({ field: 'workspace_id', message: 'is required' });
		else if (typeof ws === 'string' && !/^ws_\S+$/.test(ws))
			fields.push({ field: 'workspace_id', message: 'must be a workspace id (ws_…)' });
		if (typeof b.project_id === 'string' && !/^prj_\S+$/.test(b.project_id))
			fields.push({ field: 'project_id', message: 'must be a project id (prj_…)' });
		let fileName = typeof b.file_name === 'string' ? b.file_name : undefined;
		let sourceUrl: URL | null = null;
		if (typeof source === 'string' && source !== 'signed-url') {
			sourceUrl = isHttpUrl(source);
			if (!sourceUrl || sourceUrl.protocol !== 'https:')
				fields.push({ field: 'source', message: 'must be "signed-url" or an https URL' });
			else if (isPrivateHost(sourceUrl.hostname))
				fields.push({ field: 'source', message: 'must not point to a private or internal host' });
			fileName ??= sourceUrl
				? decodeURIComponent(sourceUrl.pathname.split('/').pop() || '') || undefined
				: undefined;
		}
		let ct =
			typeof b.content_type === 'string'
				? b.content_type.split(';')[0].trim().toLowerCase()
				: typeFor(fileName);
		if (source === 'signed-url' && !ct)
			fields.push({
				field: 'content_type',
				message: 'is required (or a file_name with a known extension)',
			});
		else if (ct && !ALLOWED_ASSET_TYPES.includes(ct))
			fields.push({ field: 'content_type', message: `content type ${ct} is not allowed` });
		if (fields.length) throw validationError(fields);
		checkWorkspace(ws);
		const remember = this.s.idempotency.check('asset', headerKey, b);
		remember?.();
		if (source === 'signed-url') {
			const a = this.newAsset({
				workspace_id: ws!,
				project_id: b.project_id as string | undefined,
				uploaded_via: 'signed_url',
				content_type: ct!,
				file_name:
					fileName ??
					`upload.${Object.entries(EXTENSION_TYPES).find(([, v]) => v === ct)?.[0] ?? 'bin'}`,
				expires_at: new Date(Date.now() + 3600_000).toISOString(),
			});
			return json(201, this.assetCreatedJson(a));
		}
		// Server-side URL fetch: not performed; the asset becomes ready a moment later.
		ct ??= 'application/octet-stream';
		const a = this.newAsset({
			workspace_id: ws!,
			project_id: b.project_id as string | undefined,
			uploaded_via: 'url',
			content_type: ct,
			file_name: fileName ?? 'remote',
			source,
			readyAtSim: this.s.clock.now() + 1000,
		});
		if (!ALLOWED_ASSET_TYPES.includes(ct)) {
			a.status = 'failed';
			a.readyAtSim = undefined;
			a.failure_message = 'The fetched file has a content type that is not allowed.';
		}
		return json(201, this.assetCreatedJson(a));
	}

	/** A multipart POST /assets: the file is in the request. */
	private createDirect(
		mp: NonNullable<ParsedBody['multipart']>,
		headerKey: string | undefined,
	): Reply {
		if (mp.error)
			throw new ApiError(400, 'input_validation_error', `Malformed multipart body: ${mp.error}`, [
				{ field: 'file', message: mp.error },
			]);
		const fields: FieldError[] = [];
		const ws = mp.fields.workspace_id;
		if (ws === undefined) fields.push({ field: 'workspace_id', message: 'is required' });
		else if (!/^ws_\S+$/.test(ws))
			fields.push({ field: 'workspace_id', message: 'must be a workspace id (ws_…)' });
		if (mp.fields.project_id !== undefined && !/^prj_\S+$/.test(mp.fields.project_id))
			fields.push({ field: 'project_id', message: 'must be a project id (prj_…)' });
		const file = mp.file;
		const fileName = mp.fields.file_name ?? file?.filename ?? 'upload';
		let ct =
			mp.fields.content_type ??
			(file?.contentType && file.contentType !== 'application/octet-stream'
				? file.contentType
				: undefined) ??
			typeFor(fileName);
		ct = ct?.split(';')[0].trim().toLowerCase();
		if (!file) fields.push({ field: 'file', message: 'is required' });
		else if (file.size === 0) fields.push({ field: 'file', message: 'must not be empty' });
		else if (file.size > DIRECT_UPLOAD_MAX_BYTES)
			fields.push({
				field: 'file',
				message: `is ${file.size} bytes; direct uploads take at most 4 MB (use source "signed-url")`,
			});
		if (!ct)
			fields.push({
				field: 'content_type',
				message: 'could not be determined; pass content_type',
			});
		else if (!ALLOWED_ASSET_TYPES.includes(ct))
			fields.push({
				field: mp.fields.content_type !== undefined ? 'content_type' : 'file',
				message: `content type ${ct} is not allowed`,
			});
		if (fields.length) throw validationError(fields);
		checkWorkspace(ws);
		const f = file!;
		const remember = this.s.idempotency.check('asset', headerKey, {
			fields: mp.fields,
			sha256: f.sha256,
		});
		remember?.();
		const dims = f.data ? pngDimensions(f.data.subarray(0, 24)) : null;
		const a = this.newAsset({
			workspace_id: ws!,
			project_id: mp.fields.project_id,
			uploaded_via: 'direct',
			content_type: ct!,
			file_name: fileName,
			status: 'ready',
			size: f.size,
			sha256: f.sha256,
			data: f.data ?? undefined,
			width: dims?.width,
			height: dims?.height,
		});
		this.s.uploads.push({
			assetId: a.asset_id,
			size: f.size,
			sha256: f.sha256,
			contentType: ct!,
			fileName,
			via: 'direct',
			receivedAt: Date.now(),
		});
		return json(201, this.assetCreatedJson(a));
	}

	complete(id: string, req: http.IncomingMessage): Reply {
		const a = this.asset(id);
		const remember = this.s.idempotency.check(
			'complete',
			firstHeader(req.headers['idempotency-key']),
			{ id },
		);
		if (a.uploaded_via !== 'signed_url' || a.status !== 'pending_upload') {
			throw new ApiError(
				409,
				'conflict',
				`Asset "${id}" is ${a.status} (${a.uploaded_via}); only a pending signed upload can be completed.`,
			);
		}
		if (a.size === undefined)
			throw new ApiError(409, 'conflict', `No bytes have been uploaded for asset "${id}" yet.`);
		remember?.();
		a.status = 'ready';
		return json(200, { ...this.assetJson(a), visibility: 'workspace' });
	}
}
