/**
 * `scimsync plan | head -1`: the reader closes the pipe and the next write fails with EPIPE, emitted as an
 * 'error' event that would crash the process with a stack trace. A closed output is not the command's
 * failure (git and Terraform end quietly too): later writes are dropped and the exit code keeps its meaning
 * (2 = changes pending). An apply keeps going, so its state records what it did.
 */
export function endQuietlyOnClosedOutput(streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): { failed(): boolean } {
  let failed = false;
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      // Another failure (a full disk behind a redirect): say so once, where it can still be read.
      if (stream !== process.stderr) process.stderr.write(`error: cannot write the output: ${err.message}\n`);
      failed = true;
    });
  }
  return { failed: () => failed };
}
