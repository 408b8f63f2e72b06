#!/usr/bin/env node
'use strict';
/**
 * `npm run pack:lib` (after `npm run build:lib`): the npm tarball of nestjs-performchat, checked.
 *
 * 1. Copies LICENSE and generates README.md into libs/perform-chat (both gitignored there; see
 *    scripts/package-readme.js for how the package README is derived from the root README);
 *    copies the emulator's README to dist/emulator/README.md (it documents the bin and the socket).
 * 2. `npm pack` in libs/perform-chat, into dist-pack/ (gitignored).
 * 3. Verifies the tarball: only package.json, README.md, LICENSE and dist/; nothing from src/,
 *    test/, specs, tsconfig, the monorepo; every target of main/types/exports/typesVersions is
 *    there; every .js has its .d.ts; the emulator is there; every bare require() of the built
 *    code is a Node built-in, a dependency or a peer, and the optional peers (@nestjs/terminus,
 *    ioredis, socket.io) are only required lazily, inside functions; no declaration file that the
 *    public entries reach names socket.io (a user compiling without it, skipLibCheck off, must
 *    not need its types); every `bin` is in the tarball and starts with a node shebang.
 * 4. Writes dist-pack/pack-report.json (tarball path, size, files) for the compatibility tests.
 *
 * Exit code 1 with one line per problem when a check fails. Publishing is then
 * `npm publish dist-pack/nestjs-performchat-<version>.tgz`.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { builtinModules } = require('node:module');
const { generatePackageReadme, checkPackageReadme } = require('./package-readme');

const root = path.resolve(__dirname, '..');
const libDir = path.join(root, 'libs', 'perform-chat');
const outDir = path.join(root, 'dist-pack');
const pkg = JSON.parse(fs.readFileSync(path.join(libDir, 'package.json'), 'utf8'));

function fail(problems) {
  console.error(`pack-lib: ${problems.length} problem(s):`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}

/** `@scope/name` or `name` of a bare specifier. */
function packageNameOf(specifier) {
  return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
}

/**
 * Every `require('<literal>')` of a built file, from its syntax tree (TypeScript's parser, a
 * devDependency of the monorepo): its line, whether it runs inside a function (lazily) or at
 * load time, and whether it sits in the block of a `try`.
 */
function requiresOf(file, source) {
  const ts = require('typescript');
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found = [];
  const visit = (node, inFunction, inTry) => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'require' &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      const line = tree.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push({ specifier: node.arguments[0].text, line, inFunction, inTry });
    }
    const fn = inFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
    if (ts.isTryStatement(node)) {
      visit(node.tryBlock, fn, true);
      if (node.catchClause) visit(node.catchClause, fn, inTry);
      if (node.finallyBlock) visit(node.finallyBlock, fn, inTry);
      return;
    }
    ts.forEachChild(node, (child) => visit(child, fn, inTry));
  };
  visit(tree, false, false);
  return found;
}

/**
 * The one load-time require of an optional peer the package makes on purpose: dist/otel/ (the
 * subpath nestjs-performchat/otel, useless without the API) requires @opentelemetry/api inside a
 * `try` that throws the install message. Anywhere else, or unguarded, it is a problem.
 */
function isGuardedOtelRequire(file, name, inTry) {
  return file.startsWith('dist/otel/') && name === '@opentelemetry/api' && inTry;
}

// 1. What the package carries besides dist/.
if (!fs.existsSync(path.join(libDir, 'dist', 'index.js'))) {
  fail(['libs/perform-chat/dist/index.js is missing: run `npm run build:lib` first (npm run pack:lib does)']);
}
fs.copyFileSync(path.join(root, 'LICENSE'), path.join(libDir, 'LICENSE'));
const readme = generatePackageReadme(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), pkg);
const readmeProblems = checkPackageReadme(readme, pkg);
if (readmeProblems.length > 0) {
  fail(readmeProblems.map((p) => `package README (generated from README.md; mark monorepo-only lines): ${p}`));
}
fs.writeFileSync(path.join(libDir, 'README.md'), readme);
fs.copyFileSync(
  path.join(root, 'libs', 'perform-chat-emulator', 'README.md'),
  path.join(libDir, 'dist', 'emulator', 'README.md'),
);

// 2. The tarball.
fs.mkdirSync(outDir, { recursive: true });
for (const old of fs.readdirSync(outDir)) {
  if (old.startsWith(`${pkg.name}-`) && old.endsWith('.tgz')) fs.rmSync(path.join(outDir, old));
}
const packOutput = execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], {
  cwd: libDir,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [packed] = JSON.parse(packOutput.slice(packOutput.indexOf('[')));
const tarball = path.join(outDir, packed.filename);

// 3. Checks, on what is really in the tarball.
const extractDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestjs-performchat-pack-'));
execFileSync('tar', ['-xzf', tarball, '-C', extractDir]);
const packageDir = path.join(extractDir, 'package');
const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
  .split('\n')
  .filter((line) => line && !line.endsWith('/'));
const files = entries.map((entry) => entry.replace(/^package\//, '')).sort();
const fileSet = new Set(files);
const problems = [];

for (const entry of entries) {
  if (!entry.startsWith('package/')) problems.push(`entry outside package/: ${entry}`);
}
const forbidden = [
  [/^(?!dist\/|package\.json$|README\.md$|LICENSE$)/, 'not package.json, README.md, LICENSE or dist/'],
  [/(^|\/)(src|test|tests|__tests__|bench|coverage|node_modules|libs|scripts|docs|spec)\//, 'a monorepo folder'],
  [/\.(spec|e2e-spec|compat-spec|test|bench)\.[cm]?[jt]s(\.map)?$/, 'a spec, test or benchmark'],
  [/\.spec\.d\.ts$/, 'a spec declaration'],
  [/(^|\/)tsconfig[^/]*\.json$/, 'a tsconfig'],
  [/\.tsbuildinfo$/, 'a TypeScript build cache'],
  [/(?<!\.d)\.[cm]?ts$/, 'TypeScript source'],
  [/(^|\/)\.env/, 'an env file'],
  [/\.tgz$/, 'a tarball'],
  [/(^|\/)(nest-cli|jest\.config|package-lock)\b/, 'monorepo configuration'],
];
for (const file of files) {
  for (const [pattern, what] of forbidden) {
    if (pattern.test(file)) problems.push(`${file}: ${what}`);
  }
}

const targets = new Set([pkg.main, pkg.types]);
(function collect(value) {
  if (typeof value === 'string') targets.add(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(collect);
})(pkg.exports);
for (const mapping of Object.values(pkg.typesVersions || {})) {
  for (const list of Object.values(mapping)) list.forEach((target) => targets.add(target));
}
for (const target of targets) {
  if (!target) continue;
  const file = path.posix.normalize(target).replace(/^\.\//, '');
  if (!fileSet.has(file)) problems.push(`${target} (main/types/exports/typesVersions) is not in the tarball`);
}
for (const [name, target] of Object.entries(pkg.bin || {})) {
  const file = path.posix.normalize(target).replace(/^\.\//, '');
  if (!fileSet.has(file)) problems.push(`bin ${name}: ${target} is not in the tarball`);
  else if (!fs.readFileSync(path.join(packageDir, file), 'utf8').startsWith('#!/usr/bin/env node\n')) {
    problems.push(`bin ${name}: ${target} does not start with #!/usr/bin/env node`);
  }
}
for (const required of [
  'package.json',
  'README.md',
  'LICENSE',
  'dist/emulator/index.js',
  'dist/emulator/index.d.ts',
  'dist/emulator/README.md',
  'dist/otel/index.js',
  'dist/otel/index.d.ts',
]) {
  if (!fileSet.has(required)) problems.push(`${required} is missing`);
}
for (const file of files) {
  if (file.endsWith('.js') && !fileSet.has(file.replace(/\.js$/, '.d.ts'))) problems.push(`${file} has no .d.ts`);
}
if (!/MIT License/.test(fs.readFileSync(path.join(packageDir, 'LICENSE'), 'utf8')))
  problems.push('LICENSE is not the MIT license');

const packedPkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
// The User-Agent of the built code names this package's version (scripts/write-version.js).
const builtUserAgent = require(path.join(packageDir, 'dist', 'perform-chat.constants.js')).LIBRARY_USER_AGENT;
if (builtUserAgent !== `${packedPkg.name}/${packedPkg.version}`) {
  problems.push(
    `dist/perform-chat.constants.js sends User-Agent ${builtUserAgent}, not ${packedPkg.name}/${packedPkg.version}`,
  );
}
for (const field of ['devDependencies', 'scripts', 'private']) {
  if (packedPkg[field] !== undefined) problems.push(`package.json has "${field}"`);
}
const dependencies = new Set(Object.keys(packedPkg.dependencies || {}));
const peers = new Set(Object.keys(packedPkg.peerDependencies || {}));
const optionalPeers = new Set(
  Object.entries(packedPkg.peerDependenciesMeta || {})
    .filter(([, meta]) => meta && meta.optional)
    .map(([name]) => name),
);
const builtins = new Set(builtinModules);
const usedDependencies = new Set();
for (const file of files.filter((f) => f.endsWith('.js'))) {
  const source = fs.readFileSync(path.join(packageDir, file), 'utf8');
  for (const { specifier, line, inFunction, inTry } of requiresOf(file, source)) {
    if (specifier.startsWith('.')) {
      const resolved = path.posix.join(path.posix.dirname(file), specifier);
      const candidates = [resolved, `${resolved}.js`, `${resolved}/index.js`];
      if (!candidates.some((c) => fileSet.has(c)))
        problems.push(`${file}:${line}: require('${specifier}') is not in the tarball`);
      continue;
    }
    const name = packageNameOf(specifier);
    if (specifier.startsWith('node:') || builtins.has(name)) continue;
    if (dependencies.has(name)) {
      usedDependencies.add(name);
      continue;
    }
    if (!peers.has(name)) {
      problems.push(`${file}:${line}: require('${specifier}') is neither a dependency nor a peer dependency`);
    } else if (optionalPeers.has(name) && !inFunction && !isGuardedOtelRequire(file, name, inTry)) {
      problems.push(
        `${file}:${line}: optional peer '${name}' is required at load time (require it lazily, in a function)`,
      );
    }
  }
}
// The core entry never loads the OpenTelemetry bridge (nor @opentelemetry/api): an app without it
// must keep working. Walks the require graph of dist/index.js and dist/emulator/index.js.
{
  const seen = new Set();
  const pendingJs = ['dist/index.js', 'dist/emulator/index.js'];
  while (pendingJs.length > 0) {
    const file = pendingJs.pop();
    if (seen.has(file) || !fileSet.has(file)) continue;
    seen.add(file);
    if (file.startsWith('dist/otel/'))
      problems.push(`${file} is loaded by the core entry (only nestjs-performchat/otel may load it)`);
    const source = fs.readFileSync(path.join(packageDir, file), 'utf8');
    for (const { specifier, line } of requiresOf(file, source)) {
      if (specifier.startsWith('.')) {
        const resolved = path.posix.join(path.posix.dirname(file), specifier);
        pendingJs.push(
          ...[resolved, `${resolved}.js`, `${resolved}/index.js`]
            .filter((candidate) => fileSet.has(candidate))
            .slice(0, 1),
        );
      } else if (packageNameOf(specifier) === '@opentelemetry/api') {
        problems.push(`${file}:${line}: the core entry requires @opentelemetry/api (only nestjs-performchat/otel may)`);
      }
    }
  }
}
for (const dependency of dependencies) {
  if (!usedDependencies.has(dependency)) problems.push(`dependency ${dependency} is never required by dist/`);
}
// Declarations reachable from the public entries must not name socket.io (an optional peer).
const reachable = new Set();
const pending = ['dist/index.d.ts', 'dist/emulator/index.d.ts', 'dist/otel/index.d.ts'];
while (pending.length > 0) {
  const file = pending.pop();
  if (reachable.has(file) || !fileSet.has(file)) continue;
  reachable.add(file);
  const source = fs.readFileSync(path.join(packageDir, file), 'utf8');
  for (const match of source.matchAll(/(?:from\s+|import\(\s*)(["'])([^"']+)\1/g)) {
    const specifier = match[2];
    if (specifier.startsWith('.')) {
      const resolved = path.posix.join(path.posix.dirname(file), specifier);
      pending.push(fileSet.has(`${resolved}.d.ts`) ? `${resolved}.d.ts` : `${resolved}/index.d.ts`);
    } else if (specifier === 'socket.io' || specifier.startsWith('socket.io/')) {
      problems.push(`${file}: a public declaration imports '${specifier}' (an optional peer): keep its types internal`);
    }
  }
}
fs.rmSync(extractDir, { recursive: true, force: true });

if (problems.length > 0) fail(problems);

// 4. Report.
const report = {
  name: packed.name,
  version: packed.version,
  tarball,
  filename: packed.filename,
  size: packed.size,
  unpackedSize: packed.unpackedSize,
  entryCount: files.length,
  sourceMaps: files.filter((f) => f.endsWith('.map')).length,
  files,
};
fs.writeFileSync(path.join(outDir, 'pack-report.json'), `${JSON.stringify(report, null, 2)}\n`);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
console.log(
  `pack-lib: ${path.relative(root, tarball)}: ${kb(packed.size)} packed, ${kb(packed.unpackedSize)} unpacked, ` +
    `${files.length} files (${report.sourceMaps} source maps); checks passed`,
);
