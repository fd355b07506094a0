import type { IncomingMessage, ServerResponse } from 'node:http';
import { TargetError } from '../errors.js';

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** What a route handler answers; the server turns it into bytes. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Handlers throw this to answer with an RFC 7644 §3.12 error body. */
export function scimError(status: number, detail: string, scimType?: string): TargetError {
  return new TargetError(detail, { status, ...(scimType === undefined ? {} : { scimType }) });
}

export function errorReply(status: number, detail: string, scimType?: string, headers?: Record<string, string>): Reply {
  const body: Record<string, unknown> = { schemas: [ERROR_URN], status: String(status) };
  if (scimType !== undefined) body.scimType = scimType;
  body.detail = detail;
  return headers === undefined ? { status, body } : { status, body, headers };
}

export function send(res: ServerResponse, reply: Reply, contentType: string): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  headers['content-type'] = contentType;
  headers['content-length'] = Buffer.byteLength(payload);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/**
 * Reads the whole body, refusing (413) one larger than `max` bytes. The excess is read and dropped
 * rather than left unread, so the client gets the 413 instead of a broken pipe; only a body declared
 * absurdly large (over 64 x the limit) is refused before reading, and the connection is then closed.
 */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max * 64) throw scimError(413, `request body of ${declared} bytes exceeds the limit of ${max} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
  }
  if (size > max) throw scimError(413, `request body of ${size} bytes exceeds the limit of ${max} bytes`);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** Parses a JSON object body; malformed JSON or a non-object is 400 invalidSyntax. */
export function parseJsonObject(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (contentType !== undefined && contentType !== '' && !/json/i.test(contentType)) {
    throw scimError(400, `content-type "${contentType}" is not JSON; send application/json or application/scim+json`, 'invalidSyntax');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw scimError(400, 'request body is not valid JSON', 'invalidSyntax');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw scimError(400, 'request body must be a JSON object', 'invalidSyntax');
  }
  return parsed as Record<string, unknown>;
}

/** RFC 7231 IMF-fixdate, as `Retry-After` carries it. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
