// Builds the demo SPA into dist/ using only Node's standard library (no npm packages, so
// `npm ci` works offline and the Dockerfile's frontend stage has nothing to download).
//
//   dist/index.html (+ .gz, .br)          references rewritten to the hashed names
//   dist/assets/<name>-<hash>.<ext>       hash = first 10 hex chars of the content's SHA-256
//   dist/assets/*.gz, *.br                precompressed siblings for text assets
//
// Why hashed names: piloto serves /assets with `Cache-Control: public, max-age=31536000,
// immutable`, which is only safe when a changed file gets a new name. index.html is served
// `no-cache`, so it is the one file that must not be hashed.
//
// The output is deterministic: same sources, same bytes (fixed processing order, gzip header
// with mtime 0, fixed compression parameters). File mtimes are left alone on purpose: servers
// derive ETag/Last-Modified from them, and a pinned mtime could give a changed index.html of
// the same size a stale ETag.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, brotliCompressSync, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const dist = join(here, 'dist');
const assetsOut = join(dist, 'assets');

/// Text types get .gz/.br siblings; anything else (images, fonts) is copied as is.
const textExtensions = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.txt', '.map']);

/// Assets are processed leaves first, so that an asset that references another (app.css →
/// logo.svg) is hashed after its references were rewritten: a change in logo.svg then changes
/// app.css's name too. Files not listed are processed afterwards in sorted order.
const order = ['logo.svg', 'vendor.js', 'app.css', 'app.js'];

function sha256Prefix(bytes) {
    return createHash('sha256').update(bytes).digest('hex').slice(0, 10);
}

function hashedName(name, bytes) {
    const ext = extname(name);
    return `${name.slice(0, name.length - ext.length)}-${sha256Prefix(bytes)}${ext}`;
}

/// Replaces `/assets/<original>` with `/assets/<hashed>` for every asset hashed so far. Only the
/// exact absolute form is rewritten: absolute, because a relative `assets/app.js` would resolve
/// under `/dashboard/clientes/` on a deep SPA route.
function rewriteReferences(text, mapping) {
    return text.replace(/\/assets\/([A-Za-z0-9_.-]+)/g, (whole, name) =>
        mapping.has(name) ? `/assets/${mapping.get(name)}` : whole);
}

function compressSiblings(path, bytes) {
    // zlib's gzip header carries mtime 0 and no file name, so the .gz is reproducible.
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9, memLevel: 9 }));
    writeFileSync(`${path}.br`, brotliCompressSync(bytes, {
        params: {
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
    }));
}

function emit(path, bytes) {
    writeFileSync(path, bytes);
    if (textExtensions.has(extname(path))) compressSiblings(path, bytes);
}

function build() {
    rmSync(dist, { recursive: true, force: true });
    mkdirSync(assetsOut, { recursive: true });

    const sources = readdirSync(src)
        .filter((name) => name !== 'index.html' && statSync(join(src, name)).isFile())
        .sort();
    const rest = sources.filter((name) => !order.includes(name));
    const queue = [...order.filter((name) => sources.includes(name)), ...rest];

    const mapping = new Map();
    for (const name of queue) {
        let bytes = readFileSync(join(src, name));
        if (textExtensions.has(extname(name))) {
            bytes = Buffer.from(rewriteReferences(bytes.toString('utf8'), mapping), 'utf8');
        }
        const out = hashedName(name, bytes);
        mapping.set(name, out);
        emit(join(assetsOut, out), bytes);
    }

    const html = rewriteReferences(readFileSync(join(src, 'index.html'), 'utf8'), mapping);
    const missing = [...html.matchAll(/\/assets\/([A-Za-z0-9_.-]+)/g)]
        .map((match) => match[1])
        .filter((name) => !readdirSync(assetsOut).includes(name));
    if (missing.length > 0) {
        throw new Error(`index.html references assets that do not exist: ${missing.join(', ')}`);
    }
    emit(join(dist, 'index.html'), Buffer.from(html, 'utf8'));
    return mapping;
}

function listing(root) {
    const rows = [];
    const walk = (dir) => {
        for (const name of readdirSync(dir).sort()) {
            const path = join(dir, name);
            if (statSync(path).isDirectory()) walk(path);
            else rows.push([path.slice(root.length + 1), statSync(path).size]);
        }
    };
    walk(root);
    const width = Math.max(...rows.map(([name]) => name.length));
    return rows.map(([name, size]) => `  ${name.padEnd(width)}  ${String(size).padStart(8)} B`).join('\n');
}

try {
    build();
    console.log(`built ${dist}\n${listing(dist)}`);
} catch (error) {
    console.error(`build failed: ${error.message}`);
    process.exit(1);
}
