// A real SMTP server for tests that must count what was actually sent (SMTP_URL points the app's
// nodemailer at it): the plain protocol over TCP — EHLO, MAIL FROM, RCPT TO, DATA — keeping each
// message it accepts. No TLS and no extensions are offered, so clients talk plain SMTP.
import net from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Header fields by lower-case name (the first of each). */
  headers: Map<string, string>;
  /** The Subject field, its encoded words (RFC 2047) decoded. */
  subject: string;
  /** The text body, with its transfer encoding (quoted-printable, base64) undone. */
  text: string;
}

export interface SmtpSink {
  url: string;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    let inData = false;
    let from = '';
    let to: string[] = [];
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 test-sink ESMTP');
    socket.setEncoding('latin1'); // bytes as they came: bodies are 7-bit encoded anyway
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          // The body ends with a line holding one dot; a leading dot of a body line is doubled.
          const end = buffer.startsWith('.\r\n') ? 0 : buffer.indexOf('\r\n.\r\n');
          if (end === -1) return;
          const raw = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end === 0 ? 3 : end + 5);
          inData = false;
          messages.push({ from, to, ...parseMessage(raw) });
          from = '';
          to = [];
          reply('250 2.0.0 accepted');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) return;
        const line = buffer.slice(0, eol);
        buffer = buffer.slice(eol + 2);
        const verb = line.split(' ', 1)[0]!.toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 test-sink');
        else if (verb === 'MAIL') { from = address(line); reply('250 2.1.0 ok'); }
        else if (verb === 'RCPT') { to.push(address(line)); reply('250 2.1.5 ok'); }
        else if (verb === 'DATA') {
          if (!to.length) { reply('503 5.5.1 no recipients'); continue; }
          inData = true;
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET') { from = ''; to = []; reply('250 2.0.0 ok'); }
        else if (verb === 'NOOP') reply('250 2.0.0 ok');
        else if (verb === 'QUIT') { reply('221 2.0.0 bye'); socket.end(); return; }
        else reply('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const address = (line: string) => /<([^>]*)>/.exec(line)?.[1]?.toLowerCase() ?? '';

function parseMessage(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'text'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const field of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).trim().toLowerCase();
    if (colon > 0 && !headers.has(name)) headers.set(name, field.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  const bytes = encoding === 'quoted-printable' ? Buffer.from(unQuote(body.replace(/=\r\n/g, '')), 'latin1')
    : encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : Buffer.from(body, 'latin1');
  return { headers, subject: decodeWords(headers.get('subject') ?? ''), text: bytes.toString('utf8') };
}

const unQuote = (s: string) => s.replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** =?UTF-8?Q?…?= and =?UTF-8?B?…?= words, as nodemailer writes non-ASCII subjects. */
function decodeWords(field: string): string {
  return field.replace(/=\?([\w-]+)\?([QB])\?([^?]*)\?=\s*(?==\?)?/gi, (_, _charset: string, kind: string, text: string) =>
    (kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : Buffer.from(unQuote(text.replace(/_/g, ' ')), 'latin1')).toString('utf8'));
}
