#!/usr/bin/env node
// pikiraft-server [config-file] [--port N --dir D --bind ADDR ...]
import { Config, ConfigError } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { Server } from '../server/server.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = Config.fromArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`pikiraft-server: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.str('loglevel'), config.str('logfile'));
  const server = new Server(config, logger);
  const stop = (signal: string): void => {
    void server.stop(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    await server.start();
  } catch (e) {
    logger.fatal({ err: e }, `cannot start: ${(e as Error).message}`);
    logger.flush?.();
    process.exit(1);
  }
  await server.stopped;
  logger.flush?.();
  process.exit(0);
}

void main();
