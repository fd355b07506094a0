import type { CsvSourceConfig } from '../../config/index.js';
import { SourceError } from '../../errors.js';
import type { DesiredSnapshot } from '../../model/types.js';
import type { Source } from '../port.js';
import { readCsvFile } from './decode.js';
import { buildGroups } from './groups.js';
import { statusTable } from './status.js';
import { parseTable, type CsvTable } from './table.js';
import { buildUsers } from './users.js';

export { splitGroups } from './users.js';

/** Reads and parses one CSV file (I/O at the edge; the row logic in users.ts/groups.ts is pure). */
async function readTable(cfg: CsvSourceConfig, which: 'users' | 'groups', path: string, signal?: AbortSignal): Promise<CsvTable> {
  return parseTable(await readCsvFile(path, `source.${which}`, cfg.encoding, signal), path, cfg.delimiter);
}

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
      const users = await readTable(cfg, 'users', cfg.users, signal);
      const groups = cfg.groups === undefined ? undefined : await readTable(cfg, 'groups', cfg.groups, signal);
      return snapshotFromTables(cfg, users, groups);
    },
    async close(): Promise<void> {
      // Nothing held open between reads.
    },
  };
}
