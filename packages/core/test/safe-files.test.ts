// Hostile files, in-process: every case works inside a temporary folder it creates. Devices are only
// ever reached through a symlink planted in that folder, and only as read targets.
import { spawnSync } from 'node:child_process';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, FormatError, Generator, parseNpy, serializeLayersModel } from '../src/index.js';
import { FileError, readArray, readBytes, readModel, realPath, writeFileAtomic, writeFilesAtomic, writeGenerator } from '../src/node.js';

const dir = () => mkdtempSync(join(tmpdir(), 'inv-safe-'));
const fifo = (path: string): string => {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  return path;
};
/** The one-line message of what `fn` throws (and that it throws an InvError subclass). */
const thrown = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect(['FileError', 'FormatError']).toContain((e as Error).name);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('writes', () => {
  it('never writes through a symlink: not at the target, not at any temporary name', () => {
    const d = dir();
    const victim = join(d, 'victim.txt');
    writeFileSync(victim, 'precious');
    // The old predictable name, and our pattern with a dead process id: both are planted symlinks.
    symlinkSync(victim, join(d, `.out.json.${process.pid}.tmp`));
    symlinkSync(victim, join(d, '.out.json.inv-999999999-0123456789abcdef.tmp'));
    writeFileAtomic(join(d, 'out.json'), '{"ok":true}');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(d, 'out.json')).isFile()).toBe(true);
    expect(readFileSync(join(d, 'out.json'), 'utf8')).toBe('{"ok":true}');
    // A symlink at the target itself is refused, and left as it was.
    symlinkSync(victim, join(d, 'link.json'));
    expect(thrown(() => writeFileAtomic(join(d, 'link.json'), 'x'))).toMatch(/link.json: cannot write over a symbolic link; only a regular file is replaced/);
    expect(readlinkSync(join(d, 'link.json'))).toBe(victim);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('refuses a FIFO, a directory and a symlink to a device at the target, leaving no temporary', () => {
    const d = dir();
    fifo(join(d, 'pipe'));
    mkdirSync(join(d, 'folder'));
    symlinkSync('/dev/null', join(d, 'null'));
    expect(thrown(() => writeFileAtomic(join(d, 'pipe'), 'x'))).toMatch(/pipe: cannot write over a FIFO/);
    expect(thrown(() => writeFileAtomic(join(d, 'folder'), 'x'))).toMatch(/folder: cannot write over a directory/);
    expect(thrown(() => writeFileAtomic(join(d, 'null'), 'x'))).toMatch(/null: cannot write over a symbolic link/);
    expect(readdirSync(d).sort()).toEqual(['folder', 'null', 'pipe']);
  });

  it('refuses to replace a read-only file', () => {
    const d = dir();
    writeFileSync(join(d, 'kept.json'), 'old', { mode: 0o444 });
    expect(thrown(() => writeFileAtomic(join(d, 'kept.json'), 'new'))).toMatch(/kept.json: cannot write over a read-only file \(mode 444\)/);
    expect(readFileSync(join(d, 'kept.json'), 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['kept.json']);
  });

  it('refuses an output that is one of the inputs, by identity (a hard link counts)', () => {
    const d = dir();
    writeFileSync(join(d, 'y.json'), '[1]');
    linkSync(join(d, 'y.json'), join(d, 'alias.json'));
    expect(thrown(() => writeFileAtomic(join(d, 'alias.json'), '[2]', { inputs: [join(d, 'y.json')] }))).toMatch(/alias.json: is one of this command's input files/);
    expect(readFileSync(join(d, 'y.json'), 'utf8')).toBe('[1]');
  });

  it('writes all of a batch of outputs or none', () => {
    const d = dir();
    mkdirSync(join(d, 'img-reconstruction.png'));
    const files = [
      { path: join(d, 'new', 'result.json'), data: '{}' },
      { path: join(d, 'img-reconstruction.png'), data: new Uint8Array([1]) },
    ];
    expect(thrown(() => writeFilesAtomic(files))).toMatch(/img-reconstruction.png: cannot write over a directory/);
    expect(readdirSync(d)).toEqual(['img-reconstruction.png']);
    // A failure while staging (the second parent is a file) removes the folder made for the first.
    writeFileSync(join(d, 'file'), '');
    expect(thrown(() => writeFilesAtomic([{ path: join(d, 'new', 'a.json'), data: '{}' }, { path: join(d, 'file', 'b.json'), data: '{}' }]))).toMatch(/b.json: cannot write/);
    expect(readdirSync(d).sort()).toEqual(['file', 'img-reconstruction.png']);
  });

  it('removes temporaries of killed runs, never a live process\'s, nor other files', () => {
    const d = dir();
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout.trim());
    const stale = `.r.json.inv-${deadPid}-00112233445566ff.tmp`;
    const live = `.r.json.inv-${process.ppid}-00112233445566ff.tmp`;
    for (const f of [stale, live, '.r.json.tmp', 'r.json.inv-1-00112233445566ff.tmp.txt']) writeFileSync(join(d, f), 'x');
    writeFileAtomic(join(d, 'r.json'), '{}');
    expect(readdirSync(d).sort()).toEqual([live, '.r.json.tmp', 'r.json', 'r.json.inv-1-00112233445566ff.tmp.txt'].sort());
  });

  it('creates missing folders one level at a time, and reports a parent that is a file in one line', () => {
    const d = dir();
    writeFileAtomic(join(d, 'a', 'b', 'c.json'), '{}');
    expect(readFileSync(join(d, 'a', 'b', 'c.json'), 'utf8')).toBe('{}');
    writeFileSync(join(d, 'plain'), '');
    expect(thrown(() => writeFileAtomic(join(d, 'plain', 'x', 'c.json'), '{}'))).toMatch(/c.json: cannot write \(a parent is not a directory\)/);
  });
});

describe('reads', () => {
  it('reads only regular files: a FIFO is refused at once, a device behind a symlink too', () => {
    const d = dir();
    fifo(join(d, 'y.npy'));
    symlinkSync('/dev/zero', join(d, 'zero.npy'));
    expect(thrown(() => readArray(join(d, 'y.npy')))).toMatch(/y.npy: cannot read \(a FIFO, expected a regular file\)/);
    expect(thrown(() => readArray(join(d, 'zero.npy')))).toMatch(/zero.npy: cannot read \(a device, expected a regular file\)/);
    expect(thrown(() => readArray(d + '/'))).toMatch(/unknown array file type|is a directory/);
  });

  it('checks the size before reading: a sparse 3 GB file costs nothing', () => {
    const d = dir();
    const big = join(d, 'big.npy');
    writeFileSync(big, '');
    truncateSync(big, 3 * 1024 ** 3);
    const before = process.memoryUsage().rss;
    expect(thrown(() => readArray(big))).toMatch(/big.npy: 3221225472 bytes, larger than the limit of 67108864 bytes \(INV_MAX_ARRAY_BYTES\)/);
    expect(thrown(() => readBytes(big, { maxBytes: 10 }))).toMatch(/big.npy: 3221225472 bytes, larger than the limit of 10 bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 ** 2);
  });

  it('INV_MAX_ARRAY_BYTES overrides the array limit', () => {
    const d = dir();
    writeFileSync(join(d, 'y.npy'), encodeNpy(new Float64Array(100)));
    process.env.INV_MAX_ARRAY_BYTES = '500';
    try {
      expect(thrown(() => readArray(join(d, 'y.npy')))).toMatch(/y.npy: 928 bytes, larger than the limit of 500 bytes \(INV_MAX_ARRAY_BYTES\)/);
      process.env.INV_MAX_ARRAY_BYTES = 'lots';
      expect(() => readArray(join(d, 'y.npy'))).toThrow(/INV_MAX_ARRAY_BYTES: expected a positive whole number of bytes, got 'lots'/);
    } finally {
      delete process.env.INV_MAX_ARRAY_BYTES;
    }
    expect(readArray(join(d, 'y.npy')).shape).toEqual([100]);
  });

  it('realPath follows symbolic links and is undefined for a path that does not resolve', () => {
    const d = realpathSync(dir()); // tmpdir() may itself lie behind a link
    mkdirSync(join(d, 'data'));
    writeFileSync(join(d, 'data', 'y.npy'), 'x');
    symlinkSync(join(d, 'data'), join(d, 'alias'));
    symlinkSync(join(d, 'gone'), join(d, 'dangling'));
    expect(realPath(join(d, 'alias', 'y.npy'))).toBe(join(d, 'data', 'y.npy'));
    expect(realPath(join(d, 'dangling'))).toBeUndefined();
    expect(realPath(join(d, 'data', 'y.npy', 'below-a-file'))).toBeUndefined();
  });
});

describe('model files', () => {
  /** A small model in its own folder, with the manifest's paths replaced by `paths`. */
  function model(paths?: unknown[], edit?: (json: Record<string, any>) => void): { folder: string; path: string } {
    const root = dir();
    const folder = join(root, 'model');
    const path = writeGenerator(Generator.random([2, 3, 4], { seed: 1 }), folder);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    if (paths) json.weightsManifest[0].paths = paths;
    edit?.(json);
    writeFileSync(path, JSON.stringify(json));
    return { folder, path };
  }

  it('reads a model and reports the files it read', () => {
    const { folder, path } = model();
    expect(readModel(path).files).toEqual([path, join(folder, 'weights.bin')]);
  });

  it('refuses weight paths that leave the model folder, before opening them', () => {
    const { folder, path: p1 } = model(['../outside.bin']);
    writeFileSync(join(folder, '..', 'outside.bin'), new Uint8Array(4 * 18));
    expect(thrown(() => readModel(p1))).toMatch(/model.json: weight file '..\/outside.bin' is outside the model's folder; refused/);
    const { path: p2 } = model(['/etc/passwd']);
    const m2 = thrown(() => readModel(p2));
    expect(m2).toMatch(/weight file '\/etc\/passwd' must be a relative path inside the model's folder/);
    expect(m2).not.toMatch(/bytes/); // nothing about the outside file leaks
    const { folder: f3, path: p3 } = model(['zero.bin']);
    symlinkSync('/dev/zero', join(f3, 'zero.bin'));
    expect(thrown(() => readModel(p3))).toMatch(/weight file 'zero.bin' is outside the model's folder/);
    const { folder: f4, path: p4 } = model(['pipe.bin']);
    fifo(join(f4, 'pipe.bin'));
    expect(thrown(() => readModel(p4))).toMatch(/pipe.bin: cannot read \(a FIFO, expected a regular file\)/);
    // A symlink that stays inside the folder is fine.
    const { folder: f5, path: p5 } = model(['alias.bin']);
    symlinkSync('weights.bin', join(f5, 'alias.bin'));
    expect(readModel(p5).generator.outputDim).toBe(4);
  });

  it('bounds every shard by the manifest: a shard listed twice, or larger than declared, is refused', () => {
    const { path: p1 } = model(Array.from({ length: 2000 }, () => 'weights.bin'));
    expect(thrown(() => readModel(p1))).toMatch(/model.json: weight file 'weights.bin' is listed more than once in weightsManifest/);
    const { folder, path: p2 } = model();
    writeFileSync(join(folder, 'weights.bin'), '');
    truncateSync(join(folder, 'weights.bin'), 2 * 1024 ** 3);
    expect(thrown(() => readModel(p2))).toMatch(/weights.bin: 2147483648 bytes, larger than the limit of 72 bytes/);
    const { path: p3 } = model(undefined, (j) => (j.weightsManifest[0].weights[0].shape = [2e5, 2e5]));
    expect(thrown(() => readModel(p3))).toMatch(/the manifest declares 160000000048 weight bytes, more than the limit of 1073741824 \(INV_MAX_WEIGHT_BYTES\)/);
  });

  it('refuses duplicate weight names', () => {
    const { path } = model(undefined, (j) => (j.weightsManifest[0].weights[1].name = j.weightsManifest[0].weights[0].name));
    expect(thrown(() => readModel(path))).toMatch(/model.json: weight 'dense_1\/kernel' is listed more than once in weightsManifest/);
  });

  it('refuses JSON nested deeper than 64 levels before parsing it, and more than 256 layers', () => {
    const { path } = model(undefined, (j) => (j.modelTopology.config.name = 0));
    const text = readFileSync(path, 'utf8').replace('"name":0', `"name":${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    writeFileSync(path, text);
    expect(thrown(() => readModel(path))).toMatch(/model.json: JSON nested more than 64 levels deep \(the limit\)/);
    const files = serializeLayersModel(Generator.random([2, 2], { seed: 1 }));
    const layers = (files.modelJson.modelTopology as any).config.layers;
    for (let i = 0; i < 10_000; i++) layers.push({ class_name: 'Dropout', config: {} });
    expect(() => readModelJsonAndLayers(files.modelJson, files.weightData)).toThrow(/the model lists 10002 layers, more than the limit of 256/);
  });
});

function readModelJsonAndLayers(json: unknown, weights: Uint8Array): unknown {
  const d = dir();
  writeFileSync(join(d, 'weights.bin'), weights);
  writeFileSync(join(d, 'model.json'), JSON.stringify(json));
  return readModel(join(d, 'model.json'));
}

describe('.npy headers as Python literals', () => {
  const npy = (header: string, data: Uint8Array): Uint8Array => {
    const padded = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
    const out = new Uint8Array(10 + padded.length + data.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
    for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
    out.set(data, 10 + padded.length);
    return out;
  };
  const f8 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

  it("reads the real shape when a string in the header contains \"'shape': (2,)\"", () => {
    const bytes = npy(`{'note': "'shape': (2,)", 'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`, f8([1, 2, 3]));
    expect(parseNpy(bytes, 'x.npy')).toEqual({ shape: [3], data: Float64Array.from([1, 2, 3]) });
  });

  it('names pickled objects and strings for what they are', () => {
    expect(thrown(() => parseNpy(npy(`{'descr': '|O', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(8)), 'o.npy'))).toBe(
      `o.npy: unsupported dtype "|O" (Python objects, stored pickled: not read, for safety) (expected float32, float64, bool or integer)`,
    );
    expect(thrown(() => parseNpy(npy(`{'descr': '<U10', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(40)), 'u.npy'))).toMatch(/u.npy: unsupported dtype "<U10" \(strings\)/);
    expect(thrown(() => parseNpy(npy(`{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(8)), 's.npy'))).toMatch(/s.npy: structured dtypes are not supported/);
    expect(thrown(() => parseNpy(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'descr': '<f4'}`, new Uint8Array(8)), 'd.npy'))).toMatch(/d.npy: not a valid .npy file \(header is not a Python dict literal: key "descr" repeated/);
    expect(thrown(() => parseNpy(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,), }`, new Uint8Array(8)), 'f.npy'))).toMatch(/f.npy: not a valid .npy file/);
    expect(thrown(() => parseNpy(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2), }`, f8([1, 2])), 'p.npy'))).toMatch(/p.npy: not a valid .npy file \(shape is not a tuple/);
  });

  it('reads a huge declared shape as an error, without allocating it', () => {
    expect(thrown(() => parseNpy(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }`, f8([1])), 'h.npy'))).toMatch(/h.npy: expected 8000000000000 data bytes for shape \(1000000, 1000000\), found 8/);
  });
});

describe('errors are typed', () => {
  it('FileError and FormatError are the classes the loaders throw', () => {
    expect(new FileError('x')).toBeInstanceOf(Error);
    expect(new FormatError('x').code).toBe('ERR_FORMAT');
  });
});
