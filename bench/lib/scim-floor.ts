/**
 * The floor of a full target read: every /Users and /Groups list page fetched one after another with
 * undici (what scimsync uses) and JSON.parse'd, nothing else. A no-op plan cannot read the target faster
 * than this, so `plan / floor`, measured side by side, is a figure that holds on a busy machine.
 * Run: node --import tsx bench/lib/scim-floor.ts BASE_URL TOKEN   → one JSON line on stdout.
 */
import { Pool } from 'undici';

const [base, token] = process.argv.slice(2);
if (!base || !token) throw new Error('usage: scim-floor.ts BASE_URL TOKEN');
const url = new URL(base);
const pool = new Pool(url.origin, { connections: 1, pipelining: 1 });
const prefix = url.pathname.replace(/\/+$/, '');

async function list(path: string): Promise<{ resources: number; requests: number }> {
  let start = 1;
  let resources = 0;
  let requests = 0;
  for (;;) {
    const r = await pool.request({
      method: 'GET',
      path: `${prefix}${path}?startIndex=${start}&itemsPerPage=100&count=100`,
      headers: { accept: 'application/scim+json, application/json', authorization: `Bearer ${token}` },
    });
    const page = JSON.parse(await r.body.text()) as { Resources?: unknown[]; totalResults?: number };
    requests++;
    const n = page.Resources?.length ?? 0;
    resources += n;
    start += n;
    if (n === 0 || start > (page.totalResults ?? 0)) return { resources, requests };
  }
}

const t0 = performance.now();
const users = await list('/Users');
const groups = await list('/Groups');
const ms = performance.now() - t0;
await pool.close();
process.stdout.write(JSON.stringify({ ms, users: users.resources, groups: groups.resources, requests: users.requests + groups.requests }) + '\n');
