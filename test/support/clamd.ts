// A stand-in for a ClamAV daemon (an external service, like the Stripe stub): it speaks clamd's
// INSTREAM protocol (length-prefixed chunks, a zero length to end) over TCP or a unix socket,
// and reports the EICAR test signature for any stream containing "EICAR".
import fs from 'node:fs';
import net from 'node:net';

export interface FakeClamd { port?: number; path?: string; scans: number; close(): Promise<void> }

export async function startFakeClamd(opts: { socketPath?: string } = {}): Promise<FakeClamd> {
  const state = { scans: 0 };
  const server = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    let command = false;
    const body: Buffer[] = [];
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!command) {
        const end = buf.indexOf(0);
        if (end < 0) return;
        if (buf.subarray(0, end).toString() !== 'zINSTREAM') { sock.end('UNKNOWN COMMAND\0'); return; }
        command = true;
        buf = buf.subarray(end + 1);
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0);
        if (len === 0) {
          state.scans++;
          sock.end(Buffer.concat(body).includes('EICAR') ? 'stream: Eicar-Test-Signature FOUND\0' : 'stream: OK\0');
          return;
        }
        if (buf.length < 4 + len) return;
        body.push(buf.subarray(4, 4 + len));
        buf = buf.subarray(4 + len);
      }
    });
    sock.on('error', () => {});
  });
  if (opts.socketPath) {
    fs.rmSync(opts.socketPath, { force: true });
    await new Promise<void>((r) => server.listen(opts.socketPath, r));
  } else {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  }
  return {
    get scans() { return state.scans; },
    port: opts.socketPath ? undefined : (server.address() as net.AddressInfo).port,
    path: opts.socketPath,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
