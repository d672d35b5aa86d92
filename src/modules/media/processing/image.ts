// Images (covers, avatars, posters) through sharp. Dimensions are checked from the header before
// any pixel is decoded, so a 100 000 × 100 000 "bomb" costs nothing; sharp's own
// limitInputPixels stays on as a second guard. Output never carries EXIF/GPS/XMP: sharp drops
// metadata unless asked to keep it, and we never ask.
import { rename, stat } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { ProcessingError, type Output } from './types.ts';

export const MAX_PIXELS = 50_000_000; // ~ 8660 × 5770; above any camera a creator uploads a cover from
export const MAX_DIMENSION = 16_384;
export const THUMB_WIDTHS = [320, 640, 1280] as const;

export interface ImageMetadata {
  width: number;
  height: number;
  format: string;
  /** Whether the original carried EXIF (possibly GPS); outputs never do. */
  hadExif: boolean;
  animated: boolean;
}

// Single-frame decode with the pixel limit and fail-on-error (a truncated JPEG is refused,
// not silently half-grey).
const open = (input: string | Buffer) =>
  sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error', pages: 1 });

export async function readImageMetadata(input: string | Buffer): Promise<ImageMetadata> {
  let m: Metadata;
  try {
    m = await sharp(input, { limitInputPixels: false }).metadata(); // header only
  } catch (err) {
    throw new ProcessingError(`the image could not be read: ${(err as Error).message}`);
  }
  const width = m.autoOrient?.width ?? m.width ?? 0;
  const height = m.autoOrient?.height ?? m.height ?? 0;
  if (!width || !height) throw new ProcessingError('the image has no dimensions');
  if (width > MAX_DIMENSION || height > MAX_DIMENSION || width * height > MAX_PIXELS) {
    throw new ProcessingError(`the image is ${width} × ${height} pixels; the limit is ` +
      `${MAX_DIMENSION} pixels a side and ${MAX_PIXELS / 1_000_000} megapixels (possible decompression bomb)`);
  }
  return { width, height, format: m.format ?? 'unknown', hadExif: Boolean(m.exif), animated: (m.pages ?? 1) > 1 };
}

async function finish(tmp: string, path: string, role: Output['role'], contentType: string): Promise<Output> {
  await rename(tmp, path); // a crash mid-write never leaves a half file under the final name
  return { role, path, contentType, bytes: (await stat(path)).size };
}

/** WebP thumbnails at each width not above the source's (the smallest always exists). */
export async function makeThumbnails(input: string, workDir: string, meta: ImageMetadata,
  prefix: 'thumb' = 'thumb'): Promise<Output[]> {
  const widths = THUMB_WIDTHS.filter((w) => w <= meta.width);
  if (widths.length === 0) widths.push(THUMB_WIDTHS[0]);
  const outputs: Output[] = [];
  for (const w of widths) {
    const path = `${workDir}/${prefix}-${w}.webp`;
    try {
      await open(input).autoOrient().resize({ width: w, withoutEnlargement: true }).webp({ quality: 80 })
        .toFile(`${path}.tmp`);
    } catch (err) {
      throw new ProcessingError(`the image could not be decoded: ${(err as Error).message}`);
    }
    outputs.push(await finish(`${path}.tmp`, path, `thumb-${w}`, 'image/webp'));
  }
  return outputs;
}

/**
 * A clean JPEG cover (for embedding into audio downloads and for the player): oriented, at most
 * 1200 px, metadata-free. Returns its size so Opus pictures can declare it.
 */
export async function normaliseCover(input: string, path: string): Promise<Output & { width: number; height: number }> {
  await readImageMetadata(input);
  let info: OutputInfo;
  try {
    info = await open(input).autoOrient()
      .resize({ width: 1200, height: 1200, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' }).jpeg({ quality: 86, mozjpeg: true }).toFile(`${path}.tmp`);
  } catch (err) {
    throw new ProcessingError(`the cover image could not be decoded: ${(err as Error).message}`);
  }
  return { ...(await finish(`${path}.tmp`, path, 'cover', 'image/jpeg')), width: info.width, height: info.height };
}

/** A WebP copy of a JPEG poster frame (smaller for the page; the JPEG stays for old clients). */
export async function webpCopy(input: string, path: string): Promise<Output> {
  await open(input).webp({ quality: 80 }).toFile(`${path}.tmp`);
  return finish(`${path}.tmp`, path, 'poster-webp', 'image/webp');
}

export async function processImage(input: string, workDir: string): Promise<{ metadata: ImageMetadata; outputs: Output[] }> {
  const metadata = await readImageMetadata(input);
  return { metadata, outputs: await makeThumbnails(input, workDir, metadata) };
}
