import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real smart-HTTP git server on loopback: every request runs `git http-backend` (the CGI program git ships),
 * exactly as Apache or nginx+fcgiwrap would. Serves the bare repositories under `root`.
 */
export async function serveGit(root: string, opts: { cutPackAfter?: () => number | undefined } = {}): Promise<{ url: string; close(): Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        CONTENT_LENGTH: req.headers['content-length'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        REMOTE_ADDR: req.socket.remoteAddress ?? '',
        GIT_HTTP_MAX_REQUEST_BUFFER: '100M',
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    // A connection cut in the middle of the pack: the client gets part of the objects and then nothing.
    let budget = req.method === 'POST' && url.pathname.endsWith('/git-upload-pack') ? opts.cutPackAfter?.() : undefined;
    const send = (b: Buffer) => {
      if (budget === undefined) return void res.write(b);
      if (budget <= 0) return;
      res.write(b.subarray(0, budget));
      budget -= b.length;
      if (budget <= 0) {
        cgi.kill('SIGKILL');
        res.socket?.destroy();
      }
    };
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return send(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (/^status$/i.test(name)) status = Number.parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.statusCode = status;
      send(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
    cgi.stderr.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}
