// Helpers shared by the processing tests: fixtures generated into a temp dir per test file, and
// checks that run the real ffprobe/ffmpeg on what was produced.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { locateTools, runOk, type Tools } from './ffmpeg.ts';
import { makeFixtures, type Fixtures } from './fixtures.ts';
import { ffprobe, type Probe } from './identify.ts';
import type { Output, OutputRole } from './types.ts';

export interface Env { tools: Tools; fx: Fixtures; dir: string; work: (name: string) => string }

/** Registers before/after hooks; the returned object is filled in once `before` has run. */
export function fixtureEnv(): Env {
  const env = {} as Env;
  before(async () => {
    env.tools = await locateTools();
    env.dir = await mkdtemp(path.join(os.tmpdir(), 'makenot-media-'));
    env.fx = await makeFixtures(path.join(env.dir, 'in'), env.tools);
    env.work = (name) => path.join(env.dir, 'work', name);
  });
  after(async () => { if (env.dir) await rm(env.dir, { recursive: true, force: true }); });
  return env;
}

export async function probe(tools: Tools, file: string): Promise<Probe> {
  return ffprobe(tools, file, undefined);
}

/** Decodes the whole file; throws if ffmpeg reports any error. */
export async function decodesCleanly(tools: Tools, file: string): Promise<void> {
  const r = await runOk(tools.ffmpeg, ['-v', 'error', '-nostdin', '-i', `file:${file}`, '-f', 'null', '-'], { timeoutMs: 120_000 });
  if (r.stderr.trim()) throw new Error(`decoding ${file} reported: ${r.stderr.trim().slice(0, 300)}`);
}

export function byRole(outputs: Output[], role: OutputRole): Output {
  const o = outputs.find((x) => x.role === role);
  if (!o) throw new Error(`no ${role} output among ${outputs.map((x) => x.role).join(', ')}`);
  return o;
}

/** Top-level MP4 box types in order, e.g. ['ftyp', 'moov', 'mdat'] for a faststart file. */
export async function topLevelBoxes(file: string): Promise<string[]> {
  const buf = await readFile(file);
  const types: string[] = [];
  let p = 0;
  while (p + 8 <= buf.length) {
    let size = buf.readUInt32BE(p);
    const type = buf.subarray(p + 4, p + 8).toString('latin1');
    if (size === 1) size = Number(buf.readBigUInt64BE(p + 8));
    if (size === 0) size = buf.length - p;
    types.push(type);
    if (size < 8) break;
    p += size;
  }
  return types;
}
