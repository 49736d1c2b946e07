// The trainers' page: the review inbox (/api/v1/agent/review, bot/gateway/agent/review.py) as a
// table to filter, sort and page; a message in its conversation, with the model's suggestions;
// settling it, or every ticked one at once. Every label in English or Chinese, the intents'
// names too (from /review/intents: one definition, bot/training/intents.py).
//
// Like the console and the dashboard, every text reaches the page through textContent (the
// shared el() of ../shared/ui.js), under a strict Content-Security-Policy. Signing in and out,
// the token (the console's), the API's requests and the no-access view are ../shared/session.js,
// as on the dashboard: the server decides who may review, a 403 naming the missing permission
// says so, a 401 signs out. A settlement that fails changes
// nothing on the page: the ticks, the message shown and the intent chosen stay, to try again.
"use strict";

(() => {
  const { el, fill, pick, translatePage } = window.AgentUi; // ../shared/ui.js
  const Session = window.AgentSession; // ../shared/session.js
  const { showError, clearError } = Session;
  const LANG_KEY = "agentTraining.lang";
  const SUGGESTED_KEYS = ["1", "2", "3"];
  const DASH = "—";

  // Every label in both languages: [English, 中文]; a function takes the values it names.
  // Those of signing in and the top bar are the shared ones (Session.TEXT).
  const TEXT = {
    ...Session.TEXT,
    title: ["Collections · training: review inbox", "催收 · 模型训练：待审消息"],
    page_title: ["Review inbox", "待审消息"],
    dashboard: ["Dashboard", "指标看板"],
    sign_in_hint: ["The review inbox is for trainers and supervisors.", "待审消息供训练师和主管使用。"],
    no_access_heading: ["Needs the trainer or supervisor role", "需要训练师或主管角色"],
    no_access_text: [
      (role, why) => `The review inbox needs the trainer or supervisor role; ${role} cannot review `
        + `messages (the server says: ${why}).`,
      (role, why) => `待审消息需要训练师或主管角色；${role}无权审核消息（服务器答复：${why}）。`],
    // the filters
    status: ["Status", "状态"],
    status_open: ["Open", "待处理"],
    status_settled: ["Settled", "已处理"],
    status_all: ["All", "全部"],
    language: ["Language", "语言"],
    any: ["Any", "不限"],
    lang_en: ["English", "英语"],
    lang_zh_hans: ["Chinese (simplified)", "简体中文"],
    lang_zh_hant: ["Chinese (traditional)", "繁体中文"],
    lang_mixed: ["Chinese and English", "中英混合"],
    predicted: ["Predicted intent", "预测意图"],
    reason: ["Reason", "原因"],
    reason_unsure: ["Unsure (did you mean)", "不确定（已询问）"],
    reason_fallback: ["Not understood", "未能理解"],
    reason_handoff: ["Handed over", "已转人工"],
    min_confidence: ["Confidence from", "置信度从"],
    max_confidence: ["to", "到"],
    from: ["From (UTC)", "开始日期（UTC）"],
    to: ["To (UTC)", "结束日期（UTC）"],
    sort: ["Sort", "排序"],
    sort_at: ["Oldest first", "最早的在前"],
    sort_at_desc: ["Newest first", "最新的在前"],
    sort_confidence: ["Least confident first", "置信度低的在前"],
    sort_confidence_desc: ["Most confident first", "置信度高的在前"],
    per_page: ["Per page", "每页"],
    refresh: ["Refresh", "刷新"],
    // the table
    inbox: ["Messages to review", "待审消息"],
    text: ["Message (masked)", "消息（已脱敏）"],
    confidence: ["Confidence", "置信度"],
    date: ["Date (UTC)", "时间（UTC）"],
    outcome: ["Outcome", "处理结果"],
    check_all: ["Tick every message on this page", "勾选本页全部消息"],
    tick: [(id) => `Tick message ${id}`, (id) => `勾选消息 ${id}`],
    nothing: ["Nothing to review with these filters.", "没有符合筛选条件的消息。"],
    loading: ["Loading…", "加载中…"],
    showing: [(first, last, total) => `${first}–${last} of ${total}`, (first, last, total) => `第 ${first}–${last} 条，共 ${total} 条`],
    pages: ["Pages", "分页"],
    page: [(n, of) => `Page ${n} of ${of}`, (n, of) => `第 ${n}/${of} 页`],
    previous: ["Previous", "上一页"],
    next: ["Next", "下一页"],
    shortcuts: [
      "Keys: j / k next and previous message · x tick · c prediction correct · o out of scope · d discard · 1–3 accept a suggestion · r relabel",
      "快捷键：j / k 下一条、上一条 · x 勾选 · c 预测正确 · o 超出范围 · d 丢弃 · 1–3 采纳建议 · r 重新标注"],
    outcome_open: ["Open", "待处理"],
    outcome_discarded: ["Discarded", "已丢弃"],
    outcome_intent: [(name) => `Settled: ${name}`, (name) => `已标注：${name}`],
    exported: ["in the training data", "已导出到训练数据"],
    settled_by: [(who, when) => `by ${who}, ${when}`, (who, when) => `处理人 ${who}，${when}`],
    // bulk
    bulk_label: ["Settle the ticked messages", "批量处理已勾选的消息"],
    checked: [(count) => `${count} ticked`, (count) => `已勾选 ${count} 条`],
    bulk_correct: ["Prediction correct", "预测正确"],
    bulk_out_of_scope: ["Out of scope", "超出范围"],
    bulk_discard: ["Discard", "丢弃"],
    bulk_relabel: ["Relabel", "重新标注"],
    // the message in context
    in_context: ["In context", "上下文"],
    choose_one: ["Choose a message to see what was said around it.", "选择一条消息，查看其前后对话。"],
    from_borrower: ["Borrower", "借款人"],
    from_bot: ["Bot", "机器人"],
    from_agent: ["Agent", "坐席"],
    suggestions: ["Suggestions: accept one", "建议：点击采纳"],
    no_suggestions: ["The model had no other guess.", "模型没有其他猜测。"],
    settle: ["Settle", "处理"],
    correct_as: [(name) => `Correct: ${name}`, (name) => `预测正确：${name}`],
    out_of_scope: ["Out of scope", "超出范围"],
    discard: ["Discard", "丢弃"],
    relabel_as: ["Relabel as", "重新标注为"],
    relabel: ["Relabel", "重新标注"],
    choose_intent: ["Choose an intent…", "选择意图…"],
    // outcomes and errors
    settled_one: [(name) => `Settled: ${name}.`, (name) => `已处理：${name}。`],
    settled_many: [(count) => `${count} messages settled.`, (count) => `已处理 ${count} 条消息。`],
    pick_intent_first: ["Choose the intent to relabel as first.", "请先选择要标注的意图。"],
    unreachable_not_settled: [
      "The server cannot be reached: nothing was settled. Check the network and try again; your choices are still here.",
      "无法连接服务器：未做任何处理。请检查网络后重试，您的选择仍保留。"],
    could_not_load: ["Could not load the inbox", "无法加载待审消息"],
    could_not_load_intents: ["Could not load the intents", "无法加载意图列表"],
    not_settled: [(why) => `Not settled: ${why}`, (why) => `未能处理：${why}`],
    not_settled_exported: [
      (why) => `Not settled: already in the training data, under another intent; change it in data/nlu (the server says: ${why}).`,
      (why) => `未能处理：该消息已导出到训练数据（另一意图下），请在 data/nlu 中修改（服务器答复：${why}）。`],
  };

  const state = {
    lang: "en",
    intents: [], // [{intent, en, zh, relabel}], from the API
    items: [], // the page of the inbox on screen
    total: 0,
    offset: 0,
    query: null, // the filters the rows on screen are for
    currentId: null, // the message shown in context
    checked: new Set(), // ids ticked on this page
    busy: false, // a settlement is on its way
    seq: 0, // each load's number: answers to an older one are dropped
  };

  const $ = (id) => document.getElementById(id);

  // --- labels ------------------------------------------------------------------------------

  function t(key, ...args) {
    return pick(TEXT[key], state.lang, key, args);
  }

  function intentName(intent) {
    if (!intent) return DASH;
    const known = state.intents.find((one) => one.intent === intent);
    return known ? known[state.lang === "zh" ? "zh" : "en"] : String(intent);
  }

  function labelOf(prefix, value) {
    return TEXT[`${prefix}_${value}`] ? t(`${prefix}_${value}`) : String(value || DASH);
  }

  function percent(confidence) {
    return typeof confidence === "number" ? `${Math.round(confidence * 100)}%` : DASH;
  }

  // The API's moments in UTC, as the date filters are: "2026-11-03 14:05".
  function dateText(iso) {
    const ms = Date.parse(iso || "");
    return Number.isNaN(ms) ? DASH : new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  }

  function relabelable(intent) {
    return state.intents.some((one) => one.intent === intent && one.relabel);
  }

  // --- the announcer -----------------------------------------------------------------------

  function announce(message) {
    const region = $("announcer");
    region.textContent = "";
    setTimeout(() => { region.textContent = message; }, 50); // a new task: read even if the same
  }

  function failed(error, doing) {
    session.failed(error, doing);
  }

  // --- the API: requests with the session's token (../shared/session.js) ----------------------

  // { data, headers } once it is a success; a failure is the session's ApiFailure, its body the
  // server's answer (a 409's ids, a 400's choices).
  async function request(method, path, body) {
    const response = await session.request(method, path, body);
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    return { data, headers: response.headers };
  }

  // --- signing in and out: ../shared/session.js, told what is the trainers' page's ------------

  const session = Session.create({
    view: "training",
    t,
    start: startTraining,
    // The filters stay in the form, for the next sign-in.
    signedOut() {
      Object.assign(state, { items: [], total: 0, currentId: null, checked: new Set(), query: null });
      state.seq += 1; // whatever is on its way is no longer wanted
      renderInbox();
    },
    refused() {
      Object.assign(state, { items: [], total: 0, currentId: null });
      state.seq += 1;
    },
    renderWho(role) {
      $("dashboard-link").hidden = role !== "supervisor"; // the API behind it checks again
    },
  });

  async function startTraining() {
    await loadIntents();
    await loadPage(0, readFilters());
  }

  // --- loading -----------------------------------------------------------------------------

  async function loadIntents() {
    try {
      const { data } = await request("GET", "/review/intents");
      state.intents = Array.isArray(data) ? data : [];
    } catch (error) {
      failed(error, t("could_not_load_intents")); // the inbox still works, with the intents' keys
    }
    renderIntentChoices();
  }

  const FILTERS = [["language", "f-language"], ["intent", "f-intent"], ["reason", "f-reason"],
    ["min_confidence", "f-min"], ["max_confidence", "f-max"], ["from", "f-from"], ["to", "f-to"]];

  function readFilters() {
    const query = { status: $("f-status").value, sort: $("f-sort").value, limit: $("f-limit").value };
    for (const [name, id] of FILTERS) {
      const value = $(id).value.trim();
      if (value) query[name] = value;
    }
    return query;
  }

  // A page of the inbox; when it cannot come, the rows on screen stay as they were.
  async function loadPage(offset, query) {
    if (!session.token || session.noAccess) return;
    const seq = ++state.seq;
    $("status").textContent = t("loading");
    try {
      const params = new URLSearchParams({ ...query, offset: String(offset) });
      const { data, headers } = await request("GET", `/review?${params}`);
      if (seq !== state.seq) return;
      const items = Array.isArray(data) ? data : [];
      const total = Number.parseInt(headers.get("X-Total-Count"), 10);
      Object.assign(state, { items, offset, query, total: Number.isNaN(total) ? items.length : total });
      state.checked = new Set(); // ticks are for one page
      if (!items.some((item) => item.id === state.currentId)) state.currentId = null;
      clearError();
    } catch (error) {
      if (seq !== state.seq) return;
      failed(error, t("could_not_load"));
    }
    renderInbox();
  }

  function reload(offset = 0) {
    return loadPage(offset, readFilters());
  }

  function turnPage(step) {
    const limit = Number((state.query || readFilters()).limit);
    loadPage(Math.max(0, state.offset + step * limit), state.query || readFilters());
  }

  // --- settling ----------------------------------------------------------------------------

  // `how` is one of the API's bodies: {intent}, {correct: true}, {out_of_scope: true}, {discard: true}.
  async function settle(ids, how) {
    if (!ids.length || state.busy) return false;
    state.busy = true;
    renderActions();
    try {
      if (ids.length === 1) {
        const { data } = await request("POST", `/review/${encodeURIComponent(ids[0])}`, how);
        replaceItem(data);
      } else {
        const { data } = await request("POST", "/review", { ids, ...how });
        for (const id of (data && data.ids) || ids) {
          const item = itemOf(id);
          if (item) replaceItem(settledAs(item, how));
        }
      }
      clearError();
      return true;
    } catch (error) {
      if (!error.handled) showError(settleError(error));
      if (error.status === 409) await refreshItems(error.body.ids || ids); // shown as exported
      return false;
    } finally {
      state.busy = false;
      renderInbox();
    }
  }

  function settleError(error) {
    if (error.status === 0) return t("unreachable_not_settled");
    if (error.status === 409) return t("not_settled_exported", error.message);
    const choices = Array.isArray(error.body.choices) ? ` (${error.body.choices.join(", ")})` : "";
    return t("not_settled", error.message + choices);
  }

  // What the bulk answer ({ids, changed}) means for an item, as bot/training/settling.py settles.
  function settledAs(item, how) {
    const discarded = how.discard === true;
    const intent = discarded ? null : how.out_of_scope ? "out_of_scope" : how.correct ? item.predicted_intent : how.intent;
    const settledHow = Object.keys(how)[0];
    return { ...item, status: "settled", intent, discarded, settled_how: settledHow,
      settled_by: session.username, settled_at: new Date().toISOString(), exported: false };
  }

  async function refreshItems(ids) {
    await Promise.all(ids.filter((id) => itemOf(id)).map(async (id) => {
      try {
        replaceItem((await request("GET", `/review/${encodeURIComponent(id)}`)).data);
      } catch (error) {
        // the error already shown says what matters
      }
    }));
  }

  function itemOf(id) {
    return state.items.find((item) => item.id === id) || null;
  }

  function replaceItem(view) {
    if (view && typeof view === "object") state.items = state.items.map((item) => (item.id === view.id ? view : item));
  }

  function outcomeName(item) {
    return item.discarded ? t("outcome_discarded") : intentName(item.intent);
  }

  // The message shown: settled, then on to the next open one.
  async function settleCurrent(how) {
    const item = itemOf(state.currentId);
    if (!item) return;
    if (!(await settle([item.id], how))) return;
    announce(t("settled_one", outcomeName(itemOf(item.id) || item)));
    const after = state.items.slice(state.items.indexOf(itemOf(item.id)) + 1);
    const next = after.find((one) => one.status === "open");
    if (next) openItem(next.id, true);
  }

  async function settleChecked(how) {
    const ids = state.items.filter((item) => state.checked.has(item.id)).map((item) => item.id);
    if (!ids.length) return;
    if (await settle(ids, how)) {
      state.checked = new Set();
      renderInbox();
      announce(t("settled_many", ids.length));
    }
  }

  function relabelWith(selectId, settleIt) {
    const intent = $(selectId).value;
    if (!intent) return showError(t("pick_intent_first"));
    settleIt({ intent });
  }

  // --- rendering ---------------------------------------------------------------------------

  // The choices of intent: any for the filter, only those to settle as for relabelling.
  function renderIntentChoices() {
    const option = (one) => el("option", { value: one.intent, text: `${intentName(one.intent)} (${one.intent})` });
    for (const [id, first, which] of [["f-intent", t("any"), () => true],
      ["relabel-intent", t("choose_intent"), (one) => one.relabel],
      ["bulk-intent", t("choose_intent"), (one) => one.relabel]]) {
      const select = $(id);
      const previous = select.value;
      fill(select, el("option", { value: "", text: first }), state.intents.filter(which).map(option));
      select.value = [...select.options].some((one) => one.value === previous) ? previous : "";
    }
  }

  function renderInbox() {
    const { items, total, offset } = state;
    const limit = Number((state.query || readFilters()).limit);
    const rows = $("rows");
    const focused = rows.contains(document.activeElement) ? document.activeElement.closest("tr") : null;
    fill(rows, items.map(row));
    if (focused) rows.querySelector(`tr[data-id="${CSS.escape(focused.dataset.id)}"]`)?.focus();
    $("empty").hidden = !state.query || items.length > 0;
    $("status").textContent = items.length ? t("showing", offset + 1, offset + items.length, total) : "";
    const pages = Math.max(1, Math.ceil(total / limit));
    $("page-info").textContent = t("page", Math.floor(offset / limit) + 1, pages);
    $("prev").disabled = offset === 0;
    $("next").disabled = offset + items.length >= total;
    const open = items.filter((item) => item.status === "open").length;
    document.title = open ? `(${open}) ${t("page_title")}` : t("page_title");
    renderActions();
    renderDetail();
  }

  function row(item) {
    const current = item.id === state.currentId;
    return el("tr", {
      className: `item status-${String(item.status).replace(/[^a-z]/g, "")}${current ? " current" : ""}`,
      dataset: { id: String(item.id) }, tabindex: "0", "aria-current": current ? "true" : null,
      onclick: (event) => { if (!event.target.closest("input")) openItem(item.id); },
      onkeydown: (event) => { if (event.key === "Enter" && event.target === event.currentTarget) openItem(item.id); },
    },
    el("td", { className: "check" }, el("input", {
      type: "checkbox", checked: state.checked.has(item.id), "aria-label": t("tick", item.id),
      onchange: (event) => tick(item.id, event.target.checked),
    })),
    el("td", { className: "text", text: item.text }),
    el("td", { className: "language", text: labelOf("lang", item.language) }),
    el("td", { className: "intent" }, intentCell(item.predicted_intent)),
    el("td", { className: "confidence" }, confidenceBar(item.confidence)),
    el("td", { className: "reason", text: labelOf("reason", item.reason) }),
    el("td", { className: "at", text: dateText(item.at) }),
    el("td", { className: "outcome", text: outcomeText(item) }));
  }

  function intentCell(intent) {
    return [el("span", { className: "intent-name", text: intentName(intent) }),
      intent ? el("span", { className: "intent-key", text: intent }) : null];
  }

  // A native meter: a bar without any style the page would have to write.
  function confidenceBar(confidence) {
    if (typeof confidence !== "number") return DASH;
    return el("span", { className: "bar" },
      el("meter", { min: "0", max: "1", low: "0.4", high: "0.7", optimum: "1", value: String(confidence) }),
      el("span", { className: "figure", text: percent(confidence) }));
  }

  function outcomeText(item) {
    if (item.status !== "settled") return t("outcome_open");
    const what = item.discarded ? t("outcome_discarded") : t("outcome_intent", intentName(item.intent));
    return item.exported ? `${what} · ${t("exported")}` : what;
  }

  function renderActions() {
    const count = state.checked.size;
    $("checked-count").textContent = t("checked", count);
    for (const id of ["bulk-correct", "bulk-out-of-scope", "bulk-discard", "bulk-relabel"]) {
      $(id).disabled = state.busy || count === 0;
    }
    const all = $("check-all");
    all.checked = count > 0 && count === state.items.length;
    all.indeterminate = count > 0 && count < state.items.length;
    all.disabled = state.items.length === 0;
    const item = itemOf(state.currentId);
    $("settle-correct").disabled = state.busy || !item || !relabelable(item.predicted_intent);
    for (const id of ["settle-out-of-scope", "settle-discard", "settle-relabel"]) $(id).disabled = state.busy || !item;
    for (const button of $("suggestions").querySelectorAll("button")) button.disabled = state.busy;
  }

  function renderDetail() {
    const item = itemOf(state.currentId);
    $("detail-empty").hidden = Boolean(item);
    $("item").hidden = !item;
    if (!item) return;
    $("item-meta").textContent = [`#${item.id}`, labelOf("lang", item.language), labelOf("reason", item.reason),
      dateText(item.at)].join(" · ");
    const context = item.context || {};
    fill($("context"),
      (context.before || []).map((said) => contextLine(said, false)),
      contextLine({ from: "borrower", text: item.text, at: item.at }, true),
      (context.after || []).map((said) => contextLine(said, false)));
    const by = item.settled_by ? ` (${t("settled_by", item.settled_by, dateText(item.settled_at))})` : "";
    $("item-outcome").textContent = outcomeText(item) + by;
    const suggestions = (item.suggestions || []).slice(0, SUGGESTED_KEYS.length);
    fill($("suggestions"), suggestions.length
      ? suggestions.map((one, i) => el("button", {
        type: "button", className: "button suggestion", dataset: { intent: one.intent },
        onclick: () => settleCurrent({ intent: one.intent }),
      }, el("kbd", { text: SUGGESTED_KEYS[i] }), ` ${intentName(one.intent)} `,
      el("span", { className: "figure", text: percent(one.confidence) })))
      : el("p", { className: "hint", text: t("no_suggestions") }));
    $("settle-correct").textContent = t("correct_as", intentName(item.predicted_intent));
    renderActions();
  }

  function contextLine(said, focus) {
    const from = String(said.from || "").replace(/[^a-z]/g, "");
    return el("li", { className: `said from-${from}${focus ? " focus" : ""}`, "aria-current": focus ? "true" : null },
      el("span", { className: "who", text: `${labelOf("from", from)} · ${dateText(said.at)}` }),
      el("span", { className: "words", text: said.text }));
  }

  // --- choosing and ticking ----------------------------------------------------------------

  function openItem(id, focusRow = false) {
    state.currentId = id;
    renderInbox();
    if (focusRow) $("rows").querySelector(`tr[data-id="${CSS.escape(String(id))}"]`)?.focus();
  }

  function move(step) {
    if (!state.items.length) return;
    const at = state.items.findIndex((item) => item.id === state.currentId);
    const next = at < 0 ? 0 : Math.min(state.items.length - 1, Math.max(0, at + step));
    openItem(state.items[next].id, true);
  }

  // Without re-drawing the rows: the checkbox keeps the focus.
  function tick(id, on) {
    if (on) state.checked.add(id);
    else state.checked.delete(id);
    renderActions();
  }

  function tickAll(on) {
    state.checked = new Set(on ? state.items.map((item) => item.id) : []);
    renderInbox();
  }

  // j / k move, x ticks, c o d settle, 1–3 accept a suggestion, r goes to the relabel choice;
  // never while typing in a field.
  function onKey(event) {
    if ($("training-view").hidden || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (event.target.closest && event.target.closest("input:not([type=checkbox]), select, textarea")) return;
    const item = itemOf(state.currentId);
    const key = event.key;
    if (key === "j" || key === "k") move(key === "j" ? 1 : -1);
    else if (!item) return;
    else if (key === "x") {
      tick(item.id, !state.checked.has(item.id));
      const box = $("rows").querySelector(`tr[data-id="${CSS.escape(String(item.id))}"] input`);
      if (box) box.checked = state.checked.has(item.id);
    } else if (key === "c") { if (!$("settle-correct").disabled) settleCurrent({ correct: true }); }
    else if (key === "o") settleCurrent({ out_of_scope: true });
    else if (key === "d") settleCurrent({ discard: true });
    else if (key === "r") $("relabel-intent").focus();
    else if (SUGGESTED_KEYS.includes(key)) {
      const one = (item.suggestions || [])[SUGGESTED_KEYS.indexOf(key)];
      if (one) settleCurrent({ intent: one.intent });
    } else return;
    event.preventDefault();
  }

  // --- the language ------------------------------------------------------------------------

  function setLanguage(lang) {
    state.lang = lang;
    renderLabels();
    session.relabel();
    renderIntentChoices();
    renderInbox();
  }

  function renderLabels() {
    translatePage(t, state.lang);
    document.title = t("page_title");
  }

  // --- start -------------------------------------------------------------------------------

  function init() {
    $("filters").addEventListener("submit", (event) => { event.preventDefault(); reload(); });
    $("filters").addEventListener("change", () => reload());
    $("prev").addEventListener("click", () => turnPage(-1));
    $("next").addEventListener("click", () => turnPage(1));
    $("check-all").addEventListener("change", (event) => tickAll(event.target.checked));
    $("bulk-correct").addEventListener("click", () => settleChecked({ correct: true }));
    $("bulk-out-of-scope").addEventListener("click", () => settleChecked({ out_of_scope: true }));
    $("bulk-discard").addEventListener("click", () => settleChecked({ discard: true }));
    $("bulk-relabel").addEventListener("click", () => relabelWith("bulk-intent", settleChecked));
    $("settle-correct").addEventListener("click", () => settleCurrent({ correct: true }));
    $("settle-out-of-scope").addEventListener("click", () => settleCurrent({ out_of_scope: true }));
    $("settle-discard").addEventListener("click", () => settleCurrent({ discard: true }));
    $("settle-relabel").addEventListener("click", () => relabelWith("relabel-intent", settleCurrent));
    document.addEventListener("keydown", onKey);
    Session.onLanguageSwitch(LANG_KEY, setLanguage);
    state.lang = Session.storedLanguage(LANG_KEY);
    renderLabels();
    renderIntentChoices();
    renderInbox();
    session.begin();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
