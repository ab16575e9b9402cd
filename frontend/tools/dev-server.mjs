// A stand-in for `piloto serve` while working on the SPA alone (Node standard library only):
// serves dist/ with the SPA fallback for navigations, and a mock of piloto's auth API
// (POST /api/auth/login, GET /api/auth/me, POST /api/auth/logout) and /api/health.
// /api/clientes/* goes to the demo backend the way piloto's `handler: proxy` with
// `identity: signed` does it (a small subset: allow-listed headers, the X-Piloto-Assertion JWT for
// the session's login, 502 when the backend is missing or down, 504 after 10 s), so the client
// pages run against the real FastAPI app. No WebSockets: use `piloto serve` for the attendance screen.
//
//   node tools/dev-server.mjs [port]        (default 5173, loopback only)
//   login with any name and the password "demo"
//
// Environment: PILOTO_DEMO_BACKEND (e.g. http://127.0.0.1:8000; unset → /api/clientes answers 502),
// PILOTO_IDENTITY_KEY and PILOTO_SERVICE_NAME (the same values the backend was started with).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const port = Number(process.argv[2] || 5173);
const types = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json',
};
const sessions = new Map();

function json(res, status, body, headers = {}) {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
}

function sessionOf(req) {
    const match = /(?:^|;\s*)session_id=([0-9a-f]{32})/.exec(req.headers.cookie || '');
    return match && sessions.has(match[1]) ? match[1] : null;
}

function readBody(req, limit = 65536) {
    return new Promise((resolve, reject) => {
        let size = 0;
        const chunks = [];
        req.on('data', (chunk) => {
            size += chunk.length;
            if (size > limit) { reject(new Error('too large')); req.destroy(); } else chunks.push(chunk);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}

const backend = process.env.PILOTO_DEMO_BACKEND ? new URL(process.env.PILOTO_DEMO_BACKEND) : null;
const identityKey = process.env.PILOTO_IDENTITY_KEY || 'dev-server-identity-key-not-a-secret-0123';
const serviceName = process.env.PILOTO_SERVICE_NAME || 'piloto-vendas-app';

/// piloto's signed identity: HS256 over {iss, aud, sub, iat, exp = iat + 60, sid = hash of the session}.
function assertion(login, sessionId) {
    const now = Math.floor(Date.now() / 1000);
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = part({ alg: 'HS256', typ: 'JWT' }) + '.' + part({
        iss: 'piloto', aud: serviceName, sub: login, iat: now, exp: now + 60,
        sid: createHash('sha256').update(sessionId).digest('hex'),
    });
    return unsigned + '.' + createHmac('sha256', identityKey).update(unsigned).digest('base64url');
}

function proxy(req, res) {
    const unavailable = () => json(res, 502, { error: 'the upstream is unavailable' }, { 'Retry-After': '1' });
    if (!backend) return unavailable();
    // An allowlist, not a copy: nothing the browser sends (X-Piloto-*, cookies) reaches the backend.
    const headers = { accept: req.headers.accept || '*/*' };
    for (const name of ['content-type', 'content-length']) if (req.headers[name]) headers[name] = req.headers[name];
    const id = sessionOf(req);
    if (id) headers['x-piloto-assertion'] = assertion(sessions.get(id), id);
    const upstream = httpRequest({ host: backend.hostname, port: backend.port, method: req.method, path: req.url,
        headers, timeout: 10000 }, (answer) => {
        res.writeHead(answer.statusCode, {
            'Content-Type': answer.headers['content-type'] || 'application/octet-stream', 'Cache-Control': 'no-store',
        });
        answer.pipe(res);
    });
    upstream.on('timeout', () => {
        upstream.destroy();
        if (!res.headersSent) json(res, 504, { error: 'the upstream did not answer in time' });
    });
    upstream.on('error', () => { if (!res.headersSent) unavailable(); else res.destroy(); });
    req.pipe(upstream);
}

async function api(req, res, path) {
    if (path === '/api/clientes' || path.startsWith('/api/clientes/')) return proxy(req, res);
    if (path === '/api/health') return json(res, 200, { status: 'ok' });
    if (path === '/api/auth/me' && req.method === 'GET') {
        const id = sessionOf(req);
        return id ? json(res, 200, { login: sessions.get(id) }) : json(res, 401, { error: 'not logged in' });
    }
    if (path === '/api/auth/login' && req.method === 'POST') {
        let body;
        try { body = JSON.parse(await readBody(req)); } catch { return json(res, 400, { error: 'bad JSON' }); }
        if (typeof body.login !== 'string' || !body.login || body.password !== 'demo') {
            return json(res, 401, { error: 'invalid credentials' });
        }
        const id = randomBytes(16).toString('hex');
        sessions.set(id, body.login);
        return json(res, 200, { login: body.login },
            { 'Set-Cookie': `session_id=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800` });
    }
    if (path === '/api/auth/logout' && req.method === 'POST') {
        const id = sessionOf(req);
        if (id) sessions.delete(id);
        return json(res, 200, { ok: true }, { 'Set-Cookie': 'session_id=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0' });
    }
    return json(res, 404, { error: 'not found' });
}

/// The same policy piloto.yaml sends (minus the production wss:// host), so a change that needs an
/// inline script or style, or a third-party origin, fails here first.
const csp = "default-src 'self'; connect-src 'self'";

function file(res, path, cache) {
    res.writeHead(200, {
        'Content-Type': types[extname(path)] || 'application/octet-stream',
        'Cache-Control': cache,
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
    });
    res.end(readFileSync(path));
}

const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const path = decodeURIComponent(url.pathname);
    if (path.startsWith('/api/')) {
        api(req, res, path).catch(() => json(res, 500, { error: 'internal' }));
        return;
    }
    const target = normalize(join(dist, path));
    if (target.startsWith(dist) && existsSync(target) && statSync(target).isFile()) {
        return file(res, target, path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    }
    // The SPA fallback is for page navigations only: a missing /assets/x.js is a 404.
    if (path.startsWith('/assets/') || !(req.headers.accept || '').includes('text/html')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('not found\n');
    }
    return file(res, join(dist, 'index.html'), 'no-cache');
});

server.listen(port, '127.0.0.1', () => console.log(`dev server: http://127.0.0.1:${port}/ (password "demo")`));
