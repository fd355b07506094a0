/**
 * scimsync's LDAP source vs `ldapsearch -E pr=500/noprompt` on the same slapd with 50,000 users.
 * Run: npx tsx bench/ldap.ts   (needs slapd + ldap-utils: test/harness/install-directories.sh)
 * Prints a table; the goal is a wall-time ratio of at most 1.5x.
 */
import { spawn } from 'node:child_process';
import { createLdapSource } from '../src/sources/ldap/index.js';
import { renderOpenLdapLdif } from '../test/harness/seed-files.js';
import type { Dataset, SeedUser } from '../test/harness/dataset.js';
import { sshaHash, startSlapd } from '../test/harness/start-directories.js';

const N = Number(process.env.BENCH_USERS ?? 50_000);
const PORT = Number(process.env.BENCH_PORT ?? 3990);

function dataset(n: number): Dataset {
  const users: SeedUser[] = [];
  for (let i = 1; i <= n; i++) {
    const login = `b${String(i).padStart(6, '0')}`;
    users.push({ login, cn: login, givenName: `Given${i}`, sn: `Family${i}`, mail: `${login}@example.com`, disabled: i % 100 === 0, ou: 'people' });
  }
  return { users, groups: [] };
}

function ldapsearch(args: string[]): Promise<{ ms: number; rssKb: number; entries: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // GNU time is not guaranteed; read the child's peak RSS from /proc while it runs.
    const child = spawn('/usr/bin/ldapsearch', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let entries = 0;
    let rssKb = 0;
    let partial = '';
    child.stdout.on('data', (b: Buffer) => {
      const lines = (partial + b.toString('latin1')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('dn: ')) entries++;
    });
    const timer = setInterval(() => {
      import('node:fs').then((fs) => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) rssKb = Math.max(rssKb, Number(m[1]));
        } catch {
          // exited
        }
      }, () => undefined);
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`ldapsearch exited ${code}`));
      else resolve({ ms: performance.now() - t0, rssKb, entries });
    });
  });
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const pw = 'svc-secret';
  const ldif = renderOpenLdapLdif(dataset(N), { svc: sshaHash(pw), limited: sshaHash('unused') });
  const slapd = await startSlapd({ port: PORT, ldif });
  const f = slapd.facts;
  process.stderr.write(`slapd with ${N} users ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  try {
    const source = createLdapSource({
      type: 'ldap',
      url: f.url,
      bindDN: f.bindDN,
      bindPassword: pw,
      tls: { startTLS: false, rejectUnauthorized: true, insecureHosts: [] },
      dialect: 'openldap',
      users: { base: f.usersBase, scope: 'sub' },
      attributes: { upnFallback: false, disabledFilter: '(employeeType=disabled)' },
      pageSize: 500,
      timeoutMs: 60_000,
    });
    const rows: string[][] = [];
    const attrs = ['entryUUID', 'mail', 'givenName', 'sn', 'uid'];
    // Warm the server cache once so neither side pays for the first read.
    await ldapsearch(['-x', '-LLL', '-H', f.url, '-D', f.bindDN, '-w', pw, '-b', f.usersBase, '-E', 'pr=500/noprompt', '(objectClass=inetOrgPerson)', ...attrs]);
    const runs = 3;
    const ours: number[] = [];
    const theirs: number[] = [];
    let users = 0;
    let entries = 0;
    let theirRss = 0;
    for (let i = 0; i < runs; i++) {
      const a = performance.now();
      const snap = await source.read();
      ours.push(performance.now() - a);
      users = snap.users.length;
      const r = await ldapsearch(['-x', '-LLL', '-H', f.url, '-D', f.bindDN, '-w', pw, '-b', f.usersBase, '-E', 'pr=500/noprompt', '(objectClass=inetOrgPerson)', ...attrs]);
      theirs.push(r.ms);
      entries = r.entries;
      theirRss = Math.max(theirRss, r.rssKb);
    }
    const med = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const ourRssMb = process.resourceUsage().maxRSS / 1024;
    rows.push(['scimsync ldap source (users + disabled filter)', `${users}`, `${med(ours).toFixed(0)}`, `${ourRssMb.toFixed(0)} (whole process)`]);
    rows.push(['ldapsearch -E pr=500/noprompt', `${entries}`, `${med(theirs).toFixed(0)}`, `${(theirRss / 1024).toFixed(0)}`]);
    const widths = [48, 9, 14, 22];
    const line = (cols: string[]): string => cols.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
    console.log(`\nLDAP read of ${N} users from slapd (127.0.0.1), page size 500, median of ${runs} runs\n`);
    console.log(line(['reader', 'entries', 'wall ms', 'peak RSS MB']));
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const r of rows) console.log(line(r));
    console.log(`\nratio scimsync / ldapsearch: ${(med(ours) / med(theirs)).toFixed(2)}x (goal <= 1.5x)`);
  } finally {
    await slapd.stop();
  }
}

await main();
