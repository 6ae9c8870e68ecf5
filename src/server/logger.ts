// pino JSON logs; pretty-printed when stdout is a TTY. Redis level names map onto pino's.
import { pino, type Logger } from 'pino';

const LEVELS: Record<string, string> = {
  trace: 'trace',
  debug: 'debug',
  verbose: 'debug',
  info: 'info',
  notice: 'info',
  warning: 'warn',
};

export function pinoLevel(redisLevel: string): string {
  return LEVELS[redisLevel] ?? 'info';
}

export function createLogger(level: string, logfile: string): Logger {
  const opts = { level: pinoLevel(level), base: { pid: process.pid } };
  if (logfile !== '') return pino(opts, pino.destination({ dest: logfile, mkdir: true, sync: false }));
  if (process.stdout.isTTY) {
    return pino({ ...opts, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(opts);
}
