/**
 * scimsync's LDAP source vs `ldapsearch -E pr=500/noprompt` on the same slapd with 50,000 users.
 * Run: npm run build && npx tsx bench/ldap.ts   (needs slapd + ldap-utils: test/harness/install-directories.sh)
 * Env: BENCH_USERS (50000), BENCH_RUNS (7), BENCH_PORT (3990), BENCH_PROFILE=FILE.cpuprofile (profile
 * scimsync's reads only; summarise with `npx tsx bench/lib/cpuprofile.ts FILE`), BENCH_BASELINE_DIST=…/dist
 * (another build, e.g. main's, read in the same rounds: before/after).
 *
 * The two readers alternate in one loop (and swap which goes first each round), so each round's ratio
 * compares runs made seconds apart under the same machine load: on a shared machine the absolute times
 * move with the load, the per-round ratio much less. Prints median, IQR and min–max; the goal is a
 * median ratio of at most 1.25x.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
// The built code (what the CLI runs; `npm run build` first): its profile maps to real lines.
import { createLdapSource, type LdapSourceConfig } from '../dist/sources/ldap/index.js';
import type { Source } from '../dist/sources/port.js';
import { renderOpenLdapLdif } from '../test/harness/seed-files.js';
import type { Dataset, SeedUser } from '../test/harness/dataset.js';
import { sshaHash, startSlapd } from '../test/harness/start-directories.js';
import { rerunWithCliFlags } from './lib/cli-flags.js';
import { timedProcess } from './lib/cli.js';
import { startProfile } from './lib/profile.js';
import { rotated, spreadRow, spread, table } from './lib/table.js';

rerunWithCliFlags(import.meta.url);

const N = Number(process.env.BENCH_USERS ?? 50_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 7));
const PORT = Number(process.env.BENCH_PORT ?? 3990);
const PROFILE = process.env.BENCH_PROFILE;
const BASELINE = process.env.BENCH_BASELINE_DIST;
const PAGE = 500;
/** What scimsync asks for in this config (openldap, no groups): ldapsearch reads the same. */
const ATTRS = ['entryUUID', 'mail', 'givenName', 'sn'];

function dataset(n: number): Dataset {
  const users: SeedUser[] = [];
  for (let i = 1; i <= n; i++) {
    const login = `b${String(i).padStart(6, '0')}`;
    users.push({ login, cn: login, givenName: `Given${i}`, sn: `Family${i}`, mail: `${login}@example.com`, disabled: i % 100 === 0, ou: 'people' });
  }
  return { users, groups: [] };
}

/** slapd's CPU time so far (user + system), from /proc: the server's share of each read. */
function slapdCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 Hz on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

interface Run {
  wallMs: number;
  cpuMs: number;
  slapdMs: number;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const pw = 'svc-secret';
  // The LDIF and the dataset are built inside the call, so they are garbage before anything is measured
  // (held here, they would stay in the heap that every full GC of the measured reads walks).
  const slapd = await startSlapd({ port: PORT, ldif: renderOpenLdapLdif(dataset(N), { svc: sshaHash(pw), limited: sshaHash('unused') }) });
  const f = slapd.facts;
  const out = join(slapd.facts.dir, 'ldapsearch.ldif');
  process.stderr.write(`slapd with ${N} users ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  try {
    const config: LdapSourceConfig = {
      type: 'ldap',
      url: f.url,
      bindDN: f.bindDN,
      bindPassword: pw,
      tls: { startTLS: false, rejectUnauthorized: true, insecureHosts: [] },
      dialect: 'openldap',
      users: { base: f.usersBase, scope: 'sub' },
      attributes: { upnFallback: false, disabledFilter: '(employeeType=disabled)' },
      pageSize: PAGE,
      timeoutMs: 120_000,
    };
    const source = createLdapSource(config);
    const baseline = BASELINE
      ? ((await import(join(BASELINE, 'sources/ldap/index.js'))) as { createLdapSource: typeof createLdapSource }).createLdapSource(config)
      : undefined;
    const searchArgs = [
      '-x',
      '-LLL',
      '-H',
      f.url,
      '-D',
      f.bindDN,
      '-w',
      pw,
      '-b',
      f.usersBase,
      '-E',
      `pr=${PAGE}/noprompt`,
      '(objectClass=inetOrgPerson)',
      ...ATTRS,
    ];
    let users = 0;
    const read = async (src: Source): Promise<Run> => {
      const s0 = slapdCpuMs(f.pid);
      const c0 = process.cpuUsage();
      const a = performance.now();
      const snap = await src.read();
      const wallMs = performance.now() - a;
      const c = process.cpuUsage(c0);
      users = snap.users.length;
      return { wallMs, cpuMs: (c.user + c.system) / 1000, slapdMs: slapdCpuMs(f.pid) - s0 };
    };
    const theirs = async (): Promise<Run & { entries: number; rssMb: number }> => {
      const s0 = slapdCpuMs(f.pid);
      // Into a file, as a user would save it: a pipe into this process would make ldapsearch wait on it.
      const r = timedProcess('/usr/bin/ldapsearch', searchArgs, out);
      if (r.code !== 0) throw new Error(`ldapsearch exited ${r.code}: ${r.stderr}`);
      const ldif = readFileSync(out, 'latin1');
      const entries = (ldif.startsWith('dn: ') ? 1 : 0) + ldif.split('\ndn: ').length - 1;
      return { wallMs: r.seconds * 1000, cpuMs: r.cpuSeconds * 1000, slapdMs: slapdCpuMs(f.pid) - s0, entries, rssMb: r.maxRssMb };
    };
    // Warm each once (slapd's entry cache, V8's JIT) so no measured run pays for the first read.
    await theirs();
    await read(source);
    if (baseline) await read(baseline);
    const a: Run[] = [];
    const b: Awaited<ReturnType<typeof theirs>>[] = [];
    const c: Run[] = [];
    const contestants: (() => Promise<unknown>)[] = [
      async () => a.push(await read(source)),
      async () => b.push(await theirs()),
      ...(baseline ? [async () => c.push(await read(baseline))] : []),
    ];
    const roundRows: Record<string, string>[] = [];
    for (let i = 0; i < RUNS; i++) {
      await rotated(i, contestants);
      const x = a[i]!;
      const y = b[i]!;
      const z = c[i];
      roundRows.push({
        round: String(i + 1),
        'scimsync ms': x.wallMs.toFixed(0),
        'ldapsearch ms': y.wallMs.toFixed(0),
        ratio: (x.wallMs / y.wallMs).toFixed(2),
        ...(z ? { 'baseline ms': z.wallMs.toFixed(0), 'baseline ratio': (z.wallMs / y.wallMs).toFixed(2) } : {}),
        'scimsync CPU ms': x.cpuMs.toFixed(0),
        ...(z ? { 'baseline CPU ms': z.cpuMs.toFixed(0) } : {}),
        'slapd CPU ms (ours / theirs)': `${x.slapdMs.toFixed(0)} / ${y.slapdMs.toFixed(0)}`,
        load1: loadavg()[0]!.toFixed(1),
      });
      process.stderr.write(`round ${i + 1}/${RUNS}: ratio ${(x.wallMs / y.wallMs).toFixed(2)}${z ? `, baseline ${(z.wallMs / y.wallMs).toFixed(2)}` : ''}\n`);
    }
    if (PROFILE) {
      // Apart from the measured rounds, so the profiler's overhead is in no figure above.
      const profile = await startProfile();
      for (let i = 0; i < RUNS; i++) await source.read();
      await profile.stop(PROFILE);
      process.stderr.write(`profile of ${RUNS} scimsync reads in ${PROFILE}\n`);
    }
    const ratios = a.map((x, i) => x.wallMs / b[i]!.wallMs);
    const entries = b[0]!.entries;
    console.log(
      `\nLDAP read of ${N} users from slapd (127.0.0.1), page size ${PAGE}; scimsync reads users + the disabled filter (2 connections); ${users} users, ldapsearch ${entries} entries; node ${process.version} ${process.execArgv.filter((a) => a.startsWith('--max')).join(' ')}${BASELINE ? `; baseline ${BASELINE}` : ''}\n`,
    );
    console.log(table(roundRows));
    console.log(
      '\n' +
        table([
          spreadRow(
            'scimsync wall ms',
            a.map((x) => x.wallMs),
          ),
          spreadRow(
            'ldapsearch wall ms',
            b.map((x) => x.wallMs),
          ),
          spreadRow('ratio scimsync / ldapsearch (per round)', ratios, 2),
          spreadRow(
            'scimsync CPU ms (this process)',
            a.map((x) => x.cpuMs),
          ),
          spreadRow(
            'ldapsearch CPU ms',
            b.map((x) => x.cpuMs),
          ),
          spreadRow(
            'slapd CPU ms during scimsync read',
            a.map((x) => x.slapdMs),
          ),
          spreadRow(
            'slapd CPU ms during ldapsearch',
            b.map((x) => x.slapdMs),
          ),
          ...(baseline
            ? [
                spreadRow(
                  'baseline wall ms',
                  c.map((x) => x.wallMs),
                ),
                spreadRow(
                  'ratio baseline / ldapsearch (per round)',
                  c.map((x, i) => x.wallMs / b[i]!.wallMs),
                  2,
                ),
                spreadRow(
                  'baseline CPU ms',
                  c.map((x) => x.cpuMs),
                ),
                spreadRow(
                  'scimsync / baseline, wall (per round)',
                  a.map((x, i) => x.wallMs / c[i]!.wallMs),
                  2,
                ),
                spreadRow(
                  'scimsync / baseline, CPU (per round)',
                  a.map((x, i) => x.cpuMs / c[i]!.cpuMs),
                  2,
                ),
              ]
            : []),
        ]),
    );
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(`\npeak RSS: scimsync ${rss.toFixed(0)} MB (whole bench process), ldapsearch ${Math.max(...b.map((x) => x.rssMb)).toFixed(0)} MB`);
    console.log(`median ratio scimsync / ldapsearch: ${spread(ratios).median.toFixed(2)}x (goal <= 1.25x)`);
  } finally {
    await slapd.stop();
  }
}

await main();
