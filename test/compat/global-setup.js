'use strict';
/**
 * Before the compatibility run: packs the library (`npm run pack:lib`, which builds and checks
 * the tarball), creates the temp folder of the throwaway apps and prepares the Node runtimes.
 * Runtimes other than `system` come from the npm registry package node-<platform>-<arch>
 * (the official Node binary, published there), unpacked once into a cache folder.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const outDir = path.join(root, 'dist-pack');
const compatDir = path.join(outDir, 'compat');
const runtimeCache = path.join(os.tmpdir(), 'nestjs-performchat-compat-node');

function npm(args, options = {}) {
  const cache = process.env.COMPAT_NPM_CACHE ? ['--cache', process.env.COMPAT_NPM_CACHE] : [];
  return execFileSync('npm', [...args, ...cache], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function nodePackage() {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  return `node-${platform}-${process.arch}`;
}

function prepareRuntime(spec) {
  if (spec === 'system') return { version: process.versions.node, bin: process.execPath, source: 'system' };
  const pkg = nodePackage();
  const viewed = JSON.parse(npm(['view', `${pkg}@${spec}`, 'version', '--json']));
  const version = Array.isArray(viewed) ? viewed[viewed.length - 1] : viewed;
  if (!version) throw new Error(`no ${pkg} version matches ${spec}`);
  const dir = path.join(runtimeCache, `${pkg}-${version}`);
  const bin = path.join(dir, 'package', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const packed = JSON.parse(
      npm(['pack', `${pkg}@${version}`, '--json', '--prefer-offline', '--pack-destination', dir]),
    );
    const tarball = path.join(dir, packed[0].filename);
    execFileSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin']);
    fs.rmSync(tarball);
  }
  const actual = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  return { version: actual, bin, source: `${pkg}@${version}` };
}

module.exports = async function globalSetup() {
  const reportFile = path.join(outDir, 'pack-report.json');
  if (process.env.COMPAT_SKIP_PACK === '1' && fs.existsSync(reportFile)) {
    console.log('\ncompat: COMPAT_SKIP_PACK=1, using the existing dist-pack/');
  } else {
    console.log('\ncompat: npm run pack:lib');
    execFileSync('npm', ['run', 'pack:lib', '--silent'], { cwd: root, stdio: 'inherit' });
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));

  fs.rmSync(compatDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(compatDir, 'results'), { recursive: true });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestjs-performchat-compat-'));

  const runtimes = [];
  for (const spec of (process.env.COMPAT_NODE || 'system,20.19.0,22')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const runtime = prepareRuntime(spec);
    if (!runtimes.some((r) => r.version === runtime.version)) runtimes.push(runtime);
  }
  console.log(
    `compat: ${report.filename} (${report.entryCount} files); Node ${runtimes.map((r) => `${r.version} (${r.source})`).join(', ')}; apps in ${workDir}`,
  );
  fs.writeFileSync(
    path.join(compatDir, 'setup.json'),
    `${JSON.stringify({ tarball: report.tarball, workDir, runtimes, npm: npm(['--version']).trim() }, null, 2)}\n`,
  );
};
