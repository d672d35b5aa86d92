// Structured JSON logs (pino). One root logger; requests and jobs get child loggers.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'makenot' }, timestamp: pino.stdTimeFunctions.isoTime });
}
