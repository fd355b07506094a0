const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface InterruptHandlers {
  /** The first SIGINT/SIGTERM: stop taking work, say what is being waited for. */
  first(signal: NodeJS.Signals): void;
  /** Any later one: the person means "now". */
  second(signal: NodeJS.Signals): void;
}

/**
 * Ctrl-C like Terraform and kubectl: the first stops gracefully, the second quits at once. The listeners
 * stay until `dispose`, so a second Ctrl-C never falls back to Node's default (killed without a word
 * and without saving).
 */
export function onInterrupt(handlers: InterruptHandlers, proc: Pick<NodeJS.Process, 'on' | 'off'> = process): { dispose(): void } {
  let received = 0;
  const listener = (signal: NodeJS.Signals): void => {
    received += 1;
    if (received === 1) handlers.first(signal);
    else handlers.second(signal);
  };
  for (const s of SIGNALS) proc.on(s, listener);
  return {
    dispose() {
      for (const s of SIGNALS) proc.off(s, listener);
    },
  };
}
