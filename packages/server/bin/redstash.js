#!/usr/bin/env node
// The `redstash` command. The server runs from its TypeScript sources, so tsx's loader goes in first.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
