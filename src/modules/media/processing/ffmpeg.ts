// Locating and running ffmpeg/ffprobe. System binaries (Debian's package) are preferred because
// they are current and security-patched; the npm-shipped static builds are a fallback so a fresh
// machine with only Node still processes media. Processes are always spawned without a shell
// (file names are attacker-controlled) and always under a timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

export interface Tools {
  ffmpeg: string;
  ffprobe: string;
  source: 'system' | 'npm' | 'explicit';
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Cap on captured stdout (ffprobe JSON with a 100 000-char tag is still far below this). */
  maxStdout?: number;
  /** Called for every spawned command; the benchmark replays them bare. */
  onCommand?: (bin: string, args: string[]) => void;
}

/** A tool ran out of time or was killed: not the file's fault, so the job should retry. */
export class ToolTimeoutError extends Error {}

/** ffmpeg/ffprobe rejected the input: the file's fault, reported to the creator. */
export class ToolFailedError extends Error {
  constructor(readonly bin: string, readonly code: number, readonly stderr: string) {
    super(`${bin.split('/').pop()} exited with ${code}: ${lastLines(stderr, 3)}`);
  }
}

const STDERR_CAP = 64 * 1024;

export function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ').slice(0, 500);
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Runs a binary with argv (no shell), capturing stdout (capped) and the tail of stderr. */
export function run(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { timeoutMs = 10 * 60_000, maxStdout = 32 * 1024 * 1024 } = opts;
  opts.onCommand?.(bin, args);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; kill(child); }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxStdout) { kill(child); return; }
      out.push(b);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { stderr = (stderr + s).slice(-STDERR_CAP); });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (timedOut) return reject(new ToolTimeoutError(`${bin} timed out after ${timeoutMs} ms`));
      if (outBytes > maxStdout) return reject(new Error(`${bin} wrote more than ${maxStdout} bytes`));
      if (signal) return reject(new ToolTimeoutError(`${bin} was killed by ${signal}`));
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr, ms });
    });
  });
}

/** Like run(), but a non-zero exit becomes a ToolFailedError carrying stderr. */
export async function runOk(bin: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(bin, args, opts);
  if (r.code !== 0) throw new ToolFailedError(bin, r.code, r.stderr);
  return r;
}

/**
 * Runs a binary whose stdout is consumed chunk by chunk (raw PCM for waveforms), so a long file
 * never sits in memory. Same timeout and stderr rules as run().
 */
export function runStreaming(bin: string, args: string[], onData: (chunk: Buffer) => void,
  opts: RunOptions = {}): Promise<RunResult> {
  const { timeoutMs = 10 * 60_000 } = opts;
  opts.onCommand?.(bin, args);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let stderr = '';
    let timedOut = false;
    let failure: unknown;
    const timer = setTimeout(() => { timedOut = true; kill(child); }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      try { onData(b); } catch (err) { failure = err; kill(child); }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { stderr = (stderr + s).slice(-STDERR_CAP); });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (timedOut) return reject(new ToolTimeoutError(`${bin} timed out after ${timeoutMs} ms`));
      if (signal) return reject(new ToolTimeoutError(`${bin} was killed by ${signal}`));
      resolve({ code: code ?? 1, stdout: '', stderr, ms: performance.now() - started });
    });
  });
}

async function works(bin: string): Promise<boolean> {
  try {
    return (await run(bin, ['-hide_banner', '-version'], { timeoutMs: 15_000 })).code === 0;
  } catch {
    return false; // ENOENT, EACCES: not usable
  }
}

function npmBinary(pkg: string): string | undefined {
  try {
    const mod = createRequire(import.meta.url)(pkg) as { path?: string };
    return typeof mod.path === 'string' ? mod.path : undefined;
  } catch {
    return undefined; // optional fallback package not installed for this platform
  }
}

let cached: Promise<Tools> | undefined;

/**
 * Finds ffmpeg and ffprobe. Explicit paths win (configuration); then the system PATH; then the
 * static builds shipped in @ffmpeg-installer/* and @ffprobe-installer/* (inside the npm
 * tarballs, so installing them needs nothing outside the registry).
 */
export function locateTools(explicit?: { ffmpeg?: string; ffprobe?: string }): Promise<Tools> {
  if (explicit?.ffmpeg && explicit.ffprobe) {
    return Promise.resolve({ ffmpeg: explicit.ffmpeg, ffprobe: explicit.ffprobe, source: 'explicit' });
  }
  cached ??= (async (): Promise<Tools> => {
    if ((await works('ffmpeg')) && (await works('ffprobe'))) {
      return { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'system' };
    }
    return locateNpmTools();
  })();
  // A failed lookup is not cached: installing ffmpeg should not need a restart.
  cached.catch(() => { cached = undefined; });
  return cached;
}

/** The npm-shipped binaries only (also used by tests to check the fallback really runs). */
export async function locateNpmTools(): Promise<Tools> {
  const ffmpeg = npmBinary('@ffmpeg-installer/ffmpeg');
  const ffprobe = npmBinary('@ffprobe-installer/ffprobe');
  if (ffmpeg && ffprobe && (await works(ffmpeg)) && (await works(ffprobe))) {
    return { ffmpeg, ffprobe, source: 'npm' };
  }
  throw new Error(
    'ffmpeg/ffprobe not found: install the system package (apt-get install ffmpeg) ' +
      'or the npm packages @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe');
}

export interface CodecReport {
  ok: boolean;
  tools: Tools;
  version: string;
  /** e.g. "encoder libopus", "muxer ipod": each one disables some output. */
  missing: string[];
}

// What processing needs, by the name ffmpeg lists it under.
const NEEDED = {
  encoders: ['libmp3lame', 'libopus', 'aac', 'flac', 'libx264', 'libvorbis', 'mjpeg', 'png', 'pcm_s16le'],
  decoders: ['mp3float', 'vorbis', 'opus', 'flac', 'aac', 'alac', 'pcm_s16le', 'pcm_s24le', 'pcm_s16be',
    'h264', 'hevc', 'vp8', 'vp9', 'mjpeg', 'png'],
  muxers: ['mp4', 'ipod', 'mp3', 'flac', 'ogg', 'opus', 'image2', 'ffmetadata', 's16le'],
  demuxers: ['mp3', 'wav', 'flac', 'ogg', 'aiff', 'mov,mp4,m4a,3gp,3g2,mj2', 'matroska,webm', 'aac'],
} as const;

function listed(output: string): Set<string> {
  // Lines look like " A....D libopus   libopus Opus" or " DE mp4   MP4 (MPEG-4 Part 14)".
  const names = new Set<string>();
  for (const line of output.split('\n')) {
    const m = /^\s*[A-Z.]{2,6}\s+(\S+)\s/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

/** For a boot check: which encoders, decoders and (de)muxers this ffmpeg lacks. */
export async function checkCodecs(tools?: Tools): Promise<CodecReport> {
  const t = tools ?? (await locateTools());
  const q = (flag: string) => runOk(t.ffmpeg, ['-hide_banner', flag], { timeoutMs: 15_000 });
  const [enc, dec, fmt, ver] = await Promise.all([q('-encoders'), q('-decoders'), q('-formats'), q('-version')]);
  const encoders = listed(enc.stdout);
  const decoders = listed(dec.stdout);
  const formats = fmt.stdout.split('\n').map((l) => /^\s*([D ])([E ])\s+(\S+)/.exec(l)).filter((m) => m !== null);
  const muxers = new Set(formats.filter((m) => m[2] === 'E').flatMap((m) => (m[3] ?? '').split(',')));
  const demuxers = new Set(formats.filter((m) => m[1] === 'D').map((m) => m[3] ?? ''));
  const missing = [
    ...NEEDED.encoders.filter((n) => !encoders.has(n)).map((n) => `encoder ${n}`),
    ...NEEDED.decoders.filter((n) => !decoders.has(n)).map((n) => `decoder ${n}`),
    ...NEEDED.muxers.filter((n) => !muxers.has(n)).map((n) => `muxer ${n}`),
    ...NEEDED.demuxers.filter((n) => !demuxers.has(n) && !n.split(',').every((p) => demuxers.has(p)))
      .map((n) => `demuxer ${n}`),
  ];
  return { ok: missing.length === 0, tools: t, version: ver.stdout.split('\n')[0] ?? '', missing };
}
