#!/usr/bin/env node
'use strict';
/**
 * `npm run lint:layers`: the library's folders form layers (ARCHITECTURE.md); an import may
 * only go to the same folder or to a lower layer. Prints every import that runs back up and
 * exits 1 when there is one. Type-only imports count too: a cycle of types is still a cycle
 * for the reader.
 *
 * Usage: node scripts/check-layers.js [srcDir]   (default libs/perform-chat/src)
 */
const fs = require('node:fs');
const path = require('node:path');

/**
 * Lowest first. A folder (or a file named here on its own) may import its own files and any
 * unit of a lower layer. The contract of a pluggable strategy (an interface and its
 * same-named token, importing nothing) is a unit of its own, low enough for options/ to name
 * it as an option's type.
 */
const LAYERS = [
  ['perform-chat.messages.ts', 'perform-chat.constants.ts'],
  ['errors', 'customer-users/perform-chat-customer-user.store.ts'],
  ['telemetry'],
  ['options'],
  ['redis'],
  ['rate-limit', 'customer-users'],
  ['client'],
  ['rest', 'token-reuse'],
  ['health', 'auth'],
  ['instances'],
  ['perform-chat.module-definition.ts'],
  ['perform-chat.providers.ts'],
  ['perform-chat.module.ts'],
  ['index.ts'],
  // The OpenTelemetry bridge (nestjs-performchat/otel): above the public entry, so nothing of the
  // core can import it; it reads the core through the channel contract only (telemetry/).
  ['otel'],
];

function unitOf(srcDir, file) {
  const rel = path.relative(srcDir, file).split(path.sep).join('/');
  if (LAYERS.some((layer) => layer.includes(rel))) return rel;
  return rel.split('/')[0];
}

function layerOf(unit) {
  return LAYERS.findIndex((layer) => layer.includes(unit));
}

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|require\('(\.[^']+)'\)/g;

function resolveImport(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return `${base}.ts`;
}

function check(srcDir) {
  const problems = [];
  const files = sourceFiles(srcDir);
  for (const file of files) {
    const from = unitOf(srcDir, file);
    const fromLayer = layerOf(from);
    if (fromLayer === -1) {
      problems.push(
        `${path.relative(srcDir, file)}: '${from}' is in no layer (add it to LAYERS in scripts/check-layers.js and to ARCHITECTURE.md)`,
      );
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveImport(file, match[1] ?? match[2]);
      if (!target.startsWith(srcDir + path.sep)) {
        problems.push(`${path.relative(srcDir, file)} imports ${match[1] ?? match[2]}, outside the library`);
        continue;
      }
      const to = unitOf(srcDir, target);
      if (to === from) continue;
      const toLayer = layerOf(to);
      if (toLayer === -1 || toLayer >= fromLayer) {
        problems.push(
          `${path.relative(srcDir, file)} (${from}, layer ${fromLayer}) imports ${path.relative(srcDir, target)} (${to}, layer ${toLayer}): ` +
            'an import may only go to the same folder or to a lower layer',
        );
      }
    }
  }
  return { files: files.length, problems };
}

if (require.main === module) {
  const srcDir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'libs', 'perform-chat', 'src'));
  const { files, problems } = check(srcDir);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} import(s) against the layering of ARCHITECTURE.md:`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  console.log(`check-layers: ${files} files, every import goes down or sideways within its folder`);
}

module.exports = { check, LAYERS };
