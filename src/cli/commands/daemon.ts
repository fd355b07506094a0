import { loadConfig } from '../../config/index.js';
import { startDaemon } from '../../daemon/index.js';
import { parseCommandArgs } from '../args.js';
import { loggerFor, requireConfigPath } from '../context.js';
import { formatError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { DAEMON } from '../specs.js';

/**
 * `scimsync daemon -c FILE [--run-now]`: apply on the config's schedule until SIGTERM/SIGINT, then exit 0 once
 * the in-flight operation has finished and state is flushed (1 if `daemon.shutdownTimeoutMs` passed first).
 * A bad config at start exits 1 at once: a daemon that can never run should crash-loop visibly.
 */
export async function daemonCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(DAEMON, argv);
  if (!args) return 0;
  const { values } = args;
  const configPath = requireConfigPath(values.config);
  const loaded = await loadConfig(configPath);
  const logger = loggerFor(loaded);

  let daemon;
  try {
    daemon = await startDaemon({ configPath, loaded, logger, runNow: values['run-now'] });
  } catch (err) {
    process.stderr.write(formatError(err, loaded.secrets));
    return 1;
  }
  const started = daemon;

  const stopped = new Promise<number>((resolve) => {
    onInterrupt({
      first(sig) {
        started.stop(sig).then(
          ({ clean }) => resolve(clean ? 0 : 1),
          (err: unknown) => {
            process.stderr.write(formatError(err, loaded.secrets));
            resolve(1);
          },
        );
      },
      second(sig) {
        // A second Ctrl-C means "now": state already flushed by the executor's batches is kept.
        logger.warn({ signal: sig }, 'second signal: exiting without waiting for the in-flight run');
        process.exit(1);
      },
    });
  });
  const code = await stopped;
  // Clean: everything is closed, but a stray handle (a keep-alive socket) must not hang the pod. Unclean: the
  // abandoned run still holds the loop, and the bound has passed, so leave now.
  setTimeout(() => process.exit(code), code === 0 ? 2_000 : 50).unref();
  return code;
}
