#!/usr/bin/env node
// The headless runner: see `idc-lab --help`. The code lives in the built bundle.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(`idc-lab: ${cli} is missing; run \`npm run build\` in ${path.dirname(__dirname)}\n`);
  process.exit(2);
}
require(cli).runCli();
