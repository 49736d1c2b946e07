// The demo chat: a borrower's view of the bot, as the wallet app would show it.
//
// The page picks a demo borrower (GET /demo/api/borrowers), gets a short-lived token for them
// (POST /demo/api/token), and from then on uses the real borrower chat API (CONTRACT §4) with
// it, as the wallet app does: POST /api/v1/chat to send, GET /api/v1/chat/history for what the
// conversation holds, and the WebSocket /api/v1/chat/ws?token= for what arrives on its own (an
// agent's replies in a handoff, the bot's greeting after a release).
//
// The history is the transcript's truth: it is read on load, after every message sent, after
// every live event and after every reconnect, so a reply is never shown twice (the chat API
// also pushes its replies over the socket) nor missed (while the socket was down). A live event
// is shown at once, before the history that confirms it.
//
// Every text from the server reaches the page through textContent / createElement (el(), from
// the agents' pages' /agent/shared/ui.js, loaded first), never innerHTML, and the page is served
// with a strict Content-Security-Policy.
"use strict";

(() => {
  const CHAT = "/api/v1/chat";
  const DEMO_API = "/demo/api";
  const BORROWER_KEY = "demoChat.borrower";
  const MAX_TEXT = 2000; // characters (code points), as the gateway counts them
  const TOKEN_EXPIRED = 4401; // the socket's close code when the token runs out
  const RECONNECT_MAX_MS = 15000;
  const TOKEN_MARGIN_MS = 60000; // a token this close to its expiry is renewed first

  const TEXT = {
    en: {
      locale: "en",
      bot: "Assistant",
      agent: "Agent",
      message: "Message",
      placeholder: "Type a message",
      send: "Send",
      back: "Choose another borrower",
      statusBot: "Repayment assistant · automated replies",
      statusHandoff: "A person from our team has your chat",
      live: "Live",
      connecting: "Connecting…",
      reconnecting: "Reconnecting…",
      empty: "Say hello, or ask what you owe.",
      ended: "This chat was closed. Your next message starts a new one.",
      sending: "Sending…",
      tooLong: (n) => `${n}/${MAX_TEXT}: too long to send`,
      e503: "The assistant is unavailable right now. Your message is kept and will be answered.",
      e429: (s) => (s ? `Too many messages. Try again in ${s} s.` : "Too many messages. Try again shortly."),
      e413: `That message is too long: ${MAX_TEXT.toLocaleString("en")} characters at most.`,
      e400: (m) => `The message could not be sent: ${m}.`,
      e401: "Your session could not be renewed. Choose the borrower again.",
      network: "No connection to the server. Check it and try again.",
      other: (s, m) => `Something went wrong (${s}): ${m}`,
    },
    zh: {
      locale: "zh-CN",
      bot: "还款助手",
      agent: "人工客服",
      message: "消息",
      placeholder: "输入消息",
      send: "发送",
      back: "换一位借款人",
      statusBot: "还款助手 · 自动回复",
      statusHandoff: "工作人员正在为您服务",
      live: "在线",
      connecting: "正在连接…",
      reconnecting: "正在重新连接…",
      empty: "打个招呼，或者问问还欠多少钱。",
      ended: "本次对话已结束。发送新消息将开始新的对话。",
      sending: "发送中…",
      tooLong: (n) => `${n}/${MAX_TEXT}：太长，无法发送`,
      e503: "助手暂时无法回复。您的消息已保存，稍后会得到答复。",
      e429: (s) => (s ? `消息太频繁，请 ${s} 秒后再试。` : "消息太频繁，请稍后再试。"),
      e413: `消息太长，最多 ${MAX_TEXT.toLocaleString("en")} 个字。`,
      e400: (m) => `消息无法发送：${m}。`,
      e401: "无法续期登录，请重新选择借款人。",
      network: "无法连接服务器，请检查网络后重试。",
      other: (s, m) => `出错了（${s}）：${m}`,
    },
  };
  // The picker's words, in the browser's language (a borrower's page is in the borrower's).
  const PICKER = {
    en: {
      loading: "Loading the demo borrowers…",
      current: "up to date",
      pastDue: (d) => `${d} ${d === 1 ? "day" : "days"} past due`,
      failed: (m) => `The demo borrowers could not be loaded: ${m}`,
    },
    zh: {
      loading: "正在读取演示借款人…",
      current: "未逾期",
      pastDue: (d) => `逾期 ${d} 天`,
      failed: (m) => `无法读取演示借款人：${m}`,
    },
  };
  const LANGUAGE_NAMES = { en: "English", zh: "中文" };

  const state = {
    generation: 0, // bumped on every borrower change: late answers for the last one are dropped
    borrower: null, // {id, name, language, currencies, days_past_due}
    token: null,
    tokenExpires: 0,
    conversationId: null,
    status: "bot",
    earlier: [], // events of conversations closed while the page was open, then a divider
    events: [], // the current conversation's, as the history gave them (+ live ones since)
    sending: null, // {text, shown}: the message on its way
    syncing: false,
    syncAgain: false,
    socket: null,
    reconnectAttempt: 0,
    reconnectTimer: null,
    connection: "offline",
  };

  const $ = (id) => document.getElementById(id);
  const { el } = window.AgentUi; // the agents' pages' helper (/agent/shared/ui.js)

  // --- small helpers ---------------------------------------------------------------------

  function words() {
    return TEXT[state.borrower && state.borrower.language === "zh" ? "zh" : "en"];
  }

  function pickerWords() {
    return PICKER[(navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en"];
  }

  function codePoints(text) {
    return Array.from(text).length;
  }

  // The API's times are ISO-8601 UTC; one without a zone is UTC too.
  function clockTime(iso, locale) {
    if (!iso) return "";
    let text = String(iso).replace(/(\.\d{3})\d+/, "$1");
    if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += "Z";
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return "";
    return new Date(ms).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  }

  class Failure extends Error {
    constructor(status, message, retryAfter) {
      super(message);
      this.status = status; // 0: no answer at all
      this.retryAfter = retryAfter;
    }
  }

  async function request(method, url, { body, token } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    let answer;
    try {
      answer = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch (error) {
      throw new Failure(0, String(error && error.message ? error.message : error));
    }
    let data = null;
    try {
      data = await answer.json();
    } catch (error) {
      data = null;
    }
    if (!answer.ok) {
      const message = data && typeof data.error === "string" ? data.error : answer.statusText;
      const retry = Number.parseInt(answer.headers.get("Retry-After") || "", 10);
      throw new Failure(answer.status, message, Number.isNaN(retry) ? null : retry);
    }
    return data;
  }

  // --- the borrower's token ------------------------------------------------------------------

  async function renewToken() {
    const generation = state.generation;
    const answer = await request("POST", `${DEMO_API}/token`, { body: { borrower_id: state.borrower.id } });
    if (generation !== state.generation) throw new Failure(0, "the borrower changed");
    state.token = answer.token;
    const expires = Date.parse(answer.expires_at);
    state.tokenExpires = Number.isNaN(expires) ? Date.now() + 5 * 60000 : expires;
  }

  async function freshToken() {
    if (!state.token || Date.now() > state.tokenExpires - TOKEN_MARGIN_MS) await renewToken();
    return state.token;
  }

  // The chat API with the borrower's token; a 401 (the token ran out) renews it once.
  async function chat(method, path, body) {
    const url = `${CHAT}${path}`;
    try {
      return await request(method, url, { body, token: await freshToken() });
    } catch (error) {
      if (!(error instanceof Failure) || error.status !== 401) throw error;
      state.token = null;
      return request(method, url, { body, token: await freshToken() });
    }
  }

  // --- the picker ------------------------------------------------------------------------------

  async function showPicker() {
    leaveChat();
    $("chat-view").hidden = true;
    $("picker-view").hidden = false;
    document.documentElement.lang = "en";
    document.title = "Try the assistant · 试用还款助手";
    const list = $("borrowers");
    const say = pickerWords();
    list.replaceChildren(el("li", { className: "loading", text: say.loading }));
    $("picker-error").hidden = true;
    $("borrowers-empty").hidden = true;
    let answer;
    try {
      answer = await request("GET", `${DEMO_API}/borrowers`);
    } catch (error) {
      list.replaceChildren();
      showLine($("picker-error"), say.failed(error.message));
      return;
    }
    const borrowers = Array.isArray(answer.borrowers) ? answer.borrowers : [];
    list.replaceChildren(...borrowers.map((borrower) => borrowerItem(borrower, say)));
    $("borrowers-empty").hidden = borrowers.length > 0;
  }

  function borrowerItem(borrower, say) {
    const days = Number(borrower.days_past_due) || 0;
    const currencies = Array.isArray(borrower.currencies) ? borrower.currencies : [];
    return el("li", {},
      el("button", {
        type: "button",
        className: "borrower",
        dataset: { borrowerId: borrower.id },
        onclick: () => openChat(borrower),
      },
      el("span", { className: "borrower-name", lang: borrower.language === "zh" ? "zh" : "en", text: borrower.name }),
      el("span", { className: "borrower-facts" },
        el("span", { className: "tag", text: LANGUAGE_NAMES[borrower.language] || borrower.language }),
        ...currencies.map((currency) => el("span", { className: "tag currency", text: currency })),
        el("span", {
          className: days > 0 ? "due overdue" : "due",
          dataset: { daysPastDue: String(days) },
          text: days > 0 ? say.pastDue(days) : say.current,
        }))));
  }

  // --- the chat --------------------------------------------------------------------------------

  async function openChat(borrower) {
    leaveChat();
    state.borrower = borrower;
    try {
      sessionStorage.setItem(BORROWER_KEY, JSON.stringify(borrower));
    } catch (error) {
      // storage may be off: the page still works, it just forgets the choice on reload
    }
    const say = words();
    const lang = borrower.language === "zh" ? "zh" : "en";
    document.documentElement.lang = lang;
    document.title = `${borrower.name} · ${say.bot}`;
    $("picker-view").hidden = true;
    $("chat-view").hidden = false;
    $("chat-title").textContent = borrower.name;
    $("back").setAttribute("aria-label", say.back);
    $("back").title = say.back;
    $("message-label").textContent = say.message;
    $("message").placeholder = say.placeholder;
    $("send").textContent = say.send;
    setConnection("connecting");
    render();
    $("message").focus();
    const generation = state.generation;
    try {
      await renewToken();
    } catch (error) {
      if (generation === state.generation) showError(error);
      return;
    }
    if (generation !== state.generation) return;
    connect();
    await sync();
  }

  function leaveChat() {
    state.generation += 1;
    if (state.socket) {
      const socket = state.socket;
      state.socket = null;
      socket.close(1000, "the page left this borrower");
    }
    clearTimeout(state.reconnectTimer);
    Object.assign(state, {
      borrower: null, token: null, tokenExpires: 0, conversationId: null, status: "bot",
      earlier: [], events: [], sending: null, syncing: false, syncAgain: false,
      reconnectAttempt: 0, reconnectTimer: null,
    });
    $("transcript").replaceChildren();
    $("message").value = "";
    hideError();
  }

  // Reads the history and shows it. Not while a message is on its way: `send` reads it after.
  async function sync() {
    if (!state.borrower || state.sending) return false;
    if (state.syncing) {
      state.syncAgain = true;
      return false;
    }
    const generation = state.generation;
    state.syncing = true;
    try {
      let history;
      do {
        state.syncAgain = false;
        history = await chat("GET", "/history");
        if (generation !== state.generation) return false;
      } while (state.syncAgain); // something happened meanwhile: only the newest is shown
      apply(history);
      return true;
    } catch (error) {
      if (generation === state.generation) showError(error);
      return false;
    } finally {
      if (generation === state.generation) state.syncing = false;
    }
  }

  function apply(history) {
    const events = Array.isArray(history.events) ? history.events : [];
    if (state.conversationId && history.conversation_id !== state.conversationId && state.events.length) {
      // An agent closed the conversation: what it said stays on screen, above the new one.
      state.earlier.push(...state.events, { divider: true });
    }
    state.conversationId = history.conversation_id;
    state.status = history.status === "handoff" ? "handoff" : "bot";
    state.events = events;
    render();
  }

  async function send(text, shown) {
    if (state.sending || !state.borrower) return;
    hideError();
    const generation = state.generation;
    state.sending = { text, shown: shown || text };
    render();
    let answer = null;
    let failure = null;
    try {
      answer = await chat("POST", "", { text });
    } catch (error) {
      failure = error;
    }
    if (generation !== state.generation) return;
    state.sending = null;
    if (failure) {
      showError(failure);
      // Not kept by the server (only a 503's message is): back in the box, to edit or resend.
      if (failure.status !== 503 && !$("message").value && !shown) $("message").value = text;
      updateCount();
    } else {
      state.status = answer.status === "handoff" ? "handoff" : "bot";
    }
    const synced = await sync();
    if (!synced && answer && generation === state.generation) {
      // The history could not be read: show what the answer itself says.
      state.events.push({ from: "borrower", text }, ...answer.messages.map((m) => ({ from: "bot", ...m })));
      render();
    }
  }

  // --- live ------------------------------------------------------------------------------------

  function connect() {
    if (!state.borrower || !state.token) return;
    const generation = state.generation;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${CHAT}/ws?token=${encodeURIComponent(state.token)}`);
    state.socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== state.socket) return;
      state.reconnectAttempt = 0;
      setConnection("live");
      sync(); // whatever happened while it was down
    });
    socket.addEventListener("message", (message) => {
      if (socket !== state.socket) return;
      let event;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (event && typeof event.text === "string") live(event);
    });
    socket.addEventListener("close", (closing) => {
      if (socket !== state.socket || generation !== state.generation) return;
      state.socket = null;
      if (closing.code === TOKEN_EXPIRED) state.token = null; // a new one before reconnecting
      setConnection("reconnecting");
      reconnectLater();
    });
  }

  function reconnectLater() {
    const generation = state.generation;
    const attempt = state.reconnectAttempt;
    state.reconnectAttempt += 1;
    // A handshake refused (a token the gateway no longer takes) looks like any drop: renew it.
    if (attempt >= 2) state.token = null;
    const delay = Math.min(RECONNECT_MAX_MS, 500 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    state.reconnectTimer = setTimeout(async () => {
      if (generation !== state.generation) return;
      try {
        await freshToken();
      } catch (error) {
        if (generation === state.generation) reconnectLater();
        return;
      }
      if (generation === state.generation) connect();
    }, delay);
  }

  function live(event) {
    if (state.sending) return; // the reply to it, or else in the history read after it
    const from = event.from === "agent" ? "agent" : "bot";
    state.events.push({
      from,
      text: event.text,
      buttons: Array.isArray(event.buttons) ? event.buttons : [],
      at: new Date().toISOString(),
    });
    render();
    sync();
  }

  function setConnection(connection) {
    state.connection = connection;
    const node = $("connection");
    node.dataset.state = connection;
    node.textContent = words()[connection];
  }

  // --- rendering -------------------------------------------------------------------------------

  function render() {
    const say = words();
    const status = $("status");
    status.dataset.status = state.status;
    status.textContent = state.status === "handoff" ? say.statusHandoff : say.statusBot;

    const all = [...state.earlier, ...state.events];
    const turn = latestTurn(all);
    const items = [];
    let previous = null;
    let offered = [];
    all.forEach((event, index) => {
      if (event.divider) {
        items.push(el("li", { className: "divider", text: say.ended }));
        previous = null;
        offered = [];
        return;
      }
      // Only the buttons of the bot's latest turn, as the gateway lets only their payloads
      // through, and never while a person has the chat.
      const active = index >= turn && index >= state.earlier.length
        && state.status !== "handoff" && !state.sending;
      items.push(messageItem(event, previous, offered, active, say));
      if (event.from === "bot") {
        const buttons = Array.isArray(event.buttons) ? event.buttons : [];
        offered = previous === "bot" ? [...offered, ...buttons] : buttons; // a turn's, together
      }
      previous = event.from;
    });
    if (state.sending) {
      items.push(el("li", { className: "message from-borrower pending", dataset: { from: "borrower" } },
        el("p", { className: "bubble", text: state.sending.shown }),
        el("span", { className: "meta", text: say.sending })));
    } else if (!all.length) {
      items.push(el("li", { className: "empty", text: say.empty }));
    }
    const transcript = $("transcript");
    transcript.replaceChildren(...items);
    transcript.scrollTop = transcript.scrollHeight;
    $("send").disabled = Boolean(state.sending);
    updateCount();
  }

  function messageItem(event, previous, offered, active, say) {
    const from = ["borrower", "bot", "agent"].includes(event.from) ? event.from : "bot";
    // A tapped button's payload reads as the button's title, as the app showed it.
    const tapped = from === "borrower" ? offered.find((button) => button && button.payload === event.text) : null;
    const buttons = from === "bot" && Array.isArray(event.buttons) ? event.buttons : [];
    return el("li", { className: `message from-${from}`, dataset: { from } },
      from !== "borrower" && from !== previous ? el("span", { className: "sender", text: say[from] }) : null,
      el("p", { className: "bubble", text: tapped ? tapped.title : event.text }),
      buttons.length ? el("div", { className: "quick-replies" }, buttons.map((button) => el("button", {
        type: "button",
        className: "quick-reply",
        disabled: !active,
        dataset: { payload: String(button.payload) },
        onclick: () => send(String(button.payload), String(button.title)),
        text: button.title,
      }))) : null,
      event.at ? el("time", { className: "meta", datetime: event.at, text: clockTime(event.at, say.locale) }) : null);
  }

  // Where the bot's latest turn starts: its latest message and the bot's messages just before
  // it (a "did you mean" and the question asked again after it are on screen together);
  // Infinity when the bot has said nothing.
  function latestTurn(items) {
    let i = items.length - 1;
    while (i >= 0 && items[i].from !== "bot") i -= 1;
    if (i < 0) return Infinity;
    while (i > 0 && items[i - 1].from === "bot") i -= 1;
    return i;
  }

  function updateCount() {
    const box = $("message");
    const count = codePoints(box.value);
    const over = count > MAX_TEXT;
    box.classList.toggle("over", over);
    box.title = over ? words().tooLong(count) : "";
  }

  // --- errors ----------------------------------------------------------------------------------

  function showError(error) {
    showLine($("error"), describe(error));
  }

  function describe(error) {
    const say = words();
    if (!(error instanceof Failure)) return say.other("?", String(error));
    switch (error.status) {
      case 0: return say.network;
      case 503: return say.e503;
      case 429: return say.e429(error.retryAfter);
      case 413: return say.e413;
      case 400: return say.e400(error.message);
      case 401: return say.e401;
      default: return say.other(error.status, error.message);
    }
  }

  function showLine(node, text) {
    node.textContent = text;
    node.hidden = false;
  }

  function hideError() {
    $("error").hidden = true;
    $("error").textContent = "";
  }

  // --- wiring ----------------------------------------------------------------------------------

  function submit() {
    const box = $("message");
    const text = box.value;
    if (!text.trim() || state.sending) return;
    box.value = "";
    updateCount();
    send(text);
  }

  function start() {
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
    });
    $("message").addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter is a new line; never while an input method is composing (拼音).
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submit();
      }
    });
    $("message").addEventListener("input", updateCount);
    $("back").addEventListener("click", () => {
      try {
        sessionStorage.removeItem(BORROWER_KEY);
      } catch (error) {
        // nothing to forget
      }
      showPicker();
    });
    let remembered = null;
    try {
      remembered = JSON.parse(sessionStorage.getItem(BORROWER_KEY) || "null");
    } catch (error) {
      remembered = null;
    }
    if (remembered && typeof remembered.id === "string" && typeof remembered.name === "string") openChat(remembered);
    else showPicker();
  }

  start();
})();
