/*
 * The demo page: a small client of PerformChat's socket protocol, as the docs describe it
 * ("Using tokens"): fetch a token from this app, io(chatUrl, { auth: { token } }),
 * chat:join { agentId, token }, chat:message { agentId, message, conversationId } → chat:response.
 *
 * What it shows a backend team:
 * - the token is renewed `refreshAheadSeconds` before `expiresAt` (halfway for shorter tokens)
 *   and handed to the live socket with chat:join: the conversation goes on;
 * - 429 and 503 from the token route are retried after `Retry-After` (exponential backoff with
 *   jitter when there is none), never in a loop;
 * - a socket refused for a token reason (expired, revoked, ...) gets one fresh token and retries;
 * - "Log out everywhere" ends the user's sessions and revokes every chat token of the user; the
 *   chat server closes the sockets of every window.
 *
 * State for tests and styles: body[data-view] (loading | login | chat), body[data-socket]
 * (idle | connecting | connected | reconnecting | unreachable | refused | closed).
 */
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const TOKEN_REASONS = new Set(['expired', 'token_version', 'signature', 'malformed', 'customer_user_not_found']);
  const SOCKET_LABELS = {
    idle: 'Not connected',
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    unreachable: 'Chat server unreachable',
    refused: 'Refused',
    closed: 'Socket closed',
  };

  const state = {
    config: undefined,
    user: undefined,
    token: undefined,
    expiresAt: 0,
    agent: undefined,
    socket: undefined,
    conversationId: undefined,
    refreshTimer: undefined,
    tokenInFlight: undefined,
    tokenRetries: 0,
    refreshes: 0,
    loggingOut: false,
    lastChatError: undefined,
    replies: new Map(),
  };

  // --- Small helpers -------------------------------------------------------------------------

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function notice(text, kind = 'info') {
    const el = $('notice');
    el.textContent = text || '';
    el.dataset.kind = kind;
    el.hidden = !text;
  }

  function setView(view) {
    document.body.dataset.view = view;
    $('login').hidden = view !== 'login';
    $('chat').hidden = view !== 'chat';
    $('who').hidden = view !== 'chat';
  }

  function setSocketState(name, detail) {
    document.body.dataset.socket = name;
    $('socket-state').textContent = detail ? `${SOCKET_LABELS[name]} (${detail})` : SOCKET_LABELS[name];
    $('send').disabled = name !== 'connected';
  }

  /** `Retry-After` in ms: whole seconds or an HTTP date. */
  function retryAfterMs(value) {
    if (!value) return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
  }

  /** Same-origin JSON call. POSTs always say they are JSON (the app refuses anything else: CSRF). */
  async function api(path, method = 'GET', body) {
    const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
    if (method !== 'GET') {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body ?? {});
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      return { status: 0, ok: false, data: undefined, retryAfter: undefined };
    }
    let data;
    try {
      data = await response.json();
    } catch {
      data = undefined;
    }
    return {
      status: response.status,
      ok: response.ok,
      data,
      retryAfter: retryAfterMs(response.headers.get('retry-after')),
    };
  }

  // --- Messages ------------------------------------------------------------------------------

  function addMessage(role, content, id, done = true) {
    const li = document.createElement('li');
    li.className = role;
    li.textContent = content;
    li.dataset.done = String(done);
    if (id) li.dataset.messageId = id;
    $('messages').append(li);
    li.scrollIntoView({ block: 'end' });
    return li;
  }

  function renderHistory(messages) {
    $('messages').replaceChildren();
    state.replies.clear();
    for (const m of messages) addMessage(m.role, m.content, m.id);
  }

  /** A reply arrives whole or in chunks of one messageId; `done` marks the last. */
  function onResponse(reply) {
    if (reply.conversationId !== state.conversationId) return;
    let li = state.replies.get(reply.messageId);
    if (!li) {
      li = addMessage('agent', '', reply.messageId, false);
      state.replies.set(reply.messageId, li);
    }
    li.textContent += reply.content;
    li.dataset.done = String(reply.done !== false);
    if (reply.done !== false) state.replies.delete(reply.messageId);
  }

  // --- The token ------------------------------------------------------------------------------

  function renderTokenInfo() {
    const el = $('token-info');
    el.dataset.refreshes = String(state.refreshes);
    if (!state.token) {
      el.textContent = '';
      return;
    }
    const left = Math.max(0, Math.round((state.expiresAt - Date.now()) / 1000));
    el.textContent = `expires in ${left} s · renewed ${state.refreshes}×`;
  }

  /**
   * A fresh token from this app (`POST /api/chat/token`). 429 and 503 (and a network error) are
   * retried after `Retry-After`, else after an exponential backoff with jitter; one request in
   * flight at a time. Resolves undefined when the user is logged out or the error is final.
   */
  function fetchToken() {
    state.tokenInFlight ??= (async () => {
      const { retryBaseMs, retryMaxMs } = state.config.chat;
      for (let attempt = 1; ; attempt++) {
        const res = await api('/api/chat/token', 'POST', {});
        if (res.ok) {
          notice('');
          setToken(res.data);
          return res.data.token;
        }
        if (res.status === 401) {
          endChat();
          showLogin('Your session has ended. Log in again.', 'warning');
          return undefined;
        }
        const retryable = res.status === 0 || res.status === 429 || res.status >= 500;
        if (!retryable || state.loggingOut) {
          notice(`Could not get a chat token: ${res.data?.message ?? `HTTP ${res.status}`}`, 'error');
          return undefined;
        }
        const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt - 1));
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        const wait = Math.max(res.retryAfter ?? 0, jittered);
        const what =
          res.status === 429
            ? 'Too many token requests (429)'
            : res.status === 0
              ? 'This app does not answer'
              : `PerformChat is unavailable (${res.status})`;
        notice(`${what}: retrying in ${Math.ceil(wait / 1000)} s.`, 'warning');
        document.body.dataset.tokenWait = String(res.status);
        await sleep(wait);
        delete document.body.dataset.tokenWait;
        if (!state.user) return undefined;
      }
    })().finally(() => {
      state.tokenInFlight = undefined;
    });
    return state.tokenInFlight;
  }

  function setToken(data) {
    state.token = data.token;
    state.expiresAt = Date.parse(data.expiresAt);
    state.agent = data.agent;
    $('agent-name').textContent = data.agent ? data.agent.name : '';
    scheduleRefresh();
    renderTokenInfo();
  }

  /** Renew `refreshAheadSeconds` before expiry; a token shorter than that, halfway through. */
  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    const left = state.expiresAt - Date.now();
    const ahead = state.config.chat.refreshAheadSeconds * 1000;
    const delay = left > ahead * 2 ? left - ahead : Math.max(0, left / 2);
    state.refreshTimer = setTimeout(() => void renewToken(), delay);
  }

  /** A new token, handed to the live socket (chat:join): same socket, same conversation. */
  async function renewToken() {
    const token = await fetchToken();
    if (!token) return;
    state.refreshes++;
    renderTokenInfo();
    const socket = state.socket;
    if (socket && socket.connected) join(socket);
  }

  // --- The socket ------------------------------------------------------------------------------

  function join(socket) {
    socket.emit('chat:join', { agentId: state.agent.id, token: state.token, conversationId: state.conversationId });
  }

  function connect() {
    const { chat } = state.config;
    setSocketState('connecting');
    // `auth` as a function: every (re)connection sends the newest token.
    const socket = io(chat.chatUrl, {
      auth: (cb) => cb({ token: state.token }),
      reconnectionDelay: chat.reconnectDelayMs,
      reconnectionDelayMax: chat.reconnectDelayMaxMs,
    });
    state.socket = socket;

    socket.on('connect', () => {
      state.tokenRetries = 0;
      state.lastChatError = undefined;
      setSocketState('connected');
      notice('');
      join(socket);
    });
    socket.on('chat:joined', (answer) => {
      state.tokenRetries = 0;
      const fresh = answer.conversationId !== state.conversationId || $('messages').children.length === 0;
      state.conversationId = answer.conversationId;
      localStorage.setItem(`performchat-demo.conversation.${state.user}`, answer.conversationId);
      if (fresh) renderHistory(answer.messages || []);
    });
    socket.on('chat:response', onResponse);
    socket.on('chat:error', (error) => {
      state.lastChatError = error;
      if (error.reason === 'conversation_not_found') {
        // The chat server no longer knows it (restarted without its state): start a new one.
        state.conversationId = undefined;
        localStorage.removeItem(`performchat-demo.conversation.${state.user}`);
        addMessage('system', 'The previous conversation is gone; a new one starts.');
        join(socket);
      } else if (TOKEN_REASONS.has(error.reason) && error.event && state.tokenRetries < 2) {
        // An event refused for the token (expired on a live socket): renew it, which re-joins.
        state.tokenRetries++;
        void renewToken();
      } else if (error.event) {
        notice(`The chat refused ${error.event}: ${error.message}`, 'error');
      }
    });
    socket.on('connect_error', (error) => void onConnectError(socket, error));
    socket.on('disconnect', (reason) => onDisconnect(socket, reason));
    socket.io.on('reconnect_attempt', (attempt) => {
      if (document.body.dataset.socket !== 'unreachable') setSocketState('reconnecting', `attempt ${attempt}`);
    });
  }

  async function onConnectError(socket, error) {
    const reason = error.data && error.data.reason;
    if (socket.active) {
      // A transport error: the chat server is down or unreachable. socket.io retries by itself.
      setSocketState('unreachable');
      notice('The chat server is unreachable; reconnecting by itself…', 'warning');
      return;
    }
    // Refused by the chat server itself.
    if (TOKEN_REASONS.has(reason) && state.tokenRetries < 2) {
      state.tokenRetries++;
      setSocketState('refused', reason);
      notice(`The chat refused the token (${error.message}); getting a fresh one…`, 'warning');
      const token = await fetchToken();
      if (token && state.socket === socket) socket.connect();
      return;
    }
    setSocketState('refused', reason || 'error');
    const { retryBaseMs, retryMaxMs } = state.config.chat;
    const wait = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(6, state.tokenRetries++));
    notice(`The chat refused the connection: ${error.message}. Retrying in ${Math.ceil(wait / 1000)} s.`, 'error');
    await sleep(wait);
    if (state.socket === socket && !socket.connected) socket.connect();
  }

  function onDisconnect(socket, reason) {
    if (state.socket !== socket || reason === 'io client disconnect') return;
    if (reason === 'io server disconnect') {
      // The chat server closed it on purpose: after an invalidation ("log out everywhere",
      // here or on another device) it sends chat:error token_version first.
      const revoked = state.lastChatError && state.lastChatError.reason === 'token_version';
      setSocketState('closed', revoked ? 'tokens revoked' : 'by the server');
      if (state.loggingOut) return;
      notice(
        revoked
          ? "PerformChat closed the socket: this user's chat tokens were revoked."
          : 'The chat server closed the socket.',
        'warning',
      );
      // Still logged in here? A fresh token opens it again; logged out, fetchToken shows the login.
      void fetchToken().then((token) => {
        if (token && state.socket === socket) socket.connect();
      });
      return;
    }
    setSocketState('reconnecting', reason);
    notice('The connection to the chat server was lost; reconnecting…', 'warning');
  }

  // --- Views and actions ---------------------------------------------------------------------

  function endChat() {
    clearTimeout(state.refreshTimer);
    if (state.socket) {
      state.socket.removeAllListeners();
      state.socket.io.removeAllListeners();
      state.socket.disconnect();
    }
    Object.assign(state, {
      socket: undefined,
      token: undefined,
      expiresAt: 0,
      conversationId: undefined,
      refreshes: 0,
    });
    renderTokenInfo();
  }

  function showLogin(message, kind) {
    state.user = undefined;
    setView('login');
    if (message) notice(message, kind);
    $('username').focus();
  }

  async function startChat(user) {
    state.user = user;
    state.loggingOut = false;
    state.conversationId = localStorage.getItem(`performchat-demo.conversation.${user}`) || undefined;
    $('who-name').textContent = user;
    $('messages').replaceChildren();
    setView('chat');
    setSocketState('idle');
    const token = await fetchToken();
    if (token && state.user === user) connect();
  }

  async function login(event) {
    event.preventDefault();
    const username = $('username').value.trim();
    const res = await api('/api/demo/login', 'POST', { username });
    if (!res.ok) {
      const message = res.data && res.data.message;
      notice(`Login failed: ${Array.isArray(message) ? message.join(', ') : message || `HTTP ${res.status}`}`, 'error');
      return;
    }
    notice('');
    await startChat(res.data.user.id);
  }

  function send(event) {
    event.preventDefault();
    const input = $('message');
    const message = input.value.trim();
    if (!message || !state.socket || !state.socket.connected) return;
    addMessage('user', message);
    state.socket.emit('chat:message', { agentId: state.agent.id, message, conversationId: state.conversationId });
    input.value = '';
  }

  /**
   * "Log out everywhere": the app ends every session of the user, then revokes all of the
   * user's chat tokens (POST /api/demo/logout { everywhere: true }); PerformChat closes the live
   * sockets, here and in the user's other windows, which cannot get a new token any more.
   */
  async function logoutEverywhere() {
    state.loggingOut = true;
    clearTimeout(state.refreshTimer);
    const socket = state.socket;
    const closed = new Promise((resolve) => {
      if (!socket || !socket.connected) return resolve('not connected');
      socket.once('disconnect', resolve);
      setTimeout(() => resolve('still open'), 3000);
    });
    const res = await api('/api/demo/logout', 'POST', { everywhere: true });
    const how = res.ok ? await closed : 'not revoked';
    endChat();
    localStorage.removeItem(`performchat-demo.conversation.${state.user}`);
    setSocketState('closed', res.ok ? 'tokens revoked' : 'logged out');
    if (!res.ok) {
      showLogin(
        `Logged out, but the chat tokens could not be revoked: ${res.data?.message ?? `HTTP ${res.status}`}`,
        'error',
      );
      return;
    }
    const closedBy = how === 'io server disconnect' ? 'PerformChat closed the socket' : `socket: ${how}`;
    showLogin(
      `Logged out everywhere: ${res.data.sessionsEnded} session(s) ended, chat tokens revoked; ${closedBy}.`,
      'info',
    );
  }

  async function boot() {
    const res = await api('/api/demo/session');
    if (!res.ok) {
      setView('login');
      notice('This app does not answer; reload the page.', 'error');
      return;
    }
    state.config = res.data;
    $('chat-url').textContent = state.config.chat.chatUrl;
    $('login-form').addEventListener('submit', login);
    $('composer').addEventListener('submit', send);
    $('logout-everywhere').addEventListener('click', () => void logoutEverywhere());
    $('renew').addEventListener('click', () => void renewToken());
    setInterval(renderTokenInfo, 1000);
    if (res.data.user) await startChat(res.data.user.id);
    else showLogin();
  }

  void boot();
})();
