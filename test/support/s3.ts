// A real S3 protocol server for tests: @20minutes/s3rver (it verifies SigV4 signatures,
// unlike plain s3rver) on a random loopback port, its bucket created through configureBuckets.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

interface S3rverInstance { run(): Promise<AddressInfo>; close(): Promise<void>; httpServer?: Server }
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;

// Browsers PUT parts straight to the store from the app's origin and read the ETag back.
const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>
<AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader>
<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>`;

export interface TestS3 {
  env: Record<string, string>;
  endpoint: string;
  bucket: string;
  /** Takes the server down (an outage), keeping its files, port and bucket for start(). */
  stop(): Promise<void>;
  /** Brings a stopped server back on the same address with the same contents. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `root`: where the server keeps its files (a small disk, for the disk-full fault test). */
export async function startS3(bucket = 'makenot-test', root = os.tmpdir()): Promise<TestS3> {
  const S3rver = require('@20minutes/s3rver') as S3rverClass;
  const directory = fs.mkdtempSync(path.join(root, 'makenot-s3-'));
  const make = (port: number) => new S3rver({ port, address: '127.0.0.1', silent: process.env.S3RVER_VERBOSE ? false : true, directory, configureBuckets: [{ name: bucket, configs: [CORS] }] });
  let server: S3rverInstance | null = make(0);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint, bucket,
    async stop() {
      await server?.close();
      server = null;
    },
    async start() {
      if (server) return;
      server = make(port);
      await server.run();
    },
    // s3rver's built-in account.
    env: { STORAGE_BACKEND: 's3', S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_BUCKET: bucket, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' },
    async close() {
      // Connections still open (kept alive, or a request s3rver never finished answering, as
      // after a write it failed on a full disk) would keep close() waiting for ever.
      const closing = server?.close();
      server?.httpServer?.closeAllConnections();
      await closing;
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
