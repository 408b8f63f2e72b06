/**
 * Top self-time frames of a V8 CPU profile (`npm run bench -- --cpu-prof=<role>` writes them
 * to bench/profiles/):
 *
 *   npx ts-node --transpile-only bench/profile-top.ts bench/profiles/CPU.<...>.cpuprofile [count]
 *
 * Prints the share of samples per package (node_modules package, node: module, or our folder)
 * and the frames with the most self time.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  endTime: number;
}

function packageOf(url: string, functionName: string): string {
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.startsWith('node:')) return url.split('/')[0];
  if (!url) return functionName;
  return url
    .replace(/^file:\/\//, '')
    .replace(`${process.cwd()}/`, '')
    .split('/')
    .slice(0, 3)
    .join('/');
}

function main(): void {
  const [file, countArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [count]');
  const count = Number(countArg ?? 30);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(`file://${process.cwd()}/`, '');
    const frame = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    frames.set(frame, (frames.get(frame) ?? 0) + 1);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const show = (counts: Map<string, number>, limit: number) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, samples]) => `${((100 * samples) / total).toFixed(1).padStart(5)}%  ${key}`)
      .join('\n');
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  console.log(
    `${total} samples over ${seconds.toFixed(1)} s\n\nby package:\n${show(packages, 15)}\n\nself time:\n${show(frames, count)}`,
  );
}

main();
