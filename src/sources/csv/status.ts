import type { CsvSourceConfig } from '../../config/index.js';

/**
 * The status column of an HR export, read through `source.statusValues`. HR systems write their own words
 * (Employed, Terminated, Leaver …); the built-in lists cover the common ones so that a leaver is not mistaken
 * for an unreadable row. A value in neither list is never guessed: the row is skipped and its person held.
 */
export const DEFAULT_STATUS_VALUES = {
  active: ['active', 'true', 'yes', '1', 'enabled', 'employed', 'current'],
  inactive: ['inactive', 'false', 'no', '0', 'disabled', 'terminated', 'leaver', 'left', 'former', 'suspended', 'deactivated'],
} as const;

export type StatusValues = NonNullable<CsvSourceConfig['statusValues']>;

/** Lower-cased, trimmed value → active. The configured lists extend the defaults and win over them. */
export type StatusTable = ReadonlyMap<string, boolean>;

export function statusTable(configured?: StatusValues): StatusTable {
  const table = new Map<string, boolean>();
  const put = (values: readonly string[], active: boolean): void => {
    for (const v of values) table.set(v.trim().toLowerCase(), active);
  };
  put(DEFAULT_STATUS_VALUES.active, true);
  put(DEFAULT_STATUS_VALUES.inactive, false);
  if (configured) {
    put(configured.active, true);
    put(configured.inactive, false);
  }
  // An empty cell means active, whatever the lists say: exports often leave the column blank for staff.
  table.set('', true);
  return table;
}

/** What an unmapped value does, as a skip reason and the fix an admin can act on. */
export function unknownStatus(raw: string, column: string): { reason: string; fix: string } {
  return {
    reason: `unknown status "${raw}" in column ${column}`,
    fix: `map it in source.statusValues: add "${raw.toLowerCase()}" under active or inactive`,
  };
}
