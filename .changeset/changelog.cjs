// Changelog lines for `changeset version`: one entry per changeset, and at most one line per release
// for internal dependency updates (the default writes "Updated dependencies" once per changeset that
// touched a dependency, which fills a first changelog with identical lines).
'use strict';

async function getReleaseLine(changeset) {
  const [first, ...rest] = changeset.summary.split('\n').map((l) => l.trimEnd());
  return [`- ${first}`, ...rest.map((l) => (l ? `  ${l}` : ''))].join('\n');
}

async function getDependencyReleaseLine(_changesets, updated) {
  if (updated.length === 0) return '';
  return `- Updated dependencies: ${updated.map((d) => `${d.name}@${d.newVersion}`).join(', ')}`;
}

module.exports = { default: { getReleaseLine, getDependencyReleaseLine }, getReleaseLine, getDependencyReleaseLine };
