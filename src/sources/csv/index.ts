import { resolve } from 'node:path';
import type { CsvSourceConfig } from '../../config/index.js';
import { SourceError } from '../../errors.js';
import { canonicalJson, type DesiredSnapshot } from '../../model/index.js';
import { KeptParses } from '../../kept-parses.js';
import type { Source } from '../port.js';
import { decodeCsv, readCsvBytes } from './decode.js';
import { buildGroups } from './groups.js';
import { statusTable } from './status.js';
import { parseTable, type CsvTable } from './table.js';
import { buildUsers } from './users.js';

export { splitGroups } from './users.js';

/** One CSV file's bytes parsed into a table (the row logic in users.ts/groups.ts is pure). */
function tableOf(cfg: CsvSourceConfig, bytes: Uint8Array, path: string): CsvTable {
  return parseTable(decodeCsv(bytes, path, cfg.encoding), path, cfg.delimiter);
}

/**
 * The daemon's snapshots by users file (kept-parses.ts): a run whose files and settings are unchanged skips
 * decoding and parsing (about 0.6 s of CPU at 100,000 rows). The files are still read whole every run.
 */
const keptSnapshots = new KeptParses<DesiredSnapshot>();

/** Parses already-read CSV text into a snapshot: what `read` does after I/O. */
function snapshotFromTables(cfg: Pick<CsvSourceConfig, 'columns' | 'statusValues'>, users: CsvTable, groups?: CsvTable): DesiredSnapshot {
  if (users.rows.length === 0) {
    throw new SourceError(`${users.file}: no users: refusing to treat an empty source as 'everyone left'`, {
      code: 'SCIMSYNC_SOURCE_INVALID',
      fix: users.header.length === 0 ? 'check the export: the file is empty' : 'check the export: the file has a header but no rows',
    });
  }
  const u = buildUsers(users, cfg.columns, statusTable(cfg.statusValues));
  if (u.users.length === 0) {
    const first = u.skipped[0];
    throw new SourceError(
      `${users.file}: no usable users: all ${u.skipped.length} rows were skipped (first: ${first ? `${first.entry}: ${first.reason}` : 'none'})`,
      { code: 'SCIMSYNC_SOURCE_INVALID', fix: first?.fix ?? 'check the export and source.columns: no row has a valid email and status value' },
    );
  }
  const g = buildGroups(u, groups);
  const skipped = [...u.skipped, ...g.skipped].map(({ line: _line, ...entry }) => entry);
  return { users: u.users, groups: g.groups, skipped, quarantined: [...u.quarantined].sort() };
}

/**
 * The CSV source: an HR export of users (and optionally a `group,email` file). Each `read` re-reads the files,
 * so the daemon always sees the latest export; a file that cannot be read completely throws SourceError.
 */
export function createCsvSource(cfg: CsvSourceConfig): Source {
  return {
    description: `csv ${cfg.users}`,
    async read(signal?: AbortSignal): Promise<DesiredSnapshot> {
      signal?.throwIfAborted();
      const users = await readCsvBytes(cfg.users, 'source.users', signal);
      const groups = cfg.groups === undefined ? undefined : { path: cfg.groups, bytes: await readCsvBytes(cfg.groups, 'source.groups', signal) };
      // Every setting of the source is an input: a changed column, status word or encoding parses again.
      return keptSnapshots.parseOf(`csv ${resolve(cfg.users)}`, [canonicalJson(cfg), users, groups?.bytes ?? ''], () =>
        snapshotFromTables(cfg, tableOf(cfg, users, cfg.users), groups && tableOf(cfg, groups.bytes, groups.path)),
      );
    },
    async close(): Promise<void> {
      // Nothing held open between reads.
    },
  };
}
