// Keyspace commands (Redis db.c / expire.c): DEL, EXISTS, TYPE, RENAME, EXPIRE family, SCAN, ...
import type { Command } from './table.js';

export const keyspaceCommands: Command[] = [];
