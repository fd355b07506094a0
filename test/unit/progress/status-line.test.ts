import { describe, expect, it } from 'vitest';
import { createProgressReporter, createStatusLine } from '../../../src/progress/index.js';
import { createLogger } from '../../../src/log.js';

/**
 * The screen a terminal shows for what was written: `\r` returns to column 0, `ESC[2K` clears the line,
 * `\n` moves down, colours are ignored, text overwrites from the cursor.
 */
function fakeTerminal() {
  const rows: string[] = [''];
  let col = 0;
  const put = (ch: string): void => {
    const row = rows.length - 1;
    const line = rows[row]!.padEnd(col);
    rows[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col += 1;
  };
  return {
    write(chunk: string): boolean {
      // eslint-disable-next-line no-control-regex
      for (const token of chunk.split(/(\r|\n|\x1b\[[0-9;]*[A-Za-z])/)) {
        if (token === '') continue;
        if (token === '\r') col = 0;
        else if (token === '\n') {
          rows.push('');
          col = 0;
        } else if (token === '\x1b[2K') rows[rows.length - 1] = '';
        else if (token.startsWith('\x1b[')) continue;
        else for (const ch of token) put(ch);
      }
      return true;
    },
    screen: () => rows.map((r) => r.trimEnd()),
  };
}

describe('the terminal status line', () => {
  it('prints log lines above the progress line and redraws it, so neither is garbled', () => {
    const term = fakeTerminal();
    const line = createStatusLine(term);
    const logger = createLogger({ level: 'info', pretty: true, stream: { write: (s) => line.print(s) } });
    const progress = createProgressReporter({ total: 4, perMinute: 60, isTTY: true, logger, line });

    progress.update({ done: 1, failed: 0, total: 4 });
    logger.warn({ key: 'user:create:ann@x.com' }, 'operation failed');
    progress.update({ done: 2, failed: 1, total: 4 });
    logger.info('retrying SCIM request');
    expect(term.screen().at(-1)).toBe('applying 3/4 (75%), 1 failed, ETA 1s at 60/min');
    progress.update({ done: 3, failed: 1, total: 4 });
    progress.stop();
    logger.info('apply finished');

    const time = '\\[\\d\\d:\\d\\d:\\d\\d\\]';
    expect(term.screen()).toEqual([
      expect.stringMatching(new RegExp(`^${time} WARN: operation failed$`)),
      '    key: "user:create:ann@x.com"',
      expect.stringMatching(new RegExp(`^${time} INFO: retrying SCIM request$`)),
      // stop() leaves the final figures on screen; a later log line goes below them, not over them.
      'applying 4/4 (100%), 1 failed, ETA 0s at 60/min',
      expect.stringMatching(new RegExp(`^${time} INFO: apply finished$`)),
      '',
    ]);
  });

  it('prints plain text as it is when no status line is shown', () => {
    const term = fakeTerminal();
    const line = createStatusLine(term);
    line.print('stopping: waiting for 1 request in flight (Ctrl-C again to quit now)');
    line.print('');
    expect(term.screen()).toEqual(['stopping: waiting for 1 request in flight (Ctrl-C again to quit now)', '']);
  });

  it('a message printed while the line is shown keeps both readable', () => {
    const term = fakeTerminal();
    const line = createStatusLine(term);
    line.draw('applying 10/100 (10%), ETA 1m 00s at 90/min');
    line.print('stopping: waiting for 2 requests in flight (Ctrl-C again to quit now)\n');
    expect(term.screen()).toEqual(['stopping: waiting for 2 requests in flight (Ctrl-C again to quit now)', 'applying 10/100 (10%), ETA 1m 00s at 90/min']);
  });
});
