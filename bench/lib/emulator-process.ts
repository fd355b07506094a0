import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The emulator in its own process (the real `scimsync emulator` command from dist/), so that what a
 * benchmark measures in its own process (RSS, CPU) is scimsync's alone. Needs `npm run build` first.
 */
export interface EmulatorProcess {
  readonly url: string;
  readonly token: string;
  stats(): Promise<{ total: number; byMethod: Record<string, number>; byRoute: Record<string, number>; byStatus: Record<string, number> }>;
  resetStats(): Promise<void>;
  /** The emulator's log of user events (invite, remove, …), each with the emulator's own time. */
  events(): Promise<{ type: string; userName: string; at: string }[]>;
  stop(): Promise<void>;
}

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export async function startEmulatorProcess(args: string[], token = 'bench-token'): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--max-old-space-size=4096', CLI, 'emulator', '--port', '0', '--token', token, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}`)));
  });
  const admin = new URL('/_admin/', url);
  const call = async (path: string, method = 'GET') => {
    // connection: close: a kept-alive socket the emulator closed while the bench ran a CLI would fail this call.
    const res = await fetch(new URL(path, admin), { method, headers: { authorization: `Bearer ${token}`, connection: 'close' } });
    if (!res.ok) throw new Error(`admin ${path}: ${res.status}`);
    const text = await res.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    url,
    token,
    stats: async () => (await call('stats')) as Awaited<ReturnType<EmulatorProcess['stats']>>,
    resetStats: async () => {
      await call('reset-stats', 'POST');
    },
    events: async () => (await call('events')) as Awaited<ReturnType<EmulatorProcess['events']>>,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// Benchmarks that started from here import the table from this module.
export { table } from './table.js';
