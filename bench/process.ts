// Processing benchmark: `npx tsx bench/process.ts` alone, or `npm run bench -- process`.
//
// One real track (Debian's wesnoth-1.16-music, `sad.ogg`, 44 s of Ogg Vorbis; override with
// BENCH_TRACK=<file>) goes through processFile(), which records every ffmpeg/ffprobe command it
// spawns. Then, BENCH_RUNS times (default 5; 2 with --smoke), alternating in the same run:
// - the same commands replayed bare (spawned directly, outputs to the same scratch files);
// - processFile() alone (identification, hashing, the waveform fold in Node, sharp, moves);
// - the real media_process job on a freshly uploaded file: embedded PostgreSQL, local storage,
//   hashing, the move to the final key, the fetch into a scratch dir, processFile with the
//   catalog's tags, every derivative stored and recorded (the upload itself is not timed).
// Budgets (bench/budgets.ts): process.overhead (processFile / bare ≤ 1.2) and
// process.job-overhead (job / bare ≤ 1.2: storage and database included).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createItem } from '../src/modules/catalog/items-service.ts';
import { createProject } from '../src/modules/catalog/projects-service.ts';
import { ingestLocalFile } from '../src/modules/media/index.ts';
import { processUploadedFile } from '../src/modules/media/process-job.ts';
import { WESNOTH_MUSIC_DIR } from '../src/modules/media/processing/fixtures.ts';
import { processFile } from '../src/modules/media/processing/index.ts';
import { isMain, runAlone, type Bench } from './lib.ts';
import { median, mediaBenchEnv } from './media-env.ts';

interface Command { bin: string; args: string[] }

function spawnBare(c: Command): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(c.bin, c.args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${c.bin} ${c.args.join(' ')} exited ${code}`))));
  });
}

const TAGS = { title: 'Run', artist: 'Demo', album: 'Bench album', trackNumber: 1 };

export const run: Bench = async ({ smoke }) => {
  const TRACK = process.env.BENCH_TRACK ?? path.join(WESNOTH_MUSIC_DIR, 'sad.ogg');
  const RUNS = Number(process.env.BENCH_RUNS ?? (smoke ? 2 : 5));
  if (!existsSync(TRACK)) throw new Error(`${TRACK} is missing: apt-get install -y wesnoth-1.16-music, or set BENCH_TRACK=<audio file>`);
  const env = await mediaBenchEnv('process');
  try {
    const { deps, viewer } = env;
    const project = await createProject(deps, viewer, { title: 'Bench album', description: '' });
    const workDir = path.join(env.dir, 'work');
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
    const warm = await processFile({ inputPath: TRACK, workDir, tags: TAGS, onCommand: record });
    if (warm.state !== 'ready') throw new Error(`processing failed: ${warm.reason}`);
    console.log(`process: track ${TRACK} (${warm.metadata.audio?.duration} s, ${warm.metadata.audio?.codec})`);
    console.log(`process: processFile spawns ${commands.length} commands: ${commands.map((c) => path.basename(c.bin)).join(', ')}`);

    const proc: number[] = [];
    const bare: number[] = [];
    const job: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await rm(workDir, { recursive: true, force: true });
      await mkdir(path.join(workDir, '.tmp'), { recursive: true });
      for (const [p, content] of sideFiles) await writeFile(p, content);
      let t = performance.now();
      for (const c of commands) await spawnBare(c);
      bare.push(performance.now() - t);

      await rm(workDir, { recursive: true, force: true });
      t = performance.now();
      const r = await processFile({ inputPath: TRACK, workDir, tags: TAGS });
      proc.push(performance.now() - t);
      if (r.state !== 'ready') throw new Error(`processing failed: ${r.reason}`);

      const itemId = await createItem(deps, viewer, project.id, { type: 'audio', title: `Run ${i + 1}` });
      const { fileId } = await ingestLocalFile(deps, viewer, { target: 'item', itemId }, TRACK, { name: path.basename(TRACK) });
      t = performance.now();
      await processUploadedFile(deps, deps.log, fileId, { attempts: 1, maxAttempts: 5 });
      job.push(performance.now() - t);
      const row = await deps.db.selectFrom('media_files').select(['state', 'state_reason']).where('id', '=', fileId).executeTakeFirstOrThrow();
      if (row.state !== 'ready') throw new Error(`the job failed: ${row.state_reason}`);
      console.log(`process: run ${i + 1}: bare ffmpeg ${bare[i]!.toFixed(0)} ms, processFile ${proc[i]!.toFixed(0)} ms, media_process job ${job[i]!.toFixed(0)} ms`);
    }
    console.log(`process: median bare ${median(bare).toFixed(0)} ms, processFile ${median(proc).toFixed(0)} ms, job ${median(job).toFixed(0)} ms`);
    const detail = `${path.basename(TRACK)}, ${commands.length} commands, median of ${RUNS} runs`;
    return [
      { budget: 'process.overhead', value: median(proc), baseline: median(bare), detail },
      { budget: 'process.job-overhead', value: median(job), baseline: median(bare), detail: `${detail}; storage and database included` },
    ];
  } finally {
    await env.close();
  }
};

if (isMain(import.meta.url)) await runAlone('process', run);
