/**
 * Emulator throughput and memory: `npx tsx bench/emulator.ts`.
 * The emulator runs in a child process (so the load generator does not share its event loop, and its RSS
 * is its own), seeded with 100,000 users and 1,000 groups. The parent drives it over loopback with a few
 * keep-alive connections (undici Pool) and prints a table of results against the goals.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { startEmulator, type EmulatorSeed } from '../src/emulator/index.js';

const USERS = 100_000;
const GROUPS = 1_000;
const MEMBERS_PER_GROUP = 50;
const CONNECTIONS = 4;
const SECONDS = 5;

type FromChild = { kind: 'ready'; url: string; token: string; seedMs: number } | { kind: 'rss'; rss: number; maxRss: number };

async function serve(): Promise<void> {
  const users = Array.from({ length: USERS }, (_, i) => ({ userName: `user${i}@example.com`, givenName: `Given${i}`, familyName: `Family${i}` }));
  const groups = Array.from({ length: GROUPS }, (_, g) => ({
    displayName: `group-${g}`,
    members: Array.from({ length: MEMBERS_PER_GROUP }, (_, m) => `user${(g * MEMBERS_PER_GROUP + m) % USERS}@example.com`),
  }));
  const seed: EmulatorSeed = { users, groups };
  const t0 = performance.now();
  const em = await startEmulator({ rateLimit: 0, seed, token: 'bench-token' });
  const seedMs = performance.now() - t0;
  users.length = 0;
  groups.length = 0;
  const send = (m: FromChild): void => void process.send?.(m);
  send({ kind: 'ready', url: em.url, token: em.token, seedMs });
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'rss') send({ kind: 'rss', rss: process.memoryUsage().rss, maxRss: process.resourceUsage().maxRSS * 1024 });
    if (m.kind === 'stop') void em.stop().then(() => process.exit(0));
  });
}

/** Runs `op` back to back on `CONNECTIONS` workers for `seconds`; returns completed ops per second. */
async function drive(seconds: number, op: (i: number) => Promise<void>): Promise<{ perSecond: number; count: number }> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) await op(count++);
    }),
  );
  return { perSecond: count / ((performance.now() - t0) / 1000), count };
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: process.execArgv, stdio: 'inherit' });
  const next = (): Promise<FromChild> => new Promise((resolve) => child.once('message', (m) => resolve(m as FromChild)));
  const ready = (await next()) as Extract<FromChild, { kind: 'ready' }>;
  const origin = new URL(ready.url).origin;
  const basePath = new URL(ready.url).pathname;
  const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
  const headers = { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' };
  let bytes = 0;
  const get = async (path: string): Promise<void> => {
    const r = await pool.request({ method: 'GET', path: basePath + path, headers });
    const body = await r.body.arrayBuffer();
    if (r.statusCode !== 200) throw new Error(`GET ${path}: ${r.statusCode}`);
    bytes += body.byteLength;
  };

  // Every page of 100 users, cycling through all 1,000 pages.
  const userPages = await drive(SECONDS, (i) => get(`Users?startIndex=${(i % (USERS / 100)) * 100 + 1}&itemsPerPage=100`));
  const pageBytes = bytes / userPages.count;
  const groupPages = await drive(2, (i) => get(`Groups?startIndex=${(i % (GROUPS / 100)) * 100 + 1}&itemsPerPage=100`));
  const lookups = await drive(2, (i) => get(`Users?filter=${encodeURIComponent(`userName eq "user${(i * 7919) % USERS}@example.com"`)}`));
  const creates = await drive(3, async (i) => {
    const email = `new${i}@example.com`;
    const body = JSON.stringify({ userName: email, name: { givenName: 'N', familyName: 'U' }, emails: [{ value: email, primary: true }] });
    const r = await pool.request({ method: 'POST', path: `${basePath}Users`, headers, body });
    await r.body.dump();
    if (r.statusCode !== 201) throw new Error(`POST /Users: ${r.statusCode}`);
  });
  child.send({ kind: 'rss' });
  const mem = (await next()) as Extract<FromChild, { kind: 'rss' }>;
  child.send({ kind: 'stop' });
  await pool.close();

  const mb = (n: number): number => n / 1024 / 1024;
  const rows: [string, string, string, string][] = [
    ['seed 100k users + 1k groups', `${(ready.seedMs / 1000).toFixed(2)} s`, '-', '-'],
    ['GET /Users pages/s (100 per page)', userPages.perSecond.toFixed(0), '>= 2000', `${(userPages.perSecond / 2000).toFixed(2)}x`],
    ['  bytes per page', pageBytes.toFixed(0), '-', '-'],
    ['GET /Groups pages/s (100 x 50 members)', groupPages.perSecond.toFixed(0), '-', '-'],
    ['userName eq lookups/s', lookups.perSecond.toFixed(0), '-', '-'],
    ['POST /Users creates/s', creates.perSecond.toFixed(0), '-', '-'],
    ['emulator RSS after load (MB)', mb(mem.rss).toFixed(0), '<= 300', `${(300 / mb(mem.rss)).toFixed(2)}x headroom`],
    ['emulator peak RSS (MB)', mb(mem.maxRss).toFixed(0), '<= 300', `${(300 / mb(mem.maxRss)).toFixed(2)}x headroom`],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[['metric', 'measured', 'goal', 'ratio'], ...rows].map((r) => (r[c] as string).length)));
  const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ');
  process.stdout.write(`emulator bench: ${CONNECTIONS} keep-alive connections, loopback, node ${process.version}\n`);
  process.stdout.write(`${line(['metric', 'measured', 'goal', 'ratio'])}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

if (process.argv.includes('--serve')) void serve();
else await main();
