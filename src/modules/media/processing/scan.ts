// File fingerprints and the optional virus scan. SHA-256 is streamed (any size, flat memory).
// ClamAV is reached over clamd's INSTREAM protocol (TCP or a unix socket) only when configured; nothing here
// requires it, and an unreachable daemon is reported, not treated as "clean".
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import net from 'node:net';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** clamd over TCP (host and port) or a unix socket (path). */
export type ClamdConfig = ({ host: string; port: number; path?: undefined } | { path: string; host?: undefined; port?: undefined }) & {
  timeoutMs?: number;
};

export type ScanResult =
  | { status: 'clean' }
  | { status: 'infected'; signature: string }
  | { status: 'error'; message: string };

/**
 * Streams the file to clamd: "zINSTREAM\0", then chunks prefixed by their big-endian length,
 * then a zero length; the answer is "stream: OK" or "stream: <signature> FOUND".
 */
export function clamdScan(path: string, cfg: ClamdConfig): Promise<ScanResult> {
  return new Promise((resolve) => {
    let settled = false;
    let reply = '';
    const done = (r: ScanResult) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(r);
    };
    const socket = cfg.path !== undefined ? net.connect({ path: cfg.path }) : net.connect({ host: cfg.host, port: cfg.port });
    socket.setTimeout(cfg.timeoutMs ?? 60_000, () => done({ status: 'error', message: 'clamd timed out' }));
    socket.on('error', (err) => done({ status: 'error', message: `clamd unreachable: ${err.message}` }));
    socket.setEncoding('utf8');
    socket.on('data', (s: string) => { reply += s; });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    const finish = () => {
      const text = reply.replace(/\0/g, '').trim();
      const found = /^stream: (.+) FOUND$/.exec(text);
      if (found?.[1]) return done({ status: 'infected', signature: found[1] });
      if (text === 'stream: OK') return done({ status: 'clean' });
      return done({ status: 'error', message: `clamd answered ${JSON.stringify(text.slice(0, 200))}` });
    };
    socket.on('connect', async () => {
      try {
        socket.write('zINSTREAM\0');
        for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
          const len = Buffer.alloc(4);
          len.writeUInt32BE((chunk as Buffer).length);
          // Respect backpressure: a big file must not pile up in the socket buffer.
          if (!socket.write(Buffer.concat([len, chunk as Buffer]))) await new Promise((r) => socket.once('drain', r));
          if (settled) return; // clamd may answer early (size limit) and close
        }
        socket.write(Buffer.alloc(4));
      } catch (err) {
        done({ status: 'error', message: `reading the file for clamd failed: ${(err as Error).message}` });
      }
    });
  });
}
