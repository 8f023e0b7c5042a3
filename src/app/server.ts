/** `kansoku server`: runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
import type { ServerFlags } from '../config/index.js';
import { Logger } from '../util/index.js';
import { Kansoku } from './kansoku.js';
import type { BuildInfo } from './version.js';

/**
 * Runs the server. Resolves with the exit code: 0 after a graceful shutdown, 1 when startup
 * failed. SIGHUP re-reads and validates the configuration file.
 */
export async function runServer(flags: ServerFlags, build: BuildInfo): Promise<number> {
  // A closed log pipe (the parent went away first) must not crash the shutdown.
  process.stderr.on('error', ignoreStreamError);
  const logger = new Logger({
    level: flags.logLevel,
    format: flags.logFormat,
    sink: process.stderr,
  });
  logger.info('starting Kansoku', {
    version: build.version,
    node: process.version,
    pid: process.pid,
  });
  const app = new Kansoku(flags, logger, build);
  let stopSignal: ((sig: NodeJS.Signals) => void) | undefined;
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    stopSignal = resolve;
  });
  let shuttingDown = false;
  const onStop = (sig: NodeJS.Signals): void => {
    if (shuttingDown) {
      logger.warn('already shutting down', { signal: sig });
      return;
    }
    shuttingDown = true;
    stopSignal?.(sig);
  };
  const onHup = (): void => {
    logger.info('received SIGHUP: reloading the configuration');
    void app.reload();
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onHup);
  try {
    try {
      await app.start();
    } catch (err) {
      logger.error('cannot start', { err });
      await app.stop().catch((e: unknown) => {
        logger.error('cannot stop cleanly', { err: e });
      });
      return 1;
    }
    const sig = await stopped;
    logger.info('received signal, shutting down', { signal: sig });
    try {
      await app.stop();
    } catch (err) {
      logger.error('cannot stop cleanly', { err });
      return 1;
    }
    logger.info('see you next time');
    return 0;
  } finally {
    process.stderr.off('error', ignoreStreamError);
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onHup);
  }
}

function ignoreStreamError(): void {
  // Logging is best effort once nobody reads standard error.
}
