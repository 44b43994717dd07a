#!/usr/bin/env node
import { runCli } from './cli/run-cli.ts';

// Exit explicitly: Redis clients and timers of a stopped deployment must not keep the process alive.
process.exit(await runCli(process.argv));
