// The agent console: the queue of handoffs, one case at a time, live over a WebSocket.
//
// Every piece of text from the server (a borrower's words above all) reaches the page through
// textContent / createElement, never innerHTML. The token lives in sessionStorage (this tab
// only); a 401 anywhere sends the agent back to the sign-in form, and a 403 that names a missing
// permission (a trainer's role has no cases) says so instead of showing an empty console.
"use strict";

(() => {
  const API = "/api/v1/agent";
  const TOKEN_KEY = "agentConsole.token";
  const USER_KEY = "agentConsole.username";
  const ROLE_KEY = "agentConsole.role";
  const MAX_REPLY = 2000;
  const RECONNECT_MAX_MS = 30000;
  const TOKEN_EXPIRED = 4401; // the live feed's close code when the token expires

  const REASONS = {
    distress: "Distress",
    legal: "Legal",
    complaint: "Complaint",
    dispute: "Dispute",
    hardship: "Hardship",
    stop_contact: "Stop contact",
    negotiation_failed: "Negotiation failed",
    human_requested: "Asked for a person",
    ineligible: "Outside policy",
    not_understood: "Not understood",
  };
  const LANGUAGES = { en: "English", zh: "中文" };
  const ROLES = { agent: "Agent", trainer: "Trainer", supervisor: "Supervisor" };
  const REVIEWERS = ["trainer", "supervisor"]; // the roles of the review inbox (/agent/training)

  const RESYNC_MS = 60000;

  const state = {
    token: null,
    username: null,
    role: null, // as the login said; the server decides what it may do
    noAccess: false, // the server refused this role the cases: nothing to load or follow
    queue: new Map(), // id → handoff (open or claimed)
    closedIds: new Set(), // never shown in the queue again (a handoff is never reopened)
    freshIds: new Set(), // arrived live: highlighted for a while
    unreadIds: new Set(), // a borrower wrote while the case was not on screen
    selectedId: null,
    current: null, // the selected handoff (without its transcript)
    messages: new Map(), // id → message, of the selected case
    borrower: null,
    loadSeq: 0,
    socket: null,
    reconnectAttempt: 0,
    reconnectTimer: null,
    ticker: null,
    resync: null,
    clockOffset: 0, // server clock minus ours, when they differ by more than a few seconds
    bannerKind: null,
    busy: false,
  };

  const $ = (id) => document.getElementById(id);
  const { el, fill } = window.AgentUi; // ../shared/ui.js

  // --- small helpers ---------------------------------------------------------------------

  function now() {
    return Date.now() + state.clockOffset;
  }

  // The API's times are ISO-8601 UTC; one without a zone is UTC too (never the browser's zone).
  function parseTime(iso) {
    if (!iso) return null;
    let text = String(iso).replace(/(\.\d{3})\d+/, "$1");
    if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += "Z";
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }

  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const pad = (n) => String(n).padStart(2, "0");
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
    return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
  }

  function clockTime(iso) {
    const ms = parseTime(iso);
    if (ms === null) return "";
    const date = new Date(ms);
    const sameDay = new Date(now()).toDateString() === date.toDateString();
    const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    return sameDay ? time : `${date.toLocaleDateString()} ${time}`;
  }

  // Money stays the exact decimal string the API sends: only thousands separators are added.
  function money(amount, currency) {
    if (amount === null || amount === undefined || amount === "") return "—";
    const text = String(amount);
    const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
    const shown = match ? match[1] + match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (match[3] || "") : text;
    return currency ? `${currency} ${shown}` : shown;
  }

  function reasonLabel(reason) {
    return REASONS[reason] || String(reason || "unknown").replace(/_/g, " ");
  }

  function languageLabel(language) {
    return LANGUAGES[language] || String(language || "?");
  }

  function borrowerLabel(handoff) {
    return handoff.borrower_name || handoff.borrower_id || "Unknown borrower";
  }

  function claimedByMe(handoff) {
    return Boolean(handoff && handoff.status === "claimed" && handoff.claimed_by === state.username);
  }

  function compareHandoffs(a, b) {
    return (a.priority - b.priority)
      || ((parseTime(a.created_at) || 0) - (parseTime(b.created_at) || 0))
      || (a.id - b.id);
  }

  // --- errors and announcements ----------------------------------------------------------

  function showError(message, kind = "error") {
    state.bannerKind = kind;
    $("banner-text").textContent = message;
    $("banner").hidden = false;
  }

  function clearError(kind) {
    if (kind && state.bannerKind !== kind) return;
    state.bannerKind = null;
    $("banner").hidden = true;
    $("banner-text").textContent = "";
  }

  function announce(message) {
    const region = $("announcer");
    region.textContent = "";
    // A separate task, so that screen readers notice the change even for the same text.
    setTimeout(() => { region.textContent = message; }, 50);
  }

  class ApiFailure extends Error {
    // handled: api() has already acted on it (signed out, or shown that the role has no access).
    constructor(status, message, body, handled = false) {
      super(message);
      this.status = status;
      this.body = body || {};
      this.handled = handled;
    }
  }

  function describe(error, doing) {
    if (error instanceof ApiFailure && error.status === 0) return error.message;
    return doing ? `${doing}: ${error.message}` : error.message;
  }

  // --- the API ---------------------------------------------------------------------------

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(API + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch (error) {
      throw new ApiFailure(0, "The server cannot be reached. Check the network; the console keeps trying.");
    }
    noteServerClock(response);
    const text = await response.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (error) { data = null; }
    }
    if (response.status === 401 && path !== "/login") {
      sessionEnded("Your session has ended. Please sign in again.");
      throw new ApiFailure(401, "signed out", data, true);
    }
    if (!response.ok) {
      const message = data && typeof data.error === "string" ? data.error : `the server answered ${response.status}`;
      const roleRefused = response.status === 403 && data && typeof data.missing === "string";
      if (roleRefused) showNoAccess(message);
      throw new ApiFailure(response.status, message, data, roleRefused);
    }
    return data;
  }

  function noteServerClock(response) {
    const server = parseTime(response.headers.get("Date"));
    if (server === null) return;
    const offset = server - Date.now();
    // The Date header has whole seconds: only a clearly wrong local clock is corrected.
    state.clockOffset = Math.abs(offset) > 3000 ? offset : 0;
  }

  // --- signing in and out ----------------------------------------------------------------

  function showLogin(message) {
    $("console-view").hidden = true;
    $("session-bar").hidden = true;
    $("login-view").hidden = false;
    const error = $("login-error");
    error.textContent = message || "";
    error.hidden = !message;
    $("login-password").value = "";
    $("login-username").focus();
    document.title = "Agent console";
  }

  async function onLogin(event) {
    event.preventDefault();
    const username = $("login-username").value.trim();
    const password = $("login-password").value;
    if (!username || !password) {
      $("login-error").textContent = "Enter your username and password.";
      $("login-error").hidden = false;
      return;
    }
    const button = $("login-submit");
    button.disabled = true;
    try {
      const data = await api("POST", "/login", { username, password });
      state.token = data.token;
      state.username = username;
      state.role = typeof data.role === "string" ? data.role : null;
      sessionStorage.setItem(TOKEN_KEY, data.token);
      sessionStorage.setItem(USER_KEY, username);
      sessionStorage.setItem(ROLE_KEY, state.role || "");
      $("login-password").value = "";
      startConsole();
    } catch (error) {
      const message = error.status === 401 ? "The username or password is wrong."
        : describe(error, "Could not sign in");
      $("login-error").textContent = message;
      $("login-error").hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  function sessionEnded(message) {
    stopLive();
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(USER_KEY);
    sessionStorage.removeItem(ROLE_KEY);
    state.token = null;
    state.username = null;
    state.role = null;
    state.noAccess = false;
    $("no-access-view").hidden = true;
    $("dashboard-link").hidden = true;
    $("training-link").hidden = true;
    $("no-access-training").hidden = true;
    resetCases();
    clearError();
    showLogin(message);
  }

  // The server refuses this role the queue and cases (a trainer's): say so plainly, once, and
  // stop asking; signing out stays possible.
  function showNoAccess(message) {
    if (state.noAccess) return;
    state.noAccess = true;
    stopLive();
    setConnection("offline", "No access");
    resetCases();
    clearError();
    $("console-view").hidden = true;
    $("no-access-view").hidden = false;
    const role = state.role ? `The ${roleLabel(state.role).toLowerCase()} role` : "Your role";
    $("no-access-text").textContent = `${role} has no access to cases or to borrowers' accounts `
      + `(the server says: ${message}). Ask a supervisor if you need them.`;
    // A trainer's work is the review inbox: the way there, not a dead end.
    $("no-access-training").hidden = !REVIEWERS.includes(state.role);
  }

  function roleLabel(role) {
    return ROLES[role] || String(role || "");
  }

  function resetCases() {
    state.queue = new Map();
    state.closedIds = new Set();
    state.freshIds = new Set();
    state.unreadIds = new Set();
    state.selectedId = null;
    state.current = null;
    state.messages = new Map();
    state.borrower = null;
    $("queue").replaceChildren();
    $("transcript").replaceChildren();
    $("case").hidden = true;
    $("case-empty").hidden = false;
  }

  function startConsole() {
    $("login-view").hidden = true;
    $("console-view").hidden = false;
    $("session-bar").hidden = false;
    $("whoami").textContent = state.username;
    $("whorole").textContent = roleLabel(state.role);
    $("whorole").hidden = !state.role;
    // The KPI dashboard is a supervisor's; the API behind it checks the role again.
    $("dashboard-link").hidden = state.role !== "supervisor";
    $("training-link").hidden = !REVIEWERS.includes(state.role);
    $("no-access-view").hidden = true;
    state.noAccess = false;
    renderCase();
    loadKinds();
    loadQueue();
    connect();
    if (!state.ticker) state.ticker = setInterval(tick, 1000);
    // The live feed is per gateway process: a handoff another process announced, or an
    // event lost on the way, still shows within a minute.
    if (!state.resync) state.resync = setInterval(() => { if (state.token && !state.noAccess) loadQueue(); }, RESYNC_MS);
  }

  // --- live: the WebSocket ---------------------------------------------------------------

  function setConnection(status, text) {
    const badge = $("connection");
    badge.dataset.state = status;
    badge.textContent = text;
  }

  function connect() {
    if (!state.token || state.noAccess) return;
    clearTimeout(state.reconnectTimer);
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}${API}/ws?token=${encodeURIComponent(state.token)}`;
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      scheduleReconnect();
      return;
    }
    state.socket = socket;
    setConnection("connecting", "Connecting…");
    socket.addEventListener("open", () => {
      if (state.socket !== socket) return;
      state.reconnectAttempt = 0;
      setConnection("live", "Live");
      clearError("network");
      resync(); // no replay over the socket: what happened meanwhile comes from the API
    });
    socket.addEventListener("message", (event) => {
      if (state.socket !== socket) return;
      let data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      handleEvent(data);
    });
    socket.addEventListener("close", (event) => {
      if (state.socket !== socket) return; // replaced or signed out
      state.socket = null;
      if (event.code === TOKEN_EXPIRED) sessionEnded("Your session has ended. Please sign in again.");
      else scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (!state.token || state.noAccess) return;
    const ceiling = Math.min(RECONNECT_MAX_MS, 1000 * 2 ** state.reconnectAttempt);
    const delay = Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    state.reconnectAttempt += 1;
    setConnection("reconnecting", `Reconnecting in ${Math.ceil(delay / 1000)}s…`);
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = setTimeout(async () => {
      // A token that has expired cannot open the socket: the API says so with a 401.
      try {
        await api("GET", "/handoffs?status=active");
      } catch (error) {
        if (error.handled) return;
        if (error.status === 0) showError(error.message, "network");
      }
      connect();
    }, delay);
  }

  function stopLive() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = null;
    const socket = state.socket;
    state.socket = null;
    if (socket) socket.close(1000, "signed out");
    setConnection("offline", "Offline");
  }

  function resync() {
    loadQueue();
    if (state.selectedId !== null) loadCase(state.selectedId, { keepForm: true });
  }

  function handleEvent(event) {
    if (!event || typeof event !== "object") return;
    if (event.type === "handoff" && event.handoff) {
      upsertHandoff(event.handoff, { live: true });
    } else if (event.type === "message" && event.message) {
      const id = event.handoff_id;
      if (id === state.selectedId) {
        addMessages([event.message]);
      } else if (event.message.from === "borrower" && state.queue.has(id)) {
        state.unreadIds.add(id);
        renderQueue();
      }
    }
  }

  // --- the queue -------------------------------------------------------------------------

  async function loadQueue() {
    const started = Date.now();
    let items;
    try {
      items = await api("GET", "/handoffs?status=active");
    } catch (error) {
      if (!error.handled) showError(describe(error, "Could not load the queue"), error.status === 0 ? "network" : "error");
      return;
    }
    if (!Array.isArray(items)) return;
    clearError("network");
    const fresh = new Map();
    for (const item of items) {
      if (state.closedIds.has(item.id) || item.status === "closed") continue;
      const known = state.queue.get(item.id);
      // An event that arrived while the list was on its way is newer than the list.
      fresh.set(item.id, known && newer(known, item) ? known : item);
    }
    for (const [id, known] of state.queue) {
      if (!fresh.has(id) && known._liveAt && known._liveAt > started) fresh.set(id, known);
    }
    state.queue = fresh;
    renderQueue();
    const selected = state.selectedId !== null ? state.queue.get(state.selectedId) : null;
    if (selected && state.current && newer(selected, state.current)) {
      state.current = { ...state.current, ...selected };
      renderCase();
    }
  }

  function newer(a, b) {
    const at = parseTime(a.updated_at);
    const bt = parseTime(b.updated_at);
    return at !== null && bt !== null && at > bt;
  }

  function upsertHandoff(handoff, { live = false } = {}) {
    if (live) handoff = { ...handoff, _liveAt: Date.now() };
    const known = state.queue.get(handoff.id);
    if (handoff.status === "closed") {
      state.closedIds.add(handoff.id);
      state.queue.delete(handoff.id);
      state.unreadIds.delete(handoff.id);
    } else if (!state.closedIds.has(handoff.id)) {
      if (!known && live) {
        state.freshIds.add(handoff.id);
        setTimeout(() => { state.freshIds.delete(handoff.id); renderQueue(); }, 8000);
        announce(`New case, priority ${handoff.priority}, ${reasonLabel(handoff.reason)}: ${borrowerLabel(handoff)}.`);
      }
      state.queue.set(handoff.id, known && newer(known, handoff) ? known : handoff);
    }
    renderQueue();
    if (handoff.id === state.selectedId && state.current && !newer(state.current, handoff)) {
      state.current = { ...state.current, ...handoff };
      renderCase();
    }
  }

  function renderQueue() {
    const list = $("queue");
    const focusedId = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("[data-handoff-id]")?.dataset.handoffId : undefined;
    const items = [...state.queue.values()].sort(compareHandoffs);
    list.replaceChildren(...items.map(queueItem));
    $("queue-empty").hidden = items.length > 0;
    $("queue-count").textContent = items.length ? `(${items.length})` : "";
    const waiting = items.filter((h) => h.status === "open").length;
    document.title = waiting ? `(${waiting}) Agent console` : "Agent console";
    if (focusedId !== undefined) {
      const again = list.querySelector(`[data-handoff-id="${CSS.escape(focusedId)}"] button`);
      if (again) again.focus();
    }
  }

  function queueItem(handoff) {
    const selected = handoff.id === state.selectedId;
    const unread = state.unreadIds.has(handoff.id);
    const claim = handoff.status === "claimed"
      ? (handoff.claimed_by === state.username ? "Claimed by you" : `Claimed by ${handoff.claimed_by || "someone"}`)
      : "Waiting";
    const classes = ["queue-item", `p${handoff.priority}`, `status-${handoff.status}`];
    if (selected) classes.push("selected");
    if (state.freshIds.has(handoff.id)) classes.push("fresh");
    const label = `Priority ${handoff.priority}, ${reasonLabel(handoff.reason)}, ${borrowerLabel(handoff)}, `
      + `${languageLabel(handoff.language)}, ${claim}${unread ? ", new message" : ""}`;
    return el("li", {
      className: classes.join(" "),
      dataset: {
        handoffId: String(handoff.id), borrowerId: handoff.borrower_id || "",
        priority: String(handoff.priority), reason: handoff.reason || "", status: handoff.status,
      },
    }, el("button", {
      type: "button",
      className: "queue-button",
      "aria-current": selected ? "true" : null,
      "aria-label": label,
      onclick: () => selectCase(handoff.id),
    },
    el("span", { className: `badge priority p${handoff.priority}`, title: `Priority ${handoff.priority}`, text: String(handoff.priority) }),
    el("span", { className: "queue-main" },
      el("span", { className: "queue-line" },
        el("span", { className: "reason", text: reasonLabel(handoff.reason) }),
        el("span", { className: "lang", text: handoff.language === "zh" ? "中文" : "EN" }),
        unread ? el("span", { className: "unread", title: "New message", text: "●" }) : null),
      el("span", { className: "queue-borrower", text: borrowerLabel(handoff) })),
    el("span", { className: "queue-side" },
      el("span", { className: "wait", dataset: { since: handoff.created_at || "" }, title: "Waiting since the handoff", text: waitingText(handoff.created_at) }),
      el("span", { className: handoff.status === "claimed" ? "claim claimed" : "claim", text: claim }))));
  }

  function waitingText(iso) {
    const since = parseTime(iso);
    return since === null ? "" : duration(now() - since);
  }

  function tick() {
    for (const node of document.querySelectorAll("[data-since]")) {
      node.textContent = waitingText(node.dataset.since);
    }
  }

  // --- one case --------------------------------------------------------------------------

  function selectCase(id) {
    if (state.selectedId !== id) {
      state.selectedId = id;
      state.messages = new Map();
      state.borrower = null;
      state.current = state.queue.get(id) || null;
      $("transcript").replaceChildren();
      $("reply").value = "";
      updateReplyCount();
      resetArrangementResult();
    }
    state.unreadIds.delete(id);
    renderQueue();
    renderCase();
    loadCase(id);
  }

  async function loadCase(id, { keepForm = false } = {}) {
    const seq = ++state.loadSeq;
    let handoff;
    try {
      handoff = await api("GET", `/handoffs/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!error.handled && seq === state.loadSeq) showError(describe(error, "Could not open the case"), error.status === 0 ? "network" : "error");
      return;
    }
    if (seq !== state.loadSeq || id !== state.selectedId) return; // another case was chosen meanwhile
    const { transcript, ...item } = handoff;
    state.current = item;
    if (item.status !== "closed") upsertHandoff(item);
    renderCase();
    addMessages(Array.isArray(transcript) ? transcript : []);
    loadBorrower(item.borrower_id, seq, keepForm);
  }

  async function loadBorrower(borrowerId, seq, keepForm) {
    if (!borrowerId) return;
    let borrower;
    try {
      borrower = await api("GET", `/borrowers/${encodeURIComponent(borrowerId)}`);
    } catch (error) {
      if (error.handled || seq !== state.loadSeq) return;
      // 403: the account is shown only while the case is open or claimed (it has just closed).
      if (error.status === 403) unavailableBorrower(error.message);
      else showError(describe(error, "Could not load the borrower's loans"), error.status === 0 ? "network" : "error");
      return;
    }
    if (!state.current || state.current.borrower_id !== borrowerId) return;
    state.borrower = borrower;
    renderBorrower(keepForm);
  }

  function renderCase() {
    const handoff = state.current;
    $("case").hidden = !handoff;
    $("case-empty").hidden = Boolean(handoff);
    if (!handoff) return;

    $("case-heading").textContent = borrowerLabel(handoff);
    fill($("case-tags"),
      el("span", { className: `badge priority p${handoff.priority}`, text: `Priority ${handoff.priority}` }),
      el("span", { className: "tag reason-tag", text: reasonLabel(handoff.reason) }),
      el("span", { className: "tag", text: languageLabel(handoff.language) }),
      el("span", { className: "tag mono", text: handoff.borrower_id || "" }),
      handoff.status === "closed" ? null
        : el("span", { className: "tag" }, "waiting ", el("span", { dataset: { since: handoff.created_at || "" }, text: waitingText(handoff.created_at) })),
    );
    $("case-status").textContent = statusText(handoff);
    $("case-status").dataset.status = handoff.status;
    $("summary").textContent = handoff.summary || "No summary.";

    const mine = claimedByMe(handoff);
    const othersCase = handoff.status === "claimed" && !mine;
    const claim = $("claim");
    claim.disabled = state.busy || handoff.status !== "open";
    claim.textContent = mine ? "Claimed" : "Claim";
    $("release").disabled = state.busy || handoff.status === "closed" || othersCase;
    $("close").disabled = state.busy || handoff.status === "closed" || othersCase;

    const reply = $("reply");
    reply.disabled = !mine;
    reply.placeholder = mine ? "Write to the borrower…"
      : handoff.status === "closed" ? "This case is closed." : "Claim the case to reply.";
    $("send").disabled = !mine || state.busy;
    $("arrangement-form").querySelector("fieldset").disabled = !mine;
    $("arr-note").hidden = mine;
    $("arr-note").textContent = handoff.status === "closed" ? "The case is closed."
      : othersCase ? "Only the agent who claimed the case can record an arrangement."
        : "Claim the case to record an arrangement.";
  }

  function statusText(handoff) {
    if (handoff.status === "open") return "Waiting for an agent. Claim it to reply.";
    if (handoff.status === "claimed") {
      return claimedByMe(handoff) ? "Claimed by you: the borrower sees your replies."
        : `Claimed by ${handoff.claimed_by || "another agent"}: only they can reply.`;
    }
    if (handoff.outcome === "released") return "Closed: released to the bot.";
    return "Closed: the conversation has ended.";
  }

  // --- the transcript --------------------------------------------------------------------

  function messageKey(message) {
    return [parseTime(message.at) || 0, typeof message.id === "number" ? message.id : 0];
  }

  function addMessages(messages) {
    const list = $("transcript");
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    let added = false;
    for (const message of messages) {
      if (!message || message.id === undefined || state.messages.has(String(message.id))) continue;
      state.messages.set(String(message.id), message);
      const node = messageItem(message);
      const [at, id] = messageKey(message);
      const after = [...list.children].find((other) => {
        const otherAt = Number(other.dataset.at);
        const otherId = Number(other.dataset.seq);
        return otherAt > at || (otherAt === at && otherId > id);
      });
      list.insertBefore(node, after || null);
      added = true;
    }
    if (added && (nearBottom || messages.length > 1)) list.scrollTop = list.scrollHeight;
  }

  function messageItem(message) {
    const from = ["borrower", "bot", "agent"].includes(message.from) ? message.from : "other";
    let sender = { borrower: "Borrower", bot: "Bot", agent: "Agent", other: String(message.from) }[from];
    if (from === "bot" && message.kind === "outreach") sender = "Bot · reminder";
    if (from === "agent") {
      sender = message.agent ? `Agent ${message.agent}` : "Agent";
      if (message.agent && message.agent === state.username) sender += " (you)";
    }
    const [at, id] = messageKey(message);
    return el("li", {
      className: `message from-${from}`,
      dataset: { messageId: String(message.id), from, at: String(at), seq: String(id) },
    },
    el("div", { className: "message-meta" },
      el("span", { className: "sender", text: sender }),
      el("time", { datetime: message.at || "", text: clockTime(message.at) })),
    el("div", { className: "message-text", text: message.text || "" }));
  }

  // --- actions ---------------------------------------------------------------------------

  async function act(action) {
    const handoff = state.current;
    if (!handoff || state.busy) return;
    const doing = { claim: "Could not claim this case", release: "Could not release this case", close: "Could not close this case" }[action];
    state.busy = true;
    renderCase();
    try {
      const item = await api("POST", `/handoffs/${encodeURIComponent(handoff.id)}/${action}`);
      clearError();
      if (item && item.id !== undefined) {
        upsertHandoff(item);
        if (item.id === state.selectedId) {
          state.current = { ...state.current, ...item };
        }
      }
      if (action === "claim") announce("You have claimed this case.");
      if (action === "release") announce("The case is released: the bot has the conversation again.");
      if (action === "close") announce("The case is closed.");
    } catch (error) {
      if (error.handled) return;
      showError(describe(error, doing));
      if (error.status === 409 || error.status === 404) loadCase(handoff.id);
    } finally {
      state.busy = false;
      renderCase();
      if (action === "claim" && claimedByMe(state.current)) $("reply").focus();
    }
  }

  async function sendReply(event) {
    if (event) event.preventDefault();
    const handoff = state.current;
    const box = $("reply");
    const text = box.value;
    if (!handoff || !claimedByMe(handoff) || state.busy) return;
    if (!text.trim()) return;
    if (text.length > MAX_REPLY) {
      showError(`A reply can have at most ${MAX_REPLY} characters.`);
      return;
    }
    state.busy = true;
    renderCase();
    try {
      const message = await api("POST", `/handoffs/${encodeURIComponent(handoff.id)}/messages`, { text });
      clearError();
      if (box.value === text) box.value = "";
      updateReplyCount();
      if (handoff.id === state.selectedId) addMessages([message]);
    } catch (error) {
      if (error.handled) return;
      showError(describe(error, "Your reply was not sent"));
      if (error.status === 409) loadCase(handoff.id);
    } finally {
      state.busy = false;
      renderCase();
      if (claimedByMe(state.current)) box.focus();
    }
  }

  function onReplyKey(event) {
    // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is not a send.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    sendReply();
  }

  function updateReplyCount() {
    const length = $("reply").value.length;
    const count = $("reply-count");
    count.textContent = String(length);
    count.classList.toggle("over", length > MAX_REPLY);
  }

  // --- the borrower and their loans ------------------------------------------------------

  function unavailableBorrower(message) {
    state.borrower = null;
    renderBorrower(false);
    fill($("borrower"), el("p", { className: "hint", text: `The borrower's account is not shown: ${message}.` }));
  }

  function renderBorrower(keepForm) {
    const borrower = state.borrower;
    const box = $("borrower");
    const loans = $("loans");
    if (!borrower) {
      box.replaceChildren();
      loans.replaceChildren();
      return;
    }
    const facts = [
      ["Name", borrower.name],
      ["ID", borrower.id],
      ["Language", languageLabel(borrower.language)],
      ["Time zone", borrower.timezone ? `${borrower.timezone} (${localTime(borrower.timezone)} now)` : "—"],
    ];
    fill(box,
      definitionList(facts),
      borrower.contact_opt_out_at
        ? el("p", { className: "flag" }, `Opted out of collection contact on ${clockTime(borrower.contact_opt_out_at)}.`)
        : null,
    );
    const list = Array.isArray(borrower.loans) ? borrower.loans : [];
    fill(loans,
      ...(list.length ? list.map(loanCard) : [el("p", { className: "empty", text: "No loans." })]),
      contactsPanel(Array.isArray(borrower.contacts) ? borrower.contacts : []),
    );
    fillLoanChoices(list, keepForm);
  }

  // What outreach wrote to the borrower, and what the compliance engine held back and why.
  const HELD_BACK = {
    quiet_hours: "outside contact hours",
    opted_out: "borrower opted out",
    daily_cap: "daily limit reached",
    borrower_daily_cap: "daily limit for the borrower reached",
    weekly_cap: "weekly limit reached",
    recipient: "not the borrower",
    first_contact_disclosure: "first contact without disclosure",
  };

  function heldBackLabel(reason) {
    if (!reason) return "held back";
    if (HELD_BACK[reason]) return HELD_BACK[reason];
    if (reason.startsWith("on_hold:")) return `collection on hold (${reason.slice(8).replace(/_/g, " ")})`;
    return reason.replace(/_/g, " ");
  }

  function contactsPanel(contacts) {
    return el("section", { className: "contacts", id: "contacts" },
      el("h5", { text: `Outreach (${contacts.length})` }),
      contacts.length
        ? el("ul", {}, ...contacts.map(contactItem))
        : el("p", { className: "hint", text: "The bot has not written first to this borrower." }));
  }

  function contactItem(contact) {
    const status = String(contact.status || "");
    const outcome = status === "suppressed" ? `held back: ${heldBackLabel(contact.reason)}` : status;
    return el("li", { className: `contact status-${status.replace(/[^a-z_]/gi, "")}` },
      el("div", {},
        el("strong", { text: `${contact.stage || "?"} · ${contact.loan_id || "?"}` }),
        " ", el("span", { className: "tag", text: outcome })),
      el("div", { className: "hint", text: `${clockTime(contact.at)} · ${contact.segment || "?"} · variant ${contact.variant || "?"} · ${contact.language || "?"}` }),
      contact.detail ? el("div", { className: "hint", text: String(contact.detail) }) : null,
      contact.text ? el("details", {}, el("summary", { text: "Message" }),
        el("p", { className: "contact-text", text: String(contact.text) })) : null);
  }

  function segmentText(segment) {
    if (!segment || typeof segment !== "object") return "—";
    const offer = String(segment.first_offer || "").replace(/_/g, " ");
    return `${segment.risk} risk · ${segment.value} value (plan ${segment.plan}, first offer: ${offer})`;
  }

  function localTime(timezone) {
    try {
      return new Date(now()).toLocaleTimeString([], { timeZone: timezone, hour: "2-digit", minute: "2-digit" });
    } catch (error) {
      return "?";
    }
  }

  function definitionList(pairs) {
    return el("dl", { className: "facts" },
      ...pairs.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value === null || value === undefined ? "—" : String(value) })]));
  }

  function loanCard(loan) {
    const dpd = Number(loan.days_past_due) || 0;
    const severity = dpd > 90 ? "severe" : dpd > 30 ? "late" : dpd > 0 ? "due" : "current";
    const arrangements = Array.isArray(loan.arrangements) ? loan.arrangements : [];
    return el("section", { className: "loan", dataset: { loanId: loan.id } },
      el("header", { className: "loan-header" },
        el("h4", { text: `${loan.id} · ${loan.currency}` }),
        loan.collection_hold ? el("span", { className: "tag hold", text: "Collection on hold" }) : null),
      el("p", { className: `overdue ${severity}` },
        el("strong", { text: money(loan.overdue_amount, loan.currency) }), " overdue · ",
        el("strong", { text: `${dpd} days` }), " past due"),
      definitionList([
        ["Outstanding", money(loan.outstanding, loan.currency)],
        ["Principal", money(loan.principal, loan.currency)],
        ["Next due", loan.next_due_date || "—"],
        ["Segment", segmentText(loan.segment)],
      ]),
      arrangements.length
        ? el("div", { className: "arrangements" },
          el("h5", { text: "Arrangements" }),
          el("ul", {}, ...arrangements.map((a) => arrangementItem(a, loan.currency))))
        : el("p", { className: "hint", text: "No arrangements." }));
  }

  function arrangementItem(arrangement, currency) {
    const terms = arrangement.terms && typeof arrangement.terms === "object" ? arrangement.terms : {};
    const cur = terms.currency || currency;
    const status = String(arrangement.status || "");
    return el("li", { className: `arrangement status-${status.replace(/[^a-z_]/gi, "")}` },
      el("div", {},
        el("strong", { text: arrangement.title || String(arrangement.type) }),
        " ", el("span", { className: "tag", text: status })),
      el("div", { text: arrangement.description || "" }),
      Array.isArray(arrangement.schedule) && arrangement.schedule.length > 1
        ? el("details", {}, el("summary", { text: "Schedule" }),
          el("ol", { className: "schedule" }, ...arrangement.schedule.map((item) =>
            el("li", { text: `${item.due_date}: ${money(item.amount, cur)}` }))))
        : null,
      el("div", { className: "hint", text: `${arrangement.created_by || "?"} · ${clockTime(arrangement.created_at)}` }));
  }

  // --- the arrangement form --------------------------------------------------------------

  // With several loans to repay, the agent chooses one (as the bot asks the borrower which):
  // nothing is preselected that the agent might not have meant.
  function fillLoanChoices(loans, keepForm) {
    const select = $("arr-loan");
    const previous = select.value;
    const owing = loans.filter((loan) => Number(loan.outstanding) > 0);
    const choose = owing.length > 1
      ? [el("option", { value: "", text: "Which loan? Choose one…", disabled: true })] : [];
    select.replaceChildren(...choose, ...loans.map((loan) =>
      el("option", { value: loan.id, text: `${loan.id} · ${money(loan.overdue_amount, loan.currency)} overdue` })));
    if (keepForm && loans.some((loan) => loan.id === previous)) select.value = previous;
    else if (owing.length > 1) select.value = "";
    else if (loans.length) select.value = (owing[0] || loans[0]).id;
  }

  // The kinds and their fields come from the server's definitions: nothing here knows a kind.
  async function loadKinds() {
    try {
      const kinds = await api("GET", "/arrangement-kinds");
      state.kinds = Array.isArray(kinds) ? kinds : [];
    } catch (error) {
      state.kinds = [];  // the form stays empty; the rest of the console works
    }
    const select = $("arr-type");
    const previous = select.value;
    select.replaceChildren(...state.kinds.map((kind) => el("option", { value: kind.type, text: kind.title })));
    if (state.kinds.some((kind) => kind.type === previous)) select.value = previous;
    fill($("arr-fields"), ...state.kinds.map(fieldGroup));
    showArrangementFields();
  }

  function fieldGroup(kind) {
    return el("div", { dataset: { for: kind.type }, hidden: true },
      ...kind.fields.map((field) => [
        el("label", { for: fieldId(kind, field), text: field.label }),
        el("input", { id: fieldId(kind, field), ...INPUTS[field.input] }),
      ]));
  }

  const INPUTS = {
    number: { type: "number", min: "1", step: "1", inputmode: "numeric" },
    date: { type: "date" },
    decimal: { inputmode: "decimal", placeholder: "500.00" },
  };

  function fieldId(kind, field) {
    return `arr-${kind.type}-${field.name}`.replace(/[^A-Za-z0-9_-]/g, "-");
  }

  function selectedKind() {
    return (state.kinds || []).find((kind) => kind.type === $("arr-type").value) || null;
  }

  function showArrangementFields() {
    const type = $("arr-type").value;
    for (const group of $("arr-fields").querySelectorAll("[data-for]")) {
      group.hidden = group.dataset.for !== type;
    }
  }

  function resetArrangementResult() {
    const result = $("arr-result");
    result.hidden = true;
    result.textContent = "";
    result.className = "form-result";
  }

  function arrangementResult(message, kind) {
    const result = $("arr-result");
    result.textContent = message;
    result.className = `form-result ${kind}`;
    result.hidden = false;
  }

  function arrangementRequest() {
    const kind = selectedKind();
    if (!kind) throw new Error("The kinds of arrangement could not be loaded; reload the page.");
    if (!$("arr-loan").value) throw new Error("Choose the loan the arrangement is for.");
    const body = { loan_id: $("arr-loan").value, type: kind.type };
    for (const field of kind.fields) {
      const value = $(fieldId(kind, field)).value.trim();
      if (value === "") throw new Error(`Enter ${field.label.toLowerCase()}.`);
      body[field.name] = field.input === "number" ? Number(value) : value;
    }
    return body;
  }

  async function createArrangement(event) {
    event.preventDefault();
    const borrower = state.borrower;
    if (!borrower || !claimedByMe(state.current)) return;
    let body;
    try {
      body = arrangementRequest();
    } catch (error) {
      arrangementResult(error.message, "refused");
      return;
    }
    const button = $("arr-submit");
    button.disabled = true;
    resetArrangementResult();
    try {
      const made = await api("POST", `/borrowers/${encodeURIComponent(borrower.id)}/arrangements`, body);
      arrangementResult(`${made.title || "Arrangement"} recorded: ${made.description || ""}.`, "made");
      announce("The arrangement is recorded.");
      loadBorrower(borrower.id, state.loadSeq, true);
    } catch (error) {
      if (error.handled) return;
      if (error.status === 0) {
        arrangementResult(error.message, "refused");
      } else {
        // 422: outside the policy; 409: an arrangement is already active; 400: a bad value.
        const prefix = error.status === 422 ? "Not allowed by the policy: " : "Not recorded: ";
        arrangementResult(prefix + error.message + allowedText(error.body), "refused");
      }
    } finally {
      button.disabled = false;
    }
  }

  function allowedText(body) {
    const details = body && (body.details || body.allowed);
    if (!details || typeof details !== "object") return "";
    const parts = Object.entries(details).map(([key, value]) =>
      `${key.replace(/_/g, " ")} ${Array.isArray(value) ? value.join(", ") : String(value)}`);
    return parts.length ? ` (${parts.join("; ")})` : "";
  }

  // --- start -----------------------------------------------------------------------------

  function init() {
    $("login-form").addEventListener("submit", onLogin);
    $("logout").addEventListener("click", () => sessionEnded("You have signed out."));
    $("banner-close").addEventListener("click", () => clearError());
    $("claim").addEventListener("click", () => act("claim"));
    $("release").addEventListener("click", () => act("release"));
    $("close").addEventListener("click", () => act("close"));
    $("reply-form").addEventListener("submit", sendReply);
    $("reply").addEventListener("keydown", onReplyKey);
    $("reply").addEventListener("input", updateReplyCount);
    $("arr-type").addEventListener("change", () => { showArrangementFields(); resetArrangementResult(); });
    $("arrangement-form").addEventListener("submit", createArrangement);

    state.token = sessionStorage.getItem(TOKEN_KEY);
    state.username = sessionStorage.getItem(USER_KEY);
    state.role = sessionStorage.getItem(ROLE_KEY) || null;
    if (state.token && state.username) startConsole();
    else showLogin();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
