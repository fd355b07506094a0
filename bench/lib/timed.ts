import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/** What /usr/bin/time says about one child process: wall and CPU seconds, peak RSS. */
export interface Timed {
  readonly code: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMb: number;
  readonly stderr: string;
}

/**
 * Runs `cmd args` under GNU time, stdout into `stdoutFile` (a file, not a pipe into this process, so
 * reading it costs this process nothing while the child runs). Resolves when the child exits.
 */
export function timed(cmd: string, args: readonly string[], stdoutFile: string): Promise<Timed> {
  const fd = openSync(stdoutFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '@@time %e %U %S %M', cmd, ...args], { stdio: ['ignore', fd, 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      const m = /@@time (\S+) (\S+) (\S+) (\d+)\s*$/.exec(err);
      if (!m) return reject(new Error(`no timing from /usr/bin/time for ${cmd}: ${err.slice(-500)}`));
      resolve({
        code: code ?? -1,
        wallMs: Number(m[1]) * 1000,
        cpuMs: (Number(m[2]) + Number(m[3])) * 1000,
        maxRssMb: Number(m[4]) / 1024,
        stderr: err.slice(0, m.index),
      });
    });
  });
}
