import type { CommandDef } from '../command/table.ts';

export const setCommands: CommandDef[] = [];
