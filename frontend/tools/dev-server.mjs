// A stand-in for `piloto serve` while working on the SPA alone (Node standard library only):
// serves dist/ with the SPA fallback for navigations, and a mock of piloto's auth API
// (POST /api/auth/login, GET /api/auth/me, POST /api/auth/logout) and /api/health.
// No WebSockets: use `piloto serve` for the attendance screen.
//
//   node tools/dev-server.mjs [port]        (default 5173, loopback only)
//   login with any name and the password "demo"
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
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

async function api(req, res, path) {
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
