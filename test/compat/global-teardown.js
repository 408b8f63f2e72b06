'use strict';
/**
 * After the compatibility run: the table of what ran (one row per app, platform and Node
 * version, with the versions npm installed), printed and written to
 * dist-pack/compat/compat-report.md and .json. Removes the throwaway apps unless COMPAT_KEEP=1.
 */
const fs = require('node:fs');
const path = require('node:path');

const compatDir = path.resolve(__dirname, '../../dist-pack/compat');

module.exports = async function globalTeardown() {
  const setupFile = path.join(compatDir, 'setup.json');
  if (!fs.existsSync(setupFile)) return;
  const setup = JSON.parse(fs.readFileSync(setupFile, 'utf8'));
  const resultsDir = path.join(compatDir, 'results');
  const rows = fs
    .readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')))
    .sort((a, b) =>
      `${a.nest}${a.platform}${a.app}${a.node}`.localeCompare(`${b.nest}${b.platform}${b.app}${b.node}`, 'en', {
        numeric: true,
      }),
    );

  const lines = [
    `Compatibility run of ${path.basename(setup.tarball)}, ${new Date().toISOString().slice(0, 10)}, npm ${setup.npm}`,
    '',
    '| App | Nest (@nestjs/core) | Platform | Modules | Node | Result | Also installed |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const v = row.versions;
    const platformPkg = row.platform === 'Fastify' ? '@nestjs/platform-fastify' : '@nestjs/platform-express';
    const others = [
      '@nestjs/axios',
      '@nestjs/terminus',
      '@nestjs/config',
      'axios',
      'class-validator',
      'rxjs',
      'typescript',
      'jest',
      'vitest',
    ]
      .filter((name) => v[name])
      .map((name) => `${name} ${v[name]}`)
      .join(', ');
    lines.push(
      `| ${row.app} | ${v['@nestjs/core'] ?? '?'} | ${row.platform} ${v[platformPkg] ?? ''} | ${row.moduleSystem} | ${row.node} | ` +
        `${row.status === 'pass' ? 'pass' : `**FAIL**: ${String(row.failure).split('\n')[0].slice(0, 200)}`} | ${others} |`,
    );
  }
  const markdown = `${lines.join('\n')}\n`;
  fs.writeFileSync(path.join(compatDir, 'compat-report.md'), markdown);
  fs.writeFileSync(path.join(compatDir, 'compat-report.json'), `${JSON.stringify({ ...setup, rows }, null, 2)}\n`);
  console.log(`\n${markdown}`);

  if (process.env.COMPAT_KEEP === '1') console.log(`compat: apps kept in ${setup.workDir}`);
  else fs.rmSync(setup.workDir, { recursive: true, force: true });
};
