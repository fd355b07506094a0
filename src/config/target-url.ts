import { isLoopbackHost } from './hosts.js';

/**
 * What a SCIM base URL must be, checked once for the config (`target.url`) and for the SCIM client's
 * options: http(s); no credentials or query (they would end up in state files and plan JSON, which name the
 * target); http:// only where the token never crosses a network. Messages read after `target.url: ` and
 * never repeat the URL's credentials or query.
 */
export type TargetUrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly message: string };

export const TARGET_URL_EXAMPLE = 'https://core.amplitude.com/scim/1/';

export function checkTargetUrl(raw: string): TargetUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`is not a valid URL — e.g. ${TARGET_URL_EXAMPLE}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`must be an https:// URL, got ${url.protocol}//`);
  if (url.username || url.password) return fail('must not contain credentials — put the token in token or tokenFile');
  if (url.search || url.hash) return fail(`must not contain a query or fragment — give the SCIM base URL alone, e.g. ${TARGET_URL_EXAMPLE}`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return fail(
      `http:// is refused for ${url.hostname}: the token would travel in clear — use https:// (http:// is allowed only for localhost, 127.0.0.0/8 and ::1)`,
    );
  }
  return { ok: true, url };
}

function fail(message: string): TargetUrlCheck {
  return { ok: false, message };
}
