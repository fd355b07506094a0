import { describe, expect, it } from 'vitest';
import { authError, cleanDetail, httpError, readErrorBody } from '../../../src/scim/http-errors.js';

const TOKEN = 'sk-very-secret-token-1234';

describe('readErrorBody', () => {
  it('reads an RFC 7644 error', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'User exists' };
    expect(readErrorBody(body, JSON.stringify(body))).toEqual({ detail: 'User exists', scimType: 'uniqueness' });
  });

  it('reads other JSON shapes and plain text', () => {
    expect(readErrorBody({ message: 'Too many requests' }, '')).toEqual({ detail: 'Too many requests', scimType: undefined });
    expect(readErrorBody({ error: { message: 'nested' } }, '')).toEqual({ detail: 'nested', scimType: undefined });
    expect(readErrorBody(undefined, 'Bad Gateway\n')).toEqual({ detail: 'Bad Gateway\n', scimType: undefined });
    expect(readErrorBody([1, 2], '[1,2]')).toEqual({ detail: '[1,2]', scimType: undefined });
    expect(readErrorBody(undefined, '')).toEqual({ detail: undefined, scimType: undefined });
  });
});

describe('error messages', () => {
  it('keep one bounded line and scrub the token if the server echoes it', () => {
    const line = cleanDetail(`bad key\n  Bearer ${TOKEN} ${'x'.repeat(1000)}`, TOKEN) ?? '';
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain('\n');
    expect(line.length).toBeLessThan(320);
  });

  it('name method, path, status and detail', () => {
    const err = httpError('PUT', '/Users/a@x.com', 400, { detail: 'mutability', scimType: 'mutability' }, TOKEN, 1);
    expect(err.message).toBe('PUT /Users/a@x.com failed with 400 (mutability): mutability');
    expect(err).toMatchObject({ status: 400, scimType: 'mutability', code: 'SCIMSYNC_SCIM_HTTP', retryable: false });
    expect(err.fix).toBeTruthy();
    expect(httpError('GET', '/Users', 503, { detail: undefined, scimType: undefined }, TOKEN, 6).message).toBe('GET /Users failed with 503 after 6 attempts');
  });

  it('a 404 on listing a collection is a wrong base URL, with the Amplitude URLs; a 404 elsewhere is not', () => {
    const none = { detail: undefined, scimType: undefined };
    const base = 'https://core.amplitude.com/scim/v2/';
    for (const path of ['/Users', '/Groups']) {
      const err = httpError('GET', path, 404, none, TOKEN, 1, base);
      expect(err.message).toBe(`GET ${path} failed with 404: no SCIM endpoint at ${base}`);
      expect(err.fix).toBe(
        'check target.url: it must be the SCIM base URL, under which /Users and /Groups are listed (Amplitude: https://core.amplitude.com/scim/1/, EU: https://core.eu.amplitude.com/scim/1/)',
      );
      expect(err.fix).not.toMatch(/gone|state rebuild/);
    }
    expect(httpError('PUT', '/Users/a@x.com', 404, none, TOKEN, 1, base).fix).toMatch(/gone from the target/);
  });

  it('a rejected key names where it came from (never the key)', () => {
    const err = authError('GET', '/Users', 401, 'environment variable SCIM_TOKEN');
    expect(err.message).toBe('the SCIM target rejected the key from environment variable SCIM_TOKEN (401) for GET /Users');
    expect(err.fix).toMatch(/^the key in use came from environment variable SCIM_TOKEN: .*regenerate it/);
  });

  it('auth errors carry their own code and fix', () => {
    const err = authError('GET', '/Users', 401);
    expect(err.message).toBe('the SCIM target rejected the key (401) for GET /Users');
    expect(err.code).toBe('SCIMSYNC_SCIM_AUTH');
    expect(err.fix).toMatch(/regenerate the SCIM key/);
  });
});
