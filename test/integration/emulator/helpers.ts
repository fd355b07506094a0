import { Agent, request } from 'undici';
import type { RunningEmulator } from '../../../src/emulator/index.js';

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined for an empty body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** A few keep-alive connections, like a real client (and cheaper than one socket per request). */
const agent = new Agent({ connections: 4 });

/** One real HTTP request to the emulator (path relative to its SCIM base URL). */
export async function call(
  e: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string | null; headers?: Record<string, string>; raw?: string; base?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? e.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined = opts.raw;
  if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const r = await request(`${opts.base ?? e.url}${path}`, { method: method as 'GET', headers, body: payload, dispatcher: agent });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, body: text === '' ? undefined : JSON.parse(text), text };
}

export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export function patch(...ops: unknown[]): { schemas: string[]; Operations: unknown[] } {
  return { schemas: [PATCH_OP], Operations: ops };
}

export function userBody(email: string, givenName = 'Given', familyName = 'Family'): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: email,
    userName: email,
    name: { givenName, familyName },
    emails: [{ value: email, primary: true }],
    meta: { resourceType: 'User' },
  };
}
