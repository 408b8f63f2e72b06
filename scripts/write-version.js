#!/usr/bin/env node
'use strict';
/**
 * Writes the version of libs/perform-chat/package.json into the `LIBRARY_VERSION` line of
 * libs/perform-chat/src/perform-chat.constants.ts, so that the User-Agent names the package's
 * real version in every build: the published dist/, the monorepo sources under ts-jest /
 * ts-node, and the demo's `nest build` output (dist/libs/perform-chat/src/..., which has no
 * package.json beside it), without looking for a package.json at run time.
 * `npm run build:lib` runs it; perform-chat.constants.spec.ts fails when the line is stale.
 *
 *   node scripts/write-version.js           write the line (only when it changes)
 *   node scripts/write-version.js --check   exit 1 when the line does not hold the version
 */
const fs = require('node:fs');
const path = require('node:path');

const libDir = path.resolve(__dirname, '..', 'libs', 'perform-chat');
const target = path.join(libDir, 'src', 'perform-chat.constants.ts');
const LINE = /^export const LIBRARY_VERSION = '[^'\n]*';$/m;

function fail(message) {
  console.error(`write-version: ${message}`);
  process.exit(1);
}

function main() {
  const { version } = JSON.parse(fs.readFileSync(path.join(libDir, 'package.json'), 'utf8'));
  if (typeof version !== 'string' || !/^[0-9A-Za-z.+-]+$/.test(version))
    fail('libs/perform-chat/package.json has no valid version');
  const source = fs.readFileSync(target, 'utf8');
  if (!LINE.test(source))
    fail(`${path.relative(process.cwd(), target)} has no line export const LIBRARY_VERSION = '...';`);
  const wanted = source.replace(LINE, `export const LIBRARY_VERSION = '${version}';`);
  if (process.argv.includes('--check')) {
    if (wanted !== source)
      fail(
        `LIBRARY_VERSION in ${path.relative(process.cwd(), target)} is not ${version}: run node scripts/write-version.js`,
      );
    return;
  }
  if (wanted !== source) fs.writeFileSync(target, wanted);
}

main();
