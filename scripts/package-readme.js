'use strict';
/**
 * The README of the npm package, generated from the repository's README.md at pack time, so
 * that there is one hand-edited README and the package never carries monorepo instructions.
 *
 * Rules (applied in this order):
 * 1. `<!-- monorepo-only -->` ... `<!-- /monorepo-only -->` (inline or over several lines) is
 *    dropped: lines that only make sense in a clone of the repository (`npm start`, paths of
 *    tests and benchmarks, the demo app). GitHub renders the markers as nothing.
 * 2. `<!-- package-only: text -->` is replaced by `text` (invisible on GitHub).
 * 3. The `## Development` section (contributors only) is dropped, up to the next `## ` heading.
 * 4. Links to files of the repository (relative links that are not `#anchors`) become links
 *    into the repository when package.json has a GitHub `repository`, otherwise plain text;
 *    links to a file the package ships itself (`files`: LICENSE) stay as they are.
 * 5. Links to anchors that no longer exist are removed from ` · `-separated lists (the table
 *    of contents); anywhere else they are an error.
 *
 * `checkPackageReadme` then refuses what would mislead a user of the package: an `npm start`,
 * `npm test`, `npm ci` or `npm run` outside a code block that installs the package, a
 * remaining relative link, a dangling anchor, an unbalanced marker.
 */

const MONOREPO_ONLY = /<!--\s*monorepo-only\s*-->[\s\S]*?<!--\s*\/monorepo-only\s*-->/g;
const PACKAGE_ONLY = /<!--\s*package-only:\s*([\s\S]*?)\s*-->/g;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1/-2 for repeats. */
function headingSlugs(markdown) {
  const slugs = new Set();
  const seen = new Map();
  for (const line of withoutCodeBlocks(markdown).split('\n')) {
    const match = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    const base = match[1]
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** The markdown with fenced code blocks blanked (line count kept), for checks on prose only. */
function withoutCodeBlocks(markdown) {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

function githubBase(repository) {
  const url = typeof repository === 'string' ? repository : repository && repository.url;
  if (!url) return undefined;
  const match = /github\.com[/:]([^/]+\/[^/.]+?)(\.git)?$/.exec(url);
  return match ? `https://github.com/${match[1]}/blob/HEAD/` : undefined;
}

/**
 * @param {string} rootReadme the repository's README.md
 * @param {{ repository?: string | { url?: string } }} pkg the package's package.json
 * @returns {string} the package README
 */
function generatePackageReadme(rootReadme, pkg = {}) {
  const opened = (rootReadme.match(/<!--\s*monorepo-only\s*-->/g) || []).length;
  const closed = (rootReadme.match(/<!--\s*\/monorepo-only\s*-->/g) || []).length;
  if (opened !== closed) {
    throw new Error(`README.md: ${opened} <!-- monorepo-only --> markers but ${closed} <!-- /monorepo-only -->`);
  }
  let text = rootReadme.replace(/\r\n/g, '\n');
  text = text.replace(MONOREPO_ONLY, '');
  text = text.replace(PACKAGE_ONLY, (_, inner) => inner);
  text = text.replace(/^## Development\n[\s\S]*?(?=^## )/m, '');

  const base = githubBase(pkg.repository);
  const shipped = new Set(pkg.files || []);
  text = text.replace(/(!?)\[([^\]]*)\]\(([^)\s]+)\)/g, (whole, bang, label, target) => {
    if (/^(#|[a-z][a-z0-9+.-]*:)/i.test(target)) return whole;
    const path = target.replace(/^\.\//, '');
    if (shipped.has(path)) return whole; // LICENSE: in the package too
    if (base) return `${bang}[${label}](${base}${path})`;
    return label.replace(/^`|`$/g, '') === path ? `\`${path}\` (in the source repository)` : label;
  });

  const slugs = headingSlugs(text);
  text = text.replace(/\s*·\s*\[[^\]]*\]\(#([^)]+)\)/g, (whole, anchor) => (slugs.has(anchor) ? whole : ''));
  text = text.replace(/\[[^\]]*\]\(#([^)]+)\)\s*·\s*/g, (whole, anchor) => (slugs.has(anchor) ? whole : ''));
  return `${text.replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

/**
 * Problems of a generated package README, one string each ("line N: ..."); empty when fine.
 * @param {string} readme
 * @param {{ files?: string[] }} pkg the package's package.json (links to its `files` are fine)
 */
function checkPackageReadme(readme, pkg = {}) {
  const problems = [];
  const shipped = new Set(pkg.files || []);
  const slugs = headingSlugs(readme);
  const prose = withoutCodeBlocks(readme).split('\n');
  const all = readme.split('\n');
  all.forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (/<!--\s*\/?(monorepo-only|package-only)/.test(line)) problems.push(`${where}: leftover marker: ${line.trim()}`);
    if (/\bnpm (start|test|ci|run)\b/.test(line)) problems.push(`${where}: monorepo command: ${line.trim()}`);
  });
  prose.forEach((line, index) => {
    const where = `line ${index + 1}`;
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (target.startsWith('#')) {
        if (!slugs.has(target.slice(1))) problems.push(`${where}: link to a missing anchor ${target}`);
      } else if (!/^[a-z][a-z0-9+.-]*:/i.test(target) && !shipped.has(target.replace(/^\.\//, ''))) {
        problems.push(`${where}: relative link ${target} (the package does not ship it)`);
      }
    }
  });
  return problems;
}

module.exports = { generatePackageReadme, checkPackageReadme, headingSlugs };
