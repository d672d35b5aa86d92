// The boot check: which ffmpeg is used and what it lacks. Never fatal: an upload that needs a
// missing codec fails with the reason (processing reports what ffmpeg said), everything else works.
import type { Logger } from '../../platform/log.ts';
import { checkCodecs, type CodecReport, type Tools } from './processing/index.ts';

export async function reportCodecs(log: Logger, tools?: Tools): Promise<CodecReport | null> {
  try {
    const report = await checkCodecs(tools);
    const where = report.tools.source === 'system' ? 'the system ffmpeg' : `the ffmpeg shipped in npm (${report.tools.ffmpeg})`;
    if (report.ok) log.info({ ffmpeg: report.version, source: report.tools.source }, `media: using ${where}; every codec processing needs is there`);
    else {
      log.warn({ ffmpeg: report.version, source: report.tools.source, missing: report.missing },
        `media: ${where} lacks ${report.missing.join(', ')}; uploads that need them will fail with the reason (install Debian's ffmpeg package for all of them)`);
    }
    return report;
  } catch (err) {
    log.error({ err }, 'media: no working ffmpeg/ffprobe found; audio and video uploads will fail until one is installed (apt-get install ffmpeg)');
    return null;
  }
}
