// `npm run import -- <folder>`: any folder of media becomes a draft project of a creator,
// through the same pipeline as browser uploads (limits, incoming storage, the media_process
// job). What each file becomes is decided by its content (magic bytes), not its name: audio
// files become album tracks (titled and ordered by their own tags once processed), videos
// video items, archives and anything else download items; an image called cover/folder/front
// (or the only image) becomes the project cover, other images image items.
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { Viewer } from '../../platform/http/context.ts';
import { createFileItem, createImportProject, deleteTrackItem } from '../catalog/index.ts';
import { identify, sniff } from './processing/identify.ts';
import { locateTools } from './processing/index.ts';
import * as q from './queries.ts';
import { ingestLocalFile } from './single-upload.ts';
import { FINAL_STATES, type MediaState } from './tables.ts';
import type { TargetInput } from './targets.ts';

export type ImportRole = 'track' | 'video' | 'image' | 'download' | 'project_cover';
export interface PlannedFile { path: string; name: string; role: ImportRole }

const MAX_FILES = 500;
const COVER_NAME = /^(cover|folder|front|album|artwork)\.[a-z0-9]{2,5}$/i;

async function walk(dir: string, depth = 0): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))) {
    if (e.name.startsWith('.')) continue; // .DS_Store, ._AppleDouble, .git
    const full = path.join(dir, e.name);
    if (e.isDirectory() && depth < 3) out.push(...await walk(full, depth + 1)); // "CD1/", "Bonus/"
    else if (e.isFile()) out.push(full);
  }
  return out;
}

async function head(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** What each file of the folder becomes: the cover first, then tracks in name order, then the rest. */
export async function planImport(folder: string): Promise<PlannedFile[]> {
  const files = await walk(folder);
  if (files.length > MAX_FILES) throw new AppError(400, `That folder has ${files.length} files; import at most ${MAX_FILES} at a time.`);
  const planned: PlannedFile[] = [];
  for (const file of files) {
    const kind = sniff(await head(file))?.kind ?? 'other';
    const role: ImportRole = kind === 'audio' ? 'track' : kind === 'video' ? 'video' : kind === 'image' ? 'image' : 'download';
    planned.push({ path: file, name: path.basename(file), role });
  }
  const images = planned.filter((p) => p.role === 'image');
  const cover = images.find((p) => COVER_NAME.test(p.name)) ?? (images.length === 1 ? images[0] : undefined);
  if (cover) cover.role = 'project_cover';
  const order: ImportRole[] = ['project_cover', 'track', 'video', 'image', 'download'];
  return planned.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
}

/** The album tag the audio files agree on, else undefined (then the folder's name is used). */
async function albumTitle(planned: PlannedFile[]): Promise<string | undefined> {
  const tools = await locateTools().catch(() => undefined);
  if (!tools) return undefined;
  const albums = new Set<string>();
  for (const p of planned.filter((x) => x.role === 'track').slice(0, 20)) {
    const probe = (await identify(tools, p.path).catch(() => undefined))?.probe;
    const tags = { ...probe?.format.tags, ...probe?.streams.find((s) => s.codec_type === 'audio')?.tags };
    const album = Object.entries(tags).find(([k]) => k.toLowerCase() === 'album')?.[1]?.trim();
    if (album) albums.add(album);
  }
  return albums.size === 1 ? [...albums][0] : undefined;
}

export interface ImportResult {
  projectId: string;
  projectTitle: string;
  files: { name: string; role: ImportRole; fileId?: string; itemId?: string | null; error?: string }[];
}

export async function importFolder(deps: Deps, viewer: Viewer, folder: string, opts: { title?: string } = {}): Promise<ImportResult> {
  const planned = await planImport(folder);
  if (!planned.length) throw new AppError(400, `${folder} has no files to import.`);
  const title = opts.title ?? (await albumTitle(planned)) ?? path.basename(path.resolve(folder));
  const project = await createImportProject(deps, viewer, title);
  const result: ImportResult = { projectId: project.id, projectTitle: title, files: [] };
  for (const p of planned) {
    let madeItem: string | null = null;
    try {
      let target: TargetInput;
      if (p.role === 'track') target = { target: 'track', projectId: project.id, albumBase: 0 };
      else if (p.role === 'project_cover') target = { target: 'project_cover', projectId: project.id };
      else {
        madeItem = await createFileItem(deps, viewer, project.id, p.role, p.name);
        target = { target: 'item', itemId: madeItem };
      }
      const r = await ingestLocalFile(deps, viewer, target, p.path, { name: p.name });
      result.files.push({ name: p.name, role: p.role, fileId: r.fileId, itemId: r.itemId });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (madeItem) await deleteTrackItem(deps, viewer, madeItem); // no empty item for a refused file
      result.files.push({ name: p.name, role: p.role, error: err.message });
    }
  }
  return result;
}

/** Polls until every file is decided; reports each change of state. */
export async function waitForFiles(deps: Deps, ids: string[], onChange: (id: string, state: MediaState, reason: string | null) => void,
  opts: { pollMs?: number; signal?: AbortSignal } = {}) {
  const seen = new Map<string, MediaState>();
  for (;;) {
    const rows = await q.fileStates(deps.db, ids);
    for (const r of rows) {
      if (seen.get(r.id) !== r.state) onChange(r.id, r.state, r.state_reason);
      seen.set(r.id, r.state);
    }
    // A file deleted meanwhile (its item removed in the dashboard) counts as decided.
    if (rows.every((r) => FINAL_STATES.includes(r.state))) return rows;
    if (opts.signal?.aborted) return rows;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}
