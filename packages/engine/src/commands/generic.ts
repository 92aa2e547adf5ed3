import type { CommandDef } from '../command/table.ts';

export const genericCommands: CommandDef[] = [];
