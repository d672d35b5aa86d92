// Processing benchmark: `npx tsx bench/process.ts` alone, or `npm run bench -- process`.
//
// One real track (Debian's wesnoth-1.16-music, `sad.ogg`, 44 s of Ogg Vorbis; override with
// BENCH_TRACK=<file>) goes through processFile(), which records every ffmpeg/ffprobe command it
// spawns. The same commands are then replayed bare (spawned directly, stdout to /dev/null) in the
// same run, alternating with processFile BENCH_RUNS times (default 5; 2 with --smoke). The
// budget (bench/budgets.ts, process.overhead) is the overhead of everything processFile adds
// around ffmpeg (identification, hashing, the waveform fold in Node, sharp, file moves):
// median processFile time / median bare time ≤ 1.2.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WESNOTH_MUSIC_DIR } from '../src/modules/media/processing/fixtures.ts';
import { processFile } from '../src/modules/media/processing/index.ts';
import { isMain, runAlone, type Bench } from './lib.ts';

interface Command { bin: string; args: string[] }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function spawnBare(c: Command): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(c.bin, c.args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${c.bin} ${c.args.join(' ')} exited ${code}`))));
  });
}

export const run: Bench = async ({ smoke }) => {
  const TRACK = process.env.BENCH_TRACK ?? path.join(WESNOTH_MUSIC_DIR, 'sad.ogg');
  const RUNS = Number(process.env.BENCH_RUNS ?? (smoke ? 2 : 5));
  if (!existsSync(TRACK)) throw new Error(`${TRACK} is missing: apt-get install -y wesnoth-1.16-music, or set BENCH_TRACK=<audio file>`);
  const root = await mkdtemp(path.join(os.tmpdir(), 'makenot-bench-process-'));
  try {
    const workDir = path.join(root, 'work');
    const commands: Command[] = [];
    // Tag files live in processFile's scratch dir, removed when it returns: keep their contents
    // so the bare replay has the same inputs.
    const sideFiles = new Map<string, Buffer>();
    const record = (bin: string, args: string[]) => {
      commands.push({ bin, args: [...args] });
      for (const a of args) {
        const p = a.startsWith('file:') ? a.slice(5) : '';
        if (p.endsWith('.ffmeta') && existsSync(p)) sideFiles.set(p, readFileSync(p));
      }
    };
    const warm = await processFile({ inputPath: TRACK, workDir, onCommand: record });
    if (warm.state !== 'ready') throw new Error(`processing failed: ${warm.reason}`);
    console.log(`process: track ${TRACK} (${warm.metadata.audio?.duration} s, ${warm.metadata.audio?.codec})`);
    console.log(`process: processFile spawns ${commands.length} commands: ${commands.map((c) => path.basename(c.bin)).join(', ')}`);

    const proc: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await rm(workDir, { recursive: true, force: true });
      await mkdir(path.join(workDir, '.tmp'), { recursive: true });
      for (const [p, content] of sideFiles) await writeFile(p, content);
      let t = performance.now();
      for (const c of commands) await spawnBare(c);
      bare.push(performance.now() - t);

      await rm(workDir, { recursive: true, force: true });
      t = performance.now();
      const r = await processFile({ inputPath: TRACK, workDir });
      proc.push(performance.now() - t);
      if (r.state !== 'ready') throw new Error(`processing failed: ${r.reason}`);
      console.log(`process: run ${i + 1}: bare ffmpeg ${bare[i]?.toFixed(0)} ms, processFile ${proc[i]?.toFixed(0)} ms`);
    }
    console.log(`process: median bare ${median(bare).toFixed(0)} ms, processFile ${median(proc).toFixed(0)} ms`);
    return [{ budget: 'process.overhead', value: median(proc), baseline: median(bare), detail: `${path.basename(TRACK)}, ${commands.length} commands, median of ${RUNS} runs` }];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
};

if (isMain(import.meta.url)) await runAlone('process', run);
