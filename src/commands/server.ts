// Server commands (Redis server.c / config.c / debug.c): INFO, CONFIG, CLIENT, COMMAND, TIME, ...
import type { Command } from './table.js';

export const serverCommands: Command[] = [];
