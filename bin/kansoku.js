#!/usr/bin/env node
// Entry point: runs the compiled command-line interface (build with `npm run build`).
import { main } from '../dist/src/app/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
