import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * A CPU profile of a stretch of this process (what `node --cpu-prof` records for a whole process), so a
 * benchmark can profile only what it measures. Read the file with bench/lib/cpuprofile.ts.
 */
export async function startProfile(intervalUs = 500): Promise<{ stop(path: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    async stop(path: string): Promise<void> {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(path, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
