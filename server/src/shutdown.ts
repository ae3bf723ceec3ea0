import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/**
 * Graceful stop with a deadline (the idea of close-with-grace).
 *
 * `app.close()` is the hook list: Fastify runs the app's `preClose` hooks (live streams end
 * there: an open stream would otherwise keep the server waiting for its client), stops
 * accepting connections, lets in-flight requests finish, then runs the `onClose` hooks (workers
 * and timers stop there). Features register into it with `app.addHook('preClose' | 'onClose', fn)`.
 * After all of that the database closes, last, because hooks may still write to it.
 *
 * If the whole sequence has not finished within the deadline the process exits anyway (code 1):
 * an orchestrator's SIGKILL must never be what stops us.
 */
export interface CloseStep {
  name: string;
  run: () => Promise<unknown>;
}

export async function closeWithDeadline(
  steps: CloseStep[],
  timeoutMs: number,
  log: Pick<FastifyBaseLogger, 'error'>,
): Promise<'closed' | 'failed' | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  const work = (async () => {
    let ok = true;
    for (const step of steps) {
      try {
        await step.run();
      } catch (err) {
        ok = false;
        log.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    return ok ? ('closed' as const) : ('failed' as const);
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function installShutdown(opts: {
  app: FastifyInstance;
  /** Run after the app has closed (the database, the data folder lock). */
  after: CloseStep[];
  timeoutMs: number;
  log: FastifyBaseLogger;
}): void {
  const { app, log } = opts;
  let closing = false;

  const shutdown = async (reason: string, exitCode: number) => {
    if (closing) return;
    closing = true;
    log.info({ reason, timeoutMs: opts.timeoutMs }, 'shutting down');
    const outcome = await closeWithDeadline(
      [{ name: 'http server and hooks', run: () => app.close() }, ...opts.after],
      opts.timeoutMs,
      log,
    );
    if (outcome === 'timed out')
      log.error({ timeoutMs: opts.timeoutMs }, 'shutdown deadline passed; exiting now');
    else log.info({ outcome }, 'stopped');
    process.exit(outcome === 'closed' ? exitCode : 1);
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C while closing means "now".
      if (closing) process.exit(130);
      void shutdown(signal, 0);
    });
  }
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled promise rejection');
    void shutdown('unhandledRejection', 1);
  });
}
