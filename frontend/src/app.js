// Piloto de Vendas — demo SPA served by `piloto serve`.
//
// One origin for everything (PRODUCT.md): the SPA at /, the API at /api/*, WebSockets at /ws/*.
// So every request here is same-origin, cookies are the server's HttpOnly session cookie, and
// there is no CORS and no token in JavaScript. No framework and no inline script or style: the
// server's Content-Security-Policy is `default-src 'self'`.
(function () {
    'use strict';

    var REQUEST_TIMEOUT_MS = 8000;
    /// Cloud Run closes every WebSocket at the request timeout (and on redeploys), so the client
    /// reconnects by itself, backing off up to this delay, and gives up after MAX_RECONNECTS.
    var RECONNECT_BASE_MS = 500;
    var RECONNECT_MAX_DELAY_MS = 15000;
    var MAX_RECONNECTS = 20;
    /// After a 1001 (the server rotating or draining the socket) the first retry comes within this.
    var RECONNECT_FAST_MS = 250;
    /// An unacked publish is sent again (same id) after this long on an open socket.
    var RESEND_AFTER_MS = 5000;
    /// A fresh join (or a failed recovery) asks the server for this many of the latest messages.
    var BACKFILL_MESSAGES = 50;
    var MAX_MESSAGES_SHOWN = 300;

    var view = document.getElementById('view');
    var banner = document.getElementById('banner');
    /// viewSeq counts renders by the router, so an API answer that arrives after the user moved on is
    /// dropped instead of drawing over the new page. onUser: the current view's hook for when the
    /// login becomes known (the attendance screen marks restored messages as ours).
    var state = { user: null, socket: null, socketClosedByUs: false, reconnectTimer: 0, resendTimer: 0, reconnects: 0, viewSeq: 0,
        onUser: null };

    // ---------------------------------------------------------------- small DOM helpers

    /// h('div', {class: 'card'}, child, 'text', ...) — builds elements without innerHTML, so no
    /// server or user string is ever parsed as HTML.
    function h(tag, attrs) {
        var el = document.createElement(tag);
        if (attrs) {
            Object.keys(attrs).forEach(function (key) {
                var value = attrs[key];
                if (value === null || value === undefined || value === false) return;
                if (key.slice(0, 2) === 'on' && typeof value === 'function') {
                    el.addEventListener(key.slice(2), value);
                } else if (value === true) {
                    el.setAttribute(key, '');
                } else {
                    el.setAttribute(key, String(value));
                }
            });
        }
        for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
        return el;
    }

    function append(parent, child) {
        if (child === null || child === undefined || child === false) return;
        if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); return; }
        parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }

    function render(title) {
        document.title = title ? title + ' · Piloto de Vendas' : 'Piloto de Vendas';
        view.textContent = '';
        for (var i = 1; i < arguments.length; i++) append(view, arguments[i]);
        view.focus({ preventScroll: true });
    }

    function showBanner(text, kind) {
        banner.textContent = text;
        banner.className = 'banner' + (kind === 'info' ? ' info' : '');
        banner.hidden = false;
    }

    function hideBanner() { banner.hidden = true; }

    function timeLabel(date) {
        return date.toLocaleTimeString('pt-BR', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    }

    // ---------------------------------------------------------------- API (same origin)

    /// fetch with a timeout and one error shape: resolves {ok, status, data} and never throws, so
    /// a missing or restarting server shows a message instead of breaking the page.
    function api(method, path, body) {
        var controller = typeof AbortController === 'function' ? new AbortController() : null;
        var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : 0;
        var init = {
            method: method,
            credentials: 'same-origin',
            headers: { 'Accept': 'application/json' },
            signal: controller ? controller.signal : undefined,
        };
        if (body !== undefined) {
            init.headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        return fetch(path, init).then(function (response) {
            var isJSON = /^application\/(.+\+)?json\b/i.test(response.headers.get('Content-Type') || '');
            return response.text().then(function (text) {
                var data = null;
                if (isJSON) {
                    try { data = text ? JSON.parse(text) : null; } catch (e) { isJSON = false; }
                }
                // A 200 that is not JSON is not our API (say, a static server's index.html fallback).
                if (response.ok && !isJSON && text) {
                    return { ok: false, status: response.status, data: null,
                        error: 'resposta inesperada (não é JSON) de ' + path };
                }
                return { ok: response.ok, status: response.status, data: data };
            });
        }).catch(function (error) {
            var aborted = error && error.name === 'AbortError';
            return {
                ok: false, status: 0, data: null,
                error: aborted ? 'o servidor não respondeu a tempo' : 'sem conexão com o servidor',
            };
        }).finally(function () { if (timer) clearTimeout(timer); });
    }

    function describeFailure(result) {
        if (result.error) return result.error;
        var message = result.data && (result.data.error || result.data.message);
        return 'HTTP ' + result.status + (message ? ': ' + message : '');
    }

    function refreshUser() {
        return api('GET', '/api/auth/me').then(function (result) {
            var data = result.data || {};
            var login = data.login || (data.user && (data.user.login || data.user)) || data.name;
            if (result.ok && typeof login === 'string') {
                state.user = login;
                hideBanner();
                if (state.onUser) state.onUser();
            } else {
                state.user = null;
                if (result.status === 0) showBanner('Servidor indisponível: ' + result.error + '.');
                else if (result.status !== 401 && result.status !== 403) {
                    showBanner('Não foi possível verificar a sessão (' + describeFailure(result) + ').', 'info');
                }
            }
            renderWho();
        });
    }

    function renderWho() {
        document.getElementById('who-name').textContent = state.user ? 'Conectado como ' + state.user : 'Não conectado';
        document.getElementById('login-link').hidden = Boolean(state.user);
        document.getElementById('logout').hidden = !state.user;
    }

    function logout() {
        api('POST', '/api/auth/logout').then(function (result) {
            if (!result.ok && result.status !== 401) {
                showBanner('Falha ao sair: ' + describeFailure(result) + '.');
                return;
            }
            state.user = null;
            closeSocket();
            forgetChannels();
            renderWho();
            navigate('/login');
        });
    }

    // ---------------------------------------------------------------- views

    function homeView() {
        var clients = h('div', { class: 'api-clientes' }, h('p', { class: 'muted' }, 'Carregando clientes…'));
        render('Início',
            h('section', { class: 'card' },
                h('h1', null, 'Bem-vindo ao Piloto de Vendas'),
                h('p', { class: 'muted' },
                    'Tela de atendimento em tempo real da equipe comercial. Esta página é servida pelo ',
                    h('code', null, 'piloto serve'), ' a partir de ', h('code', null, 'frontend/dist'),
                    '; os clientes vêm da API da equipe (', h('code', null, 'backend/'), ', FastAPI) pelo mesmo domínio.'),
                h('div', { class: 'grid' },
                    h('a', { href: '/atendimento', 'data-link': true }, 'Abrir o atendimento →'),
                    h('a', { href: state.user ? '/clientes' : '/login?next=%2Fclientes', 'data-link': true },
                        state.user ? 'Todos os clientes →' : 'Entrar →'),
                    h('a', { href: '/api/dashboard' }, 'Painel de operações →'))),
            h('section', { class: 'card' }, h('h2', null, 'Maiores clientes'), clients));
        var seq = state.viewSeq;
        api('GET', '/api/clientes?limite=8').then(function (result) {
            if (seq !== state.viewSeq) return;
            clients.textContent = '';
            if (result.ok) {
                append(clients, [apiUser(result.data), clientTable(result.data.clientes || [])]);
            } else if (result.status === 401 && state.user) {
                append(clients, identityRefused(result));
            } else if (result.status === 401) {
                // The home page stays reachable without a session: offer the login instead of forcing it.
                append(clients, h('p', null, h('a', { href: '/login?next=%2F', 'data-link': true }, 'Entre'),
                    ' para ver os clientes.'));
            } else {
                append(clients, apiFailure(result, homeView));
            }
        });
    }

    // ---------------------------------------------------------------- clientes (the team's API)
    //
    // The client pages read from /api/clientes, which piloto forwards (`handler: proxy`) to the
    // team's FastAPI backend with the logged-in user in a signed header; the backend answers with
    // who that user is (`usuario`), shown on every page as proof the identity went through.
    // 401 (no or expired session) → the login page, back here afterwards; 5xx or no answer (the
    // backend is down, restarting or not installed: piloto says 502/504) → a message in this
    // card only, so the header, login and attendance keep working.

    function apiUser(data) {
        var usuario = data && typeof data.usuario === 'string' ? data.usuario : '?';
        return h('p', { class: 'muted api-user', 'data-usuario': usuario },
            'Dados da API de clientes para ', h('strong', null, usuario), '.');
    }

    function apiFailure(result, retry) {
        var unavailable = result.status === 0 || result.status >= 500;
        var text = unavailable
            ? 'A API de clientes está indisponível (' + (result.status ? 'HTTP ' + result.status : result.error) +
              '). O restante do aplicativo continua funcionando; tente de novo em instantes.'
            : 'Falha ao consultar a API de clientes: ' + describeFailure(result) + '.';
        return h('div', { class: 'api-error', role: 'status', 'data-status': String(result.status) },
            h('p', { class: 'error' }, text),
            retry ? h('button', { type: 'button', class: 'secondary', onclick: function () { retry(); } },
                'Tentar de novo') : null);
    }

    /// 401 from a page that needs the API: the session is gone (or never was), so log in and come
    /// back here. If piloto still knows the session, the backend refused piloto's signed identity
    /// (say, a different PILOTO_IDENTITY_KEY): logging in again would not help, so say that instead
    /// (through `show`) of sending the user round in circles.
    function unauthorized(result, show) {
        var seq = state.viewSeq;
        var here = location.pathname + location.search;
        refreshUser().then(function () {
            if (seq !== state.viewSeq) return;
            if (!state.user) { navigate('/login?next=' + encodeURIComponent(here)); return; }
            show(identityRefused(result));
        });
    }

    function identityRefused(result) {
        return h('div', { class: 'api-error', role: 'status', 'data-status': '401' },
            h('p', { class: 'error' }, 'A API de clientes não aceitou a identidade enviada pelo piloto (' +
                describeFailure(result) + '). Confira a chave de identidade compartilhada (docs/proxy.md).'));
    }

    function money(cents) {
        if (window.PilotoVendor) return window.PilotoVendor.brl(cents);
        return (cents / 100).toLocaleString('pt-BR', { style: 'currency', currency: 'BRL' });
    }

    function clientTable(rows) {
        if (!rows.length) return h('p', { class: 'muted' }, 'Nenhum cliente encontrado.');
        return h('table', { class: 'clients' },
            h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'Cliente'), h('th', null, 'Cidade'),
                h('th', null, 'Vendedor'), h('th', null, 'Faturamento/mês'))),
            h('tbody', null, rows.map(function (c) {
                return h('tr', null,
                    h('td', null, String(c.id)),
                    h('td', null, h('a', { href: '/dashboard/clientes/' + c.id, 'data-link': true }, c.empresa),
                        h('div', { class: 'muted small' }, c.nome)),
                    h('td', null, c.cidade + '/' + c.uf),
                    h('td', null, c.vendedor),
                    h('td', { class: 'num' }, money(c.faturamento_mensal)));
            })));
    }

    function clientListView() {
        var busca = new URLSearchParams(location.search).get('busca') || '';
        var results = h('div', { class: 'api-clientes' }, h('p', { class: 'muted' }, 'Carregando clientes…'));
        var input = h('input', { name: 'busca', value: busca, placeholder: 'Empresa, contato ou cidade', maxlength: 100 });
        var form = h('form', { class: 'toolbar', role: 'search' }, h('label', null, 'Buscar', input),
            h('button', { type: 'submit', class: 'secondary' }, 'Buscar'));
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var value = input.value.trim();
            navigate('/clientes' + (value ? '?busca=' + encodeURIComponent(value) : ''));
        });
        render('Clientes', h('section', { class: 'card' }, h('h1', null, 'Clientes'), form, results));
        var seq = state.viewSeq;
        api('GET', '/api/clientes?limite=200' + (busca ? '&busca=' + encodeURIComponent(busca) : '')).then(function (result) {
            if (seq !== state.viewSeq) return;
            results.textContent = '';
            if (result.status === 401) { unauthorized(result, function (el) { append(results, el); }); return; }
            if (result.ok) append(results, [apiUser(result.data), clientTable(result.data.clientes || [])]);
            else append(results, apiFailure(result, clientListView));
        });
    }

    function clientView(params) {
        var id = Number(params.id);
        if (!Number.isInteger(id) || id < 1) { clientNotFound(params.id); return; }
        render('Cliente ' + id, h('section', { class: 'card' }, h('p', { class: 'muted' }, 'Carregando cliente #' + id + '…')));
        var seq = state.viewSeq;
        api('GET', '/api/clientes/' + id).then(function (result) {
            if (seq !== state.viewSeq) return;
            if (result.status === 401) {
                unauthorized(result, function (el) {
                    render('Cliente ' + id, h('section', { class: 'card' }, h('h1', null, 'Cliente #' + id), el));
                });
                return;
            }
            if (result.status === 404) { clientNotFound(params.id); return; }
            if (!result.ok || !result.data || !result.data.cliente) {
                render('Cliente ' + id, h('section', { class: 'card' }, h('h1', null, 'Cliente #' + id),
                    apiFailure(result, function () { clientView(params); })));
                return;
            }
            showClient(result.data);
        });
    }

    function clientNotFound(id) {
        render('Cliente não encontrado',
            h('section', { class: 'card' },
                h('h1', null, 'Cliente ' + id + ' não encontrado'),
                h('p', null, h('a', { href: '/clientes', 'data-link': true }, 'Ver todos os clientes'))));
    }

    function showClient(data) {
        var client = data.cliente;
        var cnpjNote = window.PilotoVendor && !window.PilotoVendor.cnpjOk(client.cnpj) ? ' (inválido)' : '';
        var notes = h('ul', { class: 'notas' }, (data.notas || []).map(noteItem));
        var status = h('div', { class: 'nota-status', role: 'status' });
        var input = h('input', { name: 'texto', placeholder: 'Nova nota sobre este cliente…', maxlength: 2000,
            autocomplete: 'off', required: true });
        var submit = h('button', { type: 'submit' }, 'Adicionar nota');
        var form = h('form', { class: 'sendbox nota-form' }, input, submit);
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var texto = input.value.trim();
            if (!texto) { status.textContent = 'Escreva a nota antes de adicionar.'; return; }
            submit.disabled = true;
            status.textContent = '';
            var seq = state.viewSeq;
            api('POST', '/api/clientes/' + client.id + '/notas', { texto: texto }).then(function (result) {
                if (seq !== state.viewSeq) return;
                submit.disabled = false;
                status.textContent = '';
                if (result.status === 401) { unauthorized(result, function (el) { status.appendChild(el); }); return; }
                if (result.ok && result.data && result.data.nota) {
                    input.value = '';
                    notes.insertBefore(noteItem(result.data.nota), notes.firstChild);
                    status.textContent = 'Nota adicionada por ' + result.data.nota.autor + '.';
                    return;
                }
                status.appendChild(apiFailure(result, null));
            });
        });
        render(client.empresa,
            h('section', { class: 'card' },
                h('p', { class: 'muted' }, 'Cliente #' + client.id + ' · ' + client.segmento),
                h('h1', null, client.empresa),
                apiUser(data),
                h('dl', { class: 'kv' },
                    h('dt', null, 'Contato'), h('dd', null, client.nome),
                    h('dt', null, 'CNPJ'), h('dd', null, client.cnpj + cnpjNote),
                    h('dt', null, 'E-mail'), h('dd', null, client.email),
                    h('dt', null, 'Telefone'), h('dd', null, client.telefone),
                    h('dt', null, 'Cidade'), h('dd', null, client.cidade + '/' + client.uf),
                    h('dt', null, 'Vendedor'), h('dd', null, client.vendedor),
                    h('dt', null, 'Etapa'), h('dd', null, client.etapa),
                    h('dt', null, 'Faturamento mensal'), h('dd', null, money(client.faturamento_mensal)),
                    h('dt', null, 'Último contato'), h('dd', null, client.ultimo_contato))),
            h('section', { class: 'card' },
                h('h2', null, 'Notas'), form, status, notes,
                h('p', null, h('a', { href: '/atendimento?canal=cliente-' + client.id, 'data-link': true },
                    'Abrir atendimento deste cliente →'))));
    }

    function noteItem(nota) {
        var when = new Date(nota.criada_em);
        var label = isNaN(when.getTime()) ? String(nota.criada_em) :
            when.toLocaleString('pt-BR', { dateStyle: 'short', timeStyle: 'short' });
        return h('li', { 'data-autor': nota.autor }, h('p', null, nota.texto),
            h('p', { class: 'muted small' }, nota.autor + ' · ' + label));
    }

    function loginView() {
        var error = h('p', { class: 'error', role: 'status' });
        var submit = h('button', { type: 'submit' }, 'Entrar');
        var form = h('form', { class: 'stack', novalidate: true },
            h('label', null, 'Login', h('input', { name: 'login', autocomplete: 'username', required: true })),
            h('label', null, 'Senha',
                h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
            submit, error);
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var login = form.elements.login.value.trim();
            var password = form.elements.password.value;
            if (!login || !password) { error.textContent = 'Informe login e senha.'; return; }
            submit.disabled = true;
            error.textContent = '';
            api('POST', '/api/auth/login', { login: login, password: password }).then(function (result) {
                submit.disabled = false;
                if (result.ok) {
                    form.elements.password.value = '';
                    refreshUser().then(function () { go(nextAfterLogin()); });
                } else if (result.status === 401 || result.status === 403) {
                    error.textContent = 'Login ou senha inválidos.';
                } else if (result.status === 429) {
                    error.textContent = 'Muitas tentativas. Aguarde um pouco e tente de novo.';
                } else {
                    error.textContent = 'Falha ao entrar: ' + describeFailure(result) + '.';
                }
            });
        });
        render('Entrar',
            h('section', { class: 'card' },
                h('h1', null, 'Entrar'),
                state.user ? h('p', { class: 'muted' }, 'Você já está conectado como ' + state.user + '.') : null,
                form));
        form.elements.login.focus();
    }

    /// After login, ?next= may name a page the server renders itself (the ops dashboard under
    /// /api/dashboard): load those for real instead of routing them inside the SPA.
    function go(path) {
        if (/^\/(api|ws)(\/|$)/.test(path)) location.assign(path);
        else navigate(path);
    }

    function nextAfterLogin() {
        var next = new URLSearchParams(location.search).get('next');
        // Only same-site paths: never let ?next= send the user to another origin.
        return next && next.charAt(0) === '/' && next.charAt(1) !== '/' ? next : '/atendimento';
    }

    // ---------------------------------------------------------------- attendance (WebSocket)
    //
    // The channel protocol (docs/websockets.md): the first frame is `hello` (epoch, top offset,
    // whether the position we asked for was recovered, members); stored messages carry `offset`
    // and `epoch`; a publish envelope {type:"publish", id, data} is answered with `ack`; `reset`
    // announces a jump. The page keeps its position per channel in sessionStorage, so a cut, a
    // reload or a new login in this tab resumes where it was, and a message typed while the
    // server is away waits in an outbox and is resent with the same id until it is acked (the
    // server stores a repeated id once).

    /// Channel names become a path segment of /ws/<channel>: keep them to a safe alphabet.
    function cleanChannel(name) {
        var cleaned = String(name || '').toLowerCase().replace(/[^a-z0-9_-]/g, '').slice(0, 64);
        return cleaned || 'vendas';
    }

    var CHANNEL_KEY_PREFIX = 'piloto.canal.';

    /// What this tab remembers of a channel: the position it has (epoch, offset), the messages
    /// shown (so a reload shows them again; recovery then brings only what is new) and the outbox.
    function loadChannel(channel) {
        var saved = null;
        try { saved = JSON.parse(sessionStorage.getItem(CHANNEL_KEY_PREFIX + channel) || 'null'); } catch (e) { /* none */ }
        if (!saved || typeof saved !== 'object') saved = {};
        return {
            epoch: typeof saved.epoch === 'string' ? saved.epoch : null,
            offset: typeof saved.offset === 'number' && saved.offset >= 0 ? saved.offset : 0,
            messages: Array.isArray(saved.messages) ? saved.messages : [],
            outbox: Array.isArray(saved.outbox) ? saved.outbox : [],
        };
    }

    function saveChannel(channel, saved) {
        try { sessionStorage.setItem(CHANNEL_KEY_PREFIX + channel, JSON.stringify(saved)); } catch (e) { /* full or disabled */ }
    }

    /// Logging out forgets every channel: the next user of this tab must not send the outbox.
    function forgetChannels() {
        try {
            for (var i = sessionStorage.length - 1; i >= 0; i--) {
                var key = sessionStorage.key(i);
                if (key && key.indexOf(CHANNEL_KEY_PREFIX) === 0) sessionStorage.removeItem(key);
            }
        } catch (e) { /* disabled */ }
    }

    /// `?epoch=&offset=` when the tab has a position (the server replays what it missed or says
    /// why it cannot), and always `last=`: the server uses it only on a fresh join or a failed
    /// recovery, to backfill the latest messages.
    function socketURL(channel, saved) {
        var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        var query = '?last=' + BACKFILL_MESSAGES;
        if (saved.epoch) query = '?epoch=' + encodeURIComponent(saved.epoch) + '&offset=' + saved.offset + '&last=' + BACKFILL_MESSAGES;
        return scheme + '//' + location.host + '/ws/' + encodeURIComponent(channel) + query;
    }

    /// A publish id: 128 random bits (getRandomValues works on plain http too, randomUUID does not).
    function randomID() {
        var bytes = new Uint8Array(16);
        crypto.getRandomValues(bytes);
        return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
    }

    /// Back-off before reconnect attempt `attempt` (0-based): exponential from
    /// RECONNECT_BASE_MS up to RECONNECT_MAX_DELAY_MS with jitter (half to all of it), so a
    /// restart does not bring every client back in the same millisecond. A 1001 is the server
    /// rotating the socket before Cloud Run's timeout (or draining for a deploy): the first
    /// retry is then almost immediate, spread over RECONNECT_FAST_MS.
    function reconnectDelay(attempt, code) {
        if (code === 1001 && attempt === 0) return Math.round(50 + Math.random() * RECONNECT_FAST_MS);
        var delay = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_MS * Math.pow(2, attempt));
        return Math.round(delay * (0.5 + Math.random() / 2));
    }

    function closeSocket() {
        clearTimeout(state.reconnectTimer);
        state.reconnectTimer = 0;
        clearTimeout(state.resendTimer);
        state.resendTimer = 0;
        if (state.socket) {
            state.socketClosedByUs = true;
            try { state.socket.close(1000, 'bye'); } catch (e) { /* already closed */ }
            state.socket = null;
        }
    }

    var LOST_REASONS = {
        epoch_changed: 'o servidor reiniciou e o histórico anterior se perdeu',
        expired: 'as mensagens perdidas já expiraram',
        too_many: 'foram perdidas mensagens demais',
        ahead: 'o servidor voltou a um estado anterior',
        unavailable: 'o histórico está indisponível no momento',
    };

    /// The text inside a message's `data`: what this page sends is {text} (a JSON value in a
    /// publish envelope, or a JSON string from older pages); other clients may send plain text.
    function messageText(data) {
        if (data && typeof data === 'object' && typeof data.text === 'string') return data.text;
        if (typeof data !== 'string') return data === undefined ? '' : JSON.stringify(data);
        try {
            var inner = JSON.parse(data);
            if (inner && typeof inner.text === 'string') return inner.text;
        } catch (e) { /* plain text */ }
        return data;
    }

    function attendanceView() {
        var channel = cleanChannel(new URLSearchParams(location.search).get('canal'));
        var status = h('span', { class: 'status', role: 'status' }, 'desconectado');
        var members = h('span', { class: 'members', id: 'members' });
        var list = h('ul', { class: 'messages', 'aria-live': 'polite' });
        var input = h('input', { name: 'message', placeholder: 'Escreva uma mensagem…', autocomplete: 'off',
            maxlength: 2000 });
        var send = h('button', { type: 'submit', disabled: true }, 'Enviar');
        var channelInput = h('input', { name: 'channel', value: channel, size: 18 });

        /// Per channel: `saved` is what sessionStorage keeps; `seen` is the highest offset shown
        /// in `saved.epoch` (a message at or below it is a duplicate and dropped); `ready` is true
        /// once this socket's hello arrived; `recovering` counts the replay still to come.
        var saved, seen, ready = false, recovering = 0, recoveredTotal = 0, memberList = [], pendingItems = {};

        function persist() {
            saved.messages = saved.messages.slice(-MAX_MESSAGES_SHOWN);
            saveChannel(channel, saved);
        }

        function addLine(text, kind, when) {
            var item = h('li', { class: kind || '' }, h('time', null, timeLabel(when || new Date())), text);
            list.appendChild(item);
            while (list.children.length > MAX_MESSAGES_SHOWN) list.removeChild(list.firstChild);
            list.scrollTop = list.scrollHeight;
            return item;
        }

        function notice(text, type, attrs) {
            var item = addLine(text, 'system notice');
            item.setAttribute('data-type', type);
            Object.keys(attrs || {}).forEach(function (key) { item.setAttribute(key, String(attrs[key])); });
            return item;
        }

        function setStatus(text, cls) {
            status.textContent = text;
            status.className = 'status' + (cls ? ' ' + cls : '');
            // Once the channel spoke the protocol, typing works offline too: the outbox keeps it.
            send.disabled = cls !== 'open' && !saved.epoch;
        }

        function renderMembers(count) {
            var n = typeof count === 'number' ? count : memberList.length;
            members.textContent = n + (n === 1 ? ' pessoa' : ' pessoas') + ' no canal' +
                (memberList.length ? ': ' + memberList.map(function (m) { return m.user; }).join(', ') : '');
            members.setAttribute('data-members', String(n));
        }

        function showMessage(m) {
            var when = typeof m.at === 'string' ? new Date(m.at) : new Date();
            if (isNaN(when.getTime())) when = new Date();
            var from = typeof m.from === 'string' ? m.from : '?';
            var mine = Boolean(state.user) && from === state.user;
            var item = addLine((mine ? 'Você' : from) + ': ' + messageText(m.data), mine ? 'mine' : 'other', when);
            item.setAttribute('data-type', 'message');
            item.setAttribute('data-from', from);
            if (typeof m.offset === 'number') item.setAttribute('data-offset', String(m.offset));
            if (typeof m.epoch === 'string') item.setAttribute('data-epoch', m.epoch);
        }

        function showPending(entry) {
            var item = addLine(['Você: ' + messageText(entry.data), h('span', { class: 'sending' }, ' enviando…')], 'mine pending');
            item.setAttribute('data-type', 'pending');
            item.setAttribute('data-id', entry.id);
            pendingItems[entry.id] = item;
        }

        /// The server has our message `id` (its ack, or the message itself in live traffic or a
        /// replay): it leaves the outbox; the pending line goes once the message itself is shown.
        function settle(id, shown) {
            var before = saved.outbox.length;
            saved.outbox = saved.outbox.filter(function (entry) { return entry.id !== id; });
            var item = pendingItems[id];
            if (item && shown) {
                item.remove();
                delete pendingItems[id];
            } else if (item) {
                item.setAttribute('data-type', 'acked');
                item.lastChild.textContent = ' enviado';
            }
            if (saved.outbox.length !== before) persist();
        }

        function sendEnvelope(entry) {
            if (!ready || !state.socket || state.socket.readyState !== WebSocket.OPEN) return;
            state.socket.send(JSON.stringify({ type: 'publish', id: entry.id, data: entry.data }));
        }

        /// Resends the outbox (same ids) after every hello, and while the socket stays open and
        /// something is still unacked (a store that could not save it sends no ack).
        function flushOutbox() {
            clearTimeout(state.resendTimer);
            state.resendTimer = 0;
            if (!ready || !saved.outbox.length) return;
            saved.outbox.forEach(sendEnvelope);
            state.resendTimer = setTimeout(flushOutbox, RESEND_AFTER_MS);
        }

        function onHello(m) {
            ready = true;
            state.reconnects = 0;
            memberList = Array.isArray(m.members) ? m.members.filter(function (x) { return x && typeof x.user === 'string'; }) : [];
            renderMembers();
            var asked = saved.epoch !== null;
            if (m.recovered === true) {
                seen = saved.offset;
                recovering = typeof m.missed === 'number' ? m.missed : 0;
                recoveredTotal = recovering;
            } else {
                // Same epoch (expired, too many): keep dropping what we have. Another epoch, or a
                // store that went back (`ahead`): its offsets are new messages.
                if (saved.epoch !== m.epoch || m.reason === 'ahead') seen = 0;
                saved.offset = typeof m.offset === 'number' ? m.offset : 0;
                recovering = 0;
                if (typeof m.reason === 'string' && (asked || m.reason === 'unavailable')) {
                    notice('Não foi possível recuperar o histórico (' + (LOST_REASONS[m.reason] || m.reason) +
                        '): mensagens enviadas enquanto você estava desconectado podem não aparecer.',
                        'history-lost', { 'data-reason': m.reason });
                }
            }
            saved.epoch = typeof m.epoch === 'string' ? m.epoch : null;
            persist();
            setStatus('conectado a /ws/' + channel, 'open');
            flushOutbox();
        }

        function onMessage(m, fromStorage) {
            if (typeof m.offset === 'number' && typeof m.epoch === 'string' && !fromStorage) {
                if (m.epoch === saved.epoch && m.offset <= seen) return;  // already shown
                if (m.epoch !== saved.epoch) { saved.epoch = m.epoch; saved.offset = 0; }
                seen = m.offset;
                saved.offset = Math.max(saved.offset, m.offset);
                saved.messages.push(m);
            }
            if (typeof m.id === 'string') settle(m.id, true);
            showMessage(m);
            if (!fromStorage) persist();
            if (recovering > 0 && !fromStorage) {
                recovering -= 1;
                if (recovering === 0) {
                    notice(recoveredTotal + (recoveredTotal === 1 ? ' mensagem recuperada' : ' mensagens recuperadas'),
                        'recovered', { 'data-missed': recoveredTotal });
                }
            }
        }

        function onReset(m) {
            saved.epoch = typeof m.epoch === 'string' ? m.epoch : saved.epoch;
            saved.offset = typeof m.offset === 'number' ? m.offset : 0;
            seen = saved.offset;
            recovering = 0;
            persist();
            notice('Não foi possível recuperar o histórico (' + (LOST_REASONS[m.reason] || m.reason || '?') +
                '): algumas mensagens podem não aparecer.', 'history-lost', { 'data-reason': String(m.reason) });
        }

        function onPresence(m) {
            var user = typeof m.user === 'string' ? m.user : (typeof m.from === 'string' ? m.from : '?');
            memberList = memberList.filter(function (x) { return x.user !== user; });
            if (m.type === 'join') memberList.push({ user: user, since: m.since });
            renderMembers(typeof m.members === 'number' ? m.members : undefined);
            var line = addLine(user + (m.type === 'join' ? ' entrou no canal.' : ' saiu do canal.'), 'system');
            line.setAttribute('data-type', m.type);
            line.setAttribute('data-from', user);
        }

        /// One text frame from the server. Anything that is not the protocol (the echo route, a
        /// binary frame) is shown as it is, never dropped silently.
        function onFrame(raw) {
            if (typeof raw !== 'string') { addLine('[mensagem binária]', 'other'); return; }
            var m = null;
            try { m = JSON.parse(raw); } catch (e) { /* plain text */ }
            var type = m && typeof m === 'object' ? m.type : null;
            if (type === 'hello') onHello(m);
            else if (type === 'message') onMessage(m, false);
            else if (type === 'ack' && typeof m.id === 'string') settle(m.id, false);
            else if (type === 'reset') onReset(m);
            else if (type === 'join' || type === 'leave') onPresence(m);
            else if (m && typeof m === 'object' && typeof m.text === 'string') addLine((m.from ? m.from + ': ' : '') + m.text, 'other');
            else addLine(raw, 'other');
        }

        function connect() {
            closeSocket();
            state.socketClosedByUs = false;
            ready = false;
            var socket;
            try {
                socket = new WebSocket(socketURL(channel, saved));
            } catch (e) {
                setStatus('erro', 'closed');
                addLine('Não foi possível abrir o WebSocket: ' + e.message, 'system');
                return;
            }
            state.socket = socket;
            setStatus('conectando a /ws/' + channel + '…');
            var opened = false;
            socket.addEventListener('open', function () {
                if (state.socket !== socket) return;
                opened = true;
                setStatus('conectado a /ws/' + channel, 'open');
                addLine('Conectado ao canal "' + channel + '".', 'system');
            });
            socket.addEventListener('message', function (event) {
                if (state.socket !== socket) return;
                onFrame(event.data);
            });
            socket.addEventListener('close', function (event) {
                if (state.socket !== socket && state.socket !== null) return;
                state.socket = null;
                ready = false;
                clearTimeout(state.resendTimer);
                setStatus('desconectado', 'closed');
                if (state.socketClosedByUs) return;
                var reason = event.code === 1001 ? 'servidor reiniciando' :
                    event.code === 1008 ? 'conexão lenta demais' :
                    event.code === 1006 ? 'conexão perdida' : 'código ' + event.code;
                if (opened) {
                    var closed = addLine('Desconectado (' + reason + ').', 'system');
                    closed.setAttribute('data-type', 'closed');
                    closed.setAttribute('data-code', String(event.code));
                    scheduleReconnect(event.code);
                    return;
                }
                // The handshake itself failed: the browser hides the HTTP status (1006), so ask the
                // API whether the reason is a missing session before retrying in a loop. The
                // outbox stays in this tab: after a new login it is sent.
                api('GET', '/api/auth/me').then(function (result) {
                    if (result.status === 401 || result.status === 403) {
                        var line = addLine(['Este canal exige login. ',
                            h('a', { href: '/login?next=' + encodeURIComponent('/atendimento?canal=' + channel), 'data-link': true }, 'Entre'),
                            ' e volte ao atendimento' + (saved.outbox.length ? ': as mensagens pendentes serão enviadas.' : '.')], 'system');
                        line.setAttribute('data-type', 'login-required');
                        return;
                    }
                    addLine('Não foi possível conectar (' + reason + ').', 'system');
                    scheduleReconnect(event.code);
                });
            });
        }

        function scheduleReconnect(code) {
            if (state.reconnects >= MAX_RECONNECTS) {
                addLine('Desisti de reconectar. Use o botão "Conectar".', 'system');
                return;
            }
            var delay = reconnectDelay(state.reconnects, code);
            state.reconnects += 1;
            var line = addLine('Reconectando em ' + (delay / 1000).toFixed(1).replace('.', ',') + ' s…', 'system');
            line.setAttribute('data-type', 'reconnecting');
            line.setAttribute('data-delay', String(delay));
            state.reconnectTimer = setTimeout(connect, delay);
        }

        /// Messages restored before /api/auth/me answered (a reload) did not know which were ours.
        state.onUser = function () {
            var items = list.querySelectorAll('li[data-type=message].other');
            for (var i = 0; i < items.length; i++) {
                var from = items[i].getAttribute('data-from');
                if (from !== state.user) continue;
                items[i].className = 'mine';
                var text = items[i].lastChild;
                if (text && text.nodeType === 3 && text.textContent.indexOf(from + ': ') === 0) {
                    text.textContent = 'Você: ' + text.textContent.slice(from.length + 2);
                }
            }
        };

        /// Shows what this tab kept of `name` and connects to it.
        function open(name) {
            channel = name;
            saved = loadChannel(channel);
            seen = saved.offset;
            recovering = 0;
            pendingItems = {};
            memberList = [];
            members.textContent = '';
            list.textContent = '';
            saved.messages.forEach(function (m) { onMessage(m, true); });
            saved.outbox.forEach(showPending);
            state.reconnects = 0;
            connect();
        }

        var sendForm = h('form', { class: 'sendbox' }, input, send);
        sendForm.addEventListener('submit', function (event) {
            event.preventDefault();
            var text = input.value.trim();
            if (!text) return;
            if (saved.epoch) {
                // A protocol channel: an envelope with a fresh id, kept until acked. The server adds
                // who sent it (`from`) and when (`at`), and sends it back to us too.
                var entry = { id: randomID(), data: { text: text } };
                saved.outbox.push(entry);
                persist();
                showPending(entry);
                if (ready) {
                    sendEnvelope(entry);
                    if (!state.resendTimer) state.resendTimer = setTimeout(flushOutbox, RESEND_AFTER_MS);
                }
            } else if (state.socket && state.socket.readyState === WebSocket.OPEN) {
                state.socket.send(text);  // not a channel (the echo route): plain text
            } else {
                return;
            }
            input.value = '';
            input.focus();
        });

        var channelForm = h('form', { class: 'toolbar' },
            h('label', null, 'Canal', channelInput),
            h('button', { type: 'submit', class: 'secondary' }, 'Conectar'));
        channelForm.addEventListener('submit', function (event) {
            event.preventDefault();
            var name = cleanChannel(channelInput.value);
            channelInput.value = name;
            history.replaceState(null, '', '/atendimento?canal=' + encodeURIComponent(name));
            open(name);
        });

        render('Atendimento',
            h('section', { class: 'card' },
                h('h1', null, 'Atendimento'),
                h('p', { class: 'muted' },
                    'Mensagens em tempo real do canal, por WebSocket. Os canais exigem login; o canal ',
                    h('code', null, 'echo'), ' não, e devolve cada mensagem enviada.'),
                channelForm, h('p', { class: 'presence' }, status, ' ', members), list, sendForm,
                h('p', { class: 'muted' }, 'Operação: ', h('a', { href: '/api/dashboard' }, 'painel de métricas'),
                    ' (latência por país, WebSockets ativos, gatilhos de reavaliação).')));
        open(channel);
    }

    function notFoundView() {
        render('Página não encontrada',
            h('section', { class: 'card' },
                h('h1', null, 'Página não encontrada'),
                h('p', null, 'O endereço ', h('code', null, location.pathname), ' não existe. ',
                    h('a', { href: '/', 'data-link': true }, 'Voltar ao início'))));
    }

    // ---------------------------------------------------------------- router (history.pushState)

    var routes = [
        { pattern: /^\/$/, view: homeView },
        { pattern: /^\/login\/?$/, view: loginView },
        { pattern: /^\/clientes\/?$/, view: clientListView },
        { pattern: /^\/dashboard\/clientes\/([^/]+)\/?$/, view: clientView, params: ['id'] },
        { pattern: /^\/atendimento\/?$/, view: attendanceView },
    ];

    function route() {
        var path = location.pathname;
        state.viewSeq += 1;
        state.onUser = null;
        if (path !== '/atendimento' && path !== '/atendimento/') closeSocket();
        markCurrentLink(path);
        for (var i = 0; i < routes.length; i++) {
            var match = routes[i].pattern.exec(path);
            if (!match) continue;
            var params = {};
            (routes[i].params || []).forEach(function (name, index) {
                params[name] = decodeURIComponent(match[index + 1]);
            });
            try {
                routes[i].view(params);
            } catch (error) {
                render('Erro', h('section', { class: 'card' }, h('h1', null, 'Algo deu errado'),
                    h('p', { class: 'error' }, String(error && error.message || error))));
            }
            return;
        }
        notFoundView();
    }

    function markCurrentLink(path) {
        var links = document.querySelectorAll('.nav a');
        for (var i = 0; i < links.length; i++) {
            if (links[i].getAttribute('href') === path) links[i].setAttribute('aria-current', 'page');
            else links[i].removeAttribute('aria-current');
        }
    }

    function navigate(path) {
        if (path !== location.pathname + location.search) history.pushState(null, '', path);
        route();
    }

    /// Only links marked data-link stay in the SPA; /api/dashboard and /api/health are real pages
    /// served by the server, so the browser follows them normally.
    document.addEventListener('click', function (event) {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
            event.shiftKey || event.altKey) return;
        var link = event.target.closest && event.target.closest('a[data-link]');
        if (!link || link.origin !== location.origin) return;
        event.preventDefault();
        navigate(link.pathname + link.search);
    });

    window.addEventListener('popstate', route);
    document.getElementById('logout').addEventListener('click', logout);

    if (!window.PilotoVendor) showBanner('O pacote vendor não carregou; valores sem formatação completa.', 'info');
    route();
    refreshUser().then(function () {
        // Re-render views whose content depends on who is logged in.
        if (location.pathname === '/' || (location.pathname === '/login' && state.user)) route();
    });
})();
