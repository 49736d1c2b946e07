// The supervisors' KPI dashboard: the KPI API (/api/v1/agent/kpis and /kpis/variants, see
// bot/gateway/agent/kpis.py; definitions in bot/kpis/) as cards, charts and tables, with every
// label in English or Chinese.
//
// Like the console (../static/console.js) every text reaches the page through textContent /
// createElement, never as HTML, and the page runs under a strict Content-Security-Policy: no
// inline script or style (Chart.js sizes its canvases through the CSSOM, which CSP allows).
// Signing in and out, the token (the console's, so a supervisor signed into the console in this
// tab is signed in here too), the API's requests and the no-access view are ../shared/session.js:
// the server decides who sees the figures, a 403 naming the missing permission shows "needs the
// supervisor role", a 401 signs out.
// Money stays the API's exact decimal strings: no amount is ever turned into a float.
"use strict";

(() => {
  const Session = window.AgentSession; // ../shared/session.js
  const LANG_KEY = "agentDashboard.lang";
  const BUCKETS = ["1-30", "31-60", "61-90", "90+"];
  const DEFAULT_DAYS = 30;
  const DAILY_UP_TO = 14; // a period this short is drawn day by day, a longer one week by week
  const WEEKLY_UP_TO = 26 * 7; // beyond half a year, month by month: fewer requests, same story
  const AT_ONCE = 3; // trend slices asked for at a time: quick, without flooding the server
  const DAY_MS = 86400000;
  const DASH = "—"; // a rate with nothing to divide by: not measured, which is not 0%

  // Every label in both languages: [English, 中文]; a function takes the figures it names.
  // Those of signing in and the top bar are the shared ones (Session.TEXT).
  const TEXT = {
    ...Session.TEXT,
    title: ["Collections · KPI dashboard", "催收 · 指标看板"],
    page_title: ["KPI dashboard", "指标看板"],
    sign_in_hint: ["The dashboard is for supervisors.", "指标看板供主管使用。"],
    no_access_heading: ["Needs the supervisor role", "需要主管角色"],
    no_access_text: [
      (role, why) => `The dashboard needs the supervisor role; ${role} cannot see the KPIs `
        + `(the server says: ${why}). Ask a supervisor if you need them.`,
      (role, why) => `指标看板需要主管角色；${role}无权查看指标（服务器答复：${why}）。如需查看，请联系主管。`],
    from: ["From", "开始日期"],
    to: ["To", "结束日期"],
    group_by: ["Group by", "分组方式"],
    group_none: ["None", "不分组"],
    group_segment: ["Segment", "客群"],
    group_stage: ["Stage", "阶段"],
    group_variant: ["Variant", "版本"],
    group_language: ["Language", "语言"],
    refresh: ["Refresh", "刷新"],
    csv_report: ["Download CSV: report", "下载 CSV：报表"],
    csv_variants: ["Download CSV: variants", "下载 CSV：版本对比"],
    loading: ["Loading…", "加载中…"],
    showing: [(from, to) => `Figures for ${from} – ${to} (UTC days, inclusive).`,
      (from, to) => `统计区间：${from} 至 ${to}（UTC，含首尾两日）。`],
    trend_loading: [(done, all) => `Trend: ${done} of ${all} loaded…`, (done, all) => `趋势：已加载 ${done}/${all}…`],
    trend_by: [(unit, count) => `The period in ${count} ${unit}, each with its own figures.`,
      (unit, count) => `按${unit}拆分为 ${count} 段，每段单独统计。`],
    unit_day: ["days", "天"],
    unit_week: ["weeks", "周"],
    unit_month: ["months", "月"],
    trend_failed: [(count) => `${count} part(s) of the trend could not be loaded.`,
      (count) => `趋势中有 ${count} 段未能加载。`],
    could_not_load: ["Could not load the figures", "无法加载指标"],
    could_not_load_variants: ["Could not load the variants", "无法加载版本对比"],
    could_not_download: ["Could not download the CSV", "无法下载 CSV"],
    no_charts: ["The charts could not be drawn (Chart.js did not load); the tables show every figure.",
      "图表无法绘制（Chart.js 未加载），表格中仍有全部数据。"],
    headline: ["Headline figures", "核心指标"],
    trends: ["Trends", "趋势"],
    currency: ["Currency", "币种"],
    funnel: ["Funnel", "转化漏斗"],
    funnel_hint: ["Outreach sent, conversations, arrangements agreed, promises kept: in the period.",
      "本期：已发送触达、会话、达成的安排、已履约的承诺。"],
    handoff_reasons: ["Handoff reasons", "转人工原因"],
    held_back_by_rule: ["Outreach held back, by rule", "未发送的触达（按规则）"],
    buckets: ["Buckets: cure and roll", "逾期分段：治愈率与迁徙率"],
    buckets_hint: [
      "Loans by days past due at the start; cured: current the day after the period; rolled: in a later bucket then.",
      "按期初逾期天数分段；治愈：期末次日已无逾期；迁徙：期末次日落入更后的分段。"],
    by_group: ["By group", "分组明细"],
    variants: ["Variants: champion and challenger", "版本对比：冠军与挑战者"],
    variants_note: [
      (days) => `A trial is a contact sent in the period; recovered: a payment on the loan within ${days} days; `
        + `promised: a promise to pay agreed within ${days} days. 95% Wilson intervals; two-proportion z-test `
        + "against the stage's champion, two-sided at 5%.",
      (days) => `一次试验即本期发送的一次触达；回款：${days} 天内该笔贷款有还款；承诺：${days} 天内达成还款承诺。`
        + "95% Wilson 置信区间；与该阶段冠军版本做双比例 z 检验（双侧，5%）。"],
    no_variants: ["No outreach was sent in the period: nothing to compare.", "本期未发送触达，无可比较的版本。"],
    nothing: ["Nothing in this period.", "本期无数据。"],
    // figures
    recovery_rate: ["Recovery rate", "回款率"],
    recovery_rate_in: [(currency) => `Recovery rate (${currency})`, (currency) => `回款率（${currency}）`],
    recovered_of: [(recovered, overdue) => `${recovered} recovered of ${overdue} overdue at the start`,
      (recovered, overdue) => `期初逾期 ${overdue}，已回收 ${recovered}`],
    overdue_at_start: ["Overdue at start", "期初逾期金额"],
    recovered: ["Recovered", "回收金额"],
    nothing_overdue: ["Nothing was overdue at the start.", "期初无逾期。"],
    containment_rate: ["Containment rate", "自助解决率"],
    contained_of: [(contained, all) => `${contained} of ${all} conversations without a person`,
      (contained, all) => `${all} 个会话中 ${contained} 个无需人工`],
    promises_kept: ["Promises made / kept rate", "承诺还款数 / 履约率"],
    promises_detail: [(kept, broken, active) => `kept ${kept} · broken ${broken} · still open ${active}`,
      (kept, broken, active) => `履约 ${kept} · 违约 ${broken} · 进行中 ${active}`],
    kept_rate: ["Promise kept rate", "承诺履约率"],
    complaint_rate: ["Complaint rate", "投诉率"],
    opt_out_rate: ["Opt-out rate", "退订率"],
    of_reached: [(count) => `of ${count} borrowers reached`, (count) => `触达借款人 ${count} 人`],
    handoffs: ["Handoffs", "转人工"],
    handoffs_detail: [(count) => `to a person, from ${count} conversations`, (count) => `来自 ${count} 个会话`],
    first_answer: ["First answer: median / p90", "首次人工响应：中位数 / P90"],
    first_answer_detail: [(answered, unanswered) => `answered ${answered} · unanswered ${unanswered}`,
      (answered, unanswered) => `已响应 ${answered} · 未响应 ${unanswered}`],
    minutes: [(value) => `${value} min`, (value) => `${value} 分钟`],
    outreach: ["Outreach sent / held back", "触达：已发送 / 被拦截"],
    outreach_detail: [(count) => `held back by a compliance rule: ${count}`, (count) => `因合规规则未发送：${count}`],
    // the funnel
    contacted: ["Contacted", "已触达"],
    replied: ["Replied", "已回复"],
    arrangement: ["Arrangement", "达成安排"],
    kept: ["Kept", "已履约"],
    step: ["Step", "环节"],
    count: ["Count", "数量"],
    share: ["Share", "占比"],
    reason: ["Reason", "原因"],
    rule: ["Rule", "规则"],
    // buckets
    bucket: ["Bucket", "分段"],
    loans: ["Loans", "贷款数"],
    cured: ["Cured", "治愈"],
    cure_rate: ["Cure rate", "治愈率"],
    rolled: ["Rolled", "迁徙"],
    roll_rate: ["Roll rate", "迁徙率"],
    // groups
    group: ["Group", "分组"],
    conversations: ["Conversations", "会话数"],
    promises_made: ["Promises made", "承诺还款数"],
    outreach_sent: ["Outreach sent", "已发送触达"],
    not_contacted: ["not contacted", "未触达"],
    all: ["all", "全部"],
    lang_en: ["English", "英语"],
    lang_hans: ["Chinese (simplified)", "简体中文"],
    lang_hant: ["Chinese (traditional)", "繁体中文"],
    // variants
    stage: [(name) => `Stage ${name}`, (name) => `阶段 ${name}`],
    variant: ["Variant", "版本"],
    contacts: ["Contacts", "触达数"],
    promised: ["Promised", "承诺还款"],
    rate_interval: ["Rate (95% interval)", "比率（95% 区间）"],
    difference: ["vs champion", "与冠军之差"],
    p_value: ["p-value", "p 值"],
    significant: ["Significant", "显著"],
    sample: ["Sample", "样本量"],
    champion: ["champion", "冠军"],
    yes: ["yes", "是"],
    no: ["no", "否"],
    points: [(value) => `${value} pp`, (value) => `${value} 个百分点`],
    needs_more: [(count) => `needs ${count} more per variant`, (count) => `每个版本还需 ${count} 个`],
    enough: ["enough to tell", "样本已足够"],
    no_difference: ["no difference to find", "无差异"],
    needed_each: [(count) => `${count} per variant are needed in all`, (count) => `每个版本共需 ${count} 个`],
    period: ["Period", "时段"],
  };

  const REASONS = {
    distress: ["Distress", "情绪危机"],
    legal: ["Legal", "法律事务"],
    complaint: ["Complaint", "投诉"],
    dispute: ["Dispute", "债务争议"],
    hardship: ["Hardship", "经济困难"],
    stop_contact: ["Stop contact", "要求停止联系"],
    negotiation_failed: ["Negotiation failed", "协商未果"],
    human_requested: ["Asked for a person", "要求人工"],
    ineligible: ["Outside policy", "不符合政策"],
    not_understood: ["Not understood", "未能理解"],
  };

  // The compliance engine's rules (bot/outreach/compliance.py), and the holds of on_hold:<hold>.
  const RULES = {
    recipient: ["Not the borrower", "收件人非借款人"],
    opted_out: ["Borrower opted out", "借款人已退订"],
    quiet_hours: ["Outside contact hours", "非联系时段"],
    borrower_daily_cap: ["Daily limit for the borrower", "借款人每日上限"],
    daily_cap: ["Daily limit for the loan", "贷款每日上限"],
    weekly_cap: ["Weekly limit for the loan", "贷款每周上限"],
    first_contact_disclosure: ["First contact without disclosure", "首次联系未披露身份"],
    on_hold: [(hold) => `Collection on hold (${hold})`, (hold) => `催收暂停（${hold}）`],
  };
  const HOLDS = {
    dispute: ["dispute", "争议"],
    legal: ["legal", "法律事务"],
    distress: ["distress", "情绪危机"],
    hardship: ["hardship", "经济困难"],
    handoff: ["with a person", "人工处理中"],
    deferral: ["deferral", "延期中"],
    promise: ["promise to pay", "承诺还款中"],
  };

  const state = {
    lang: "en",
    warnedNoCharts: false,
    seq: 0, // each refresh's number: answers to an older one are dropped
    query: null, // what the figures on the page are for
    report: null,
    variants: null,
    trend: null, // { unit, slices: [{ from, to, report }] }
    currency: null, // the trend's recovery currency
    charts: new Map(), // canvas id → Chart
  };

  const $ = (id) => document.getElementById(id);
  const { el, fill, translatePage } = window.AgentUi; // ../shared/ui.js
  const { showError, clearError } = Session;

  // --- small helpers ---------------------------------------------------------------------

  // A label in the chosen language; a template is called with the figures it names.
  function t(key, ...args) {
    return pick(TEXT[key], key, args);
  }

  function pick(pair, fallback, args = []) {
    if (!pair) return String(fallback);
    const value = pair[state.lang === "zh" ? 1 : 0];
    return typeof value === "function" ? value(...args) : value;
  }

  function reasonLabel(reason) {
    return pick(REASONS[reason], String(reason).replace(/_/g, " "));
  }

  function ruleLabel(rule) {
    const text = String(rule);
    if (text.startsWith("on_hold:")) {
      const hold = text.slice("on_hold:".length);
      return pick(RULES.on_hold, text, [pick(HOLDS[hold], hold.replace(/_/g, " "))]);
    }
    return pick(RULES[text], text.replace(/_/g, " "));
  }

  function groupLabel(group, groupBy) {
    if (group === "not contacted") return t("not_contacted");
    if (group === "all") return t("all");
    if (groupBy === "language" && TEXT[`lang_${group}`]) return t(`lang_${group}`);
    return String(group);
  }

  function isRate(value) {
    return typeof value === "number" && Number.isFinite(value);
  }

  // A rate (0..1, four decimals from the API) as a percentage with one decimal. Rounded once,
  // to whole tenths of a percent, so the figure never depends on a float's last bits.
  function percent(rate) {
    if (!isRate(rate)) return DASH;
    return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
  }

  // A difference of two rates in percentage points, signed.
  function points(difference) {
    if (!isRate(difference)) return DASH;
    const tenths = Math.round(difference * 1000);
    return t("points", `${tenths > 0 ? "+" : ""}${(tenths / 10).toFixed(1)}`);
  }

  function interval(pair) {
    if (!Array.isArray(pair) || pair.length !== 2) return DASH;
    return `${percent(pair[0])} – ${percent(pair[1])}`;
  }

  function minutes(seconds) {
    if (!isRate(seconds)) return DASH;
    return t("minutes", (Math.round(seconds / 6) / 10).toFixed(1));
  }

  // Money exactly as the API wrote it (a decimal string), after its currency code.
  function money(amount, currency) {
    if (amount === null || amount === undefined || amount === "") return DASH;
    return `${currency} ${amount}`;
  }

  function count(value) {
    return Number.isInteger(value) ? String(value) : DASH;
  }

  function total(counts) {
    return Object.values(counts || {}).reduce((sum, value) => sum + (Number.isInteger(value) ? value : 0), 0);
  }

  // --- dates: the API's whole UTC days -------------------------------------------------------

  function isoDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function dayMs(iso) {
    return Date.parse(`${iso}T00:00:00Z`);
  }

  function addDays(iso, days) {
    return isoDay(dayMs(iso) + days * DAY_MS);
  }

  function daysIn(from, to) {
    return Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1;
  }

  function defaultPeriod() {
    const to = isoDay(Date.now());
    return { from: addDays(to, -(DEFAULT_DAYS - 1)), to };
  }

  // The period cut into days, weeks or months (the last one may be shorter), for the trend.
  function slicesOf(from, to) {
    const days = daysIn(from, to);
    if (days <= DAILY_UP_TO) return { unit: "day", slices: stepSlices(from, to, 1) };
    if (days <= WEEKLY_UP_TO) return { unit: "week", slices: stepSlices(from, to, 7) };
    return { unit: "month", slices: monthSlices(from, to) };
  }

  function stepSlices(from, to, step) {
    const slices = [];
    for (let start = from; start <= to; start = addDays(start, step)) {
      const end = addDays(start, step - 1);
      slices.push({ from: start, to: end < to ? end : to });
    }
    return slices;
  }

  function monthSlices(from, to) {
    const slices = [];
    for (let start = from; start <= to;) {
      const date = new Date(dayMs(start));
      const monthEnd = isoDay(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0));
      const end = monthEnd < to ? monthEnd : to;
      slices.push({ from: start, to: end });
      start = addDays(end, 1);
    }
    return slices;
  }

  // --- the status line ---------------------------------------------------------------------

  function setStatus(message) {
    $("status").textContent = message || "";
  }

  // --- the API: requests with the session's token (../shared/session.js) --------------------

  async function getJson(path) {
    return (await session.request("GET", path)).json();
  }

  function kpiPath(query, format) {
    const params = new URLSearchParams({ from: query.from, to: query.to });
    if (query.groupBy) params.set("group_by", query.groupBy);
    if (format) params.set("format", format);
    return `/kpis?${params}`;
  }

  function variantsPath(query, format) {
    const params = new URLSearchParams({ from: query.from, to: query.to });
    if (format) params.set("format", format);
    return `/kpis/variants?${params}`;
  }

  // --- signing in and out: ../shared/session.js, told what is the dashboard's ---------------

  const session = Session.create({
    view: "dashboard",
    t,
    start: refresh,
    signedOut() {
      state.seq += 1; // whatever is on its way is no longer wanted
      forgetFigures();
    },
    // The server refused this role the KPIs: nothing of the figures stays, the status says nothing.
    refused() {
      state.seq += 1;
      forgetFigures();
      setStatus("");
    },
  });

  // --- loading ---------------------------------------------------------------------------

  function readControls() {
    return { from: $("from").value, to: $("to").value, groupBy: $("group-by").value };
  }

  async function refresh(event) {
    if (event) event.preventDefault();
    if (!session.token || session.noAccess) return;
    const query = readControls();
    const seq = ++state.seq;
    clearError();
    setStatus(t("loading"));
    $("refresh").disabled = true;
    try {
      const [report, variants] = await Promise.allSettled([getJson(kpiPath(query)), getJson(variantsPath(query))]);
      if (seq !== state.seq) return;
      if (!takeReport(report, query)) return;
      takeVariants(variants);
      renderFigures();
      await loadTrend(query, seq);
    } finally {
      if (seq === state.seq) $("refresh").disabled = false;
    }
  }

  // True when the report came: the figures on the page are then this query's.
  function takeReport(outcome, query) {
    if (outcome.status === "rejected") {
      failed(outcome.reason, t("could_not_load"));
      setStatus(state.query ? t("showing", state.query.from, state.query.to) : "");
      return false;
    }
    Object.assign(state, { report: outcome.value, query, trend: null });
    setStatus(t("showing", query.from, query.to));
    renderTrend();
    return true;
  }

  function takeVariants(outcome) {
    state.variants = outcome.status === "fulfilled" ? outcome.value : null;
    if (outcome.status === "rejected") failed(outcome.reason, t("could_not_load_variants"));
  }

  function failed(error, doing) {
    session.failed(error, doing);
  }

  // The trend: one report per slice of the period, a few at a time, drawn as they all arrive.
  async function loadTrend(query, seq) {
    const { unit, slices } = slicesOf(query.from, query.to);
    let done = 0;
    let missing = 0;
    await eachLimited(slices, AT_ONCE, async (slice) => {
      if (seq !== state.seq) return;
      try {
        slice.report = await getJson(kpiPath({ from: slice.from, to: slice.to }));
      } catch (error) {
        if (error.handled) return;
        missing += 1;
      }
      done += 1;
      if (seq === state.seq) setStatus(t("trend_loading", done, slices.length));
    });
    if (seq !== state.seq) return;
    state.trend = { unit, slices };
    setStatus(t("showing", query.from, query.to));
    if (missing) showError(t("trend_failed", missing));
    renderTrend();
  }

  async function eachLimited(items, limit, work) {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  }

  // Signed out, or refused: nothing of the figures stays on the page, even hidden.
  function forgetFigures() {
    Object.assign(state, { report: null, variants: null, trend: null, query: null });
    for (const chart of state.charts.values()) chart.destroy();
    state.charts.clear();
    for (const id of FIGURE_BOXES) $(id).replaceChildren();
    $("groups-section").hidden = true;
  }

  const FIGURE_BOXES = ["cards", "funnel-table", "handoffs-table", "held-back-table", "buckets-table", "groups-table",
    "variants-tables", "trend-recovery-table", "trend-containment-table", "trend-kept-table", "trend-note", "variants-note"];

  // --- CSV downloads ---------------------------------------------------------------------

  // A plain link cannot send the token: fetch with the header, then save the body as a file.
  async function downloadCsv(kind) {
    const query = readControls();
    const path = kind === "variants" ? variantsPath(query, "csv") : kpiPath(query, "csv");
    try {
      const response = await session.request("GET", path, undefined, "text/csv");
      const name = attachmentName(response) || `${kind === "variants" ? "variants" : "kpis"}-${query.from}-${query.to}.csv`;
      saveFile(await response.blob(), name);
    } catch (error) {
      failed(error, t("could_not_download"));
    }
  }

  function attachmentName(response) {
    const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return match ? match[1] : null;
  }

  function saveFile(blob, name) {
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000); // the download reads it after the click
  }

  // --- rendering: everything from the figures kept in `state` ------------------------------

  function renderFigures() {
    const report = state.report;
    if (!report) return;
    renderCards(report);
    renderFunnel(report);
    renderHandoffs(report);
    renderHeldBack(report);
    renderBuckets(report);
    renderGroups(report);
    renderVariants(state.variants);
    renderCurrencyChoice(report);
  }

  function renderAll() {
    renderStaticLabels();
    session.relabel();
    if (state.query) setStatus(t("showing", state.query.from, state.query.to));
    renderFigures();
    renderTrend();
  }

  // The labels written in the page itself (data-i18n, data-i18n-label: ../shared/ui.js).
  function renderStaticLabels() {
    translatePage(t, state.lang);
    document.title = t("page_title");
  }

  // --- tables ----------------------------------------------------------------------------

  // A cell is text, or { text, figure, className, title }; figure goes to data-figure, which is
  // how a test (or a scraper) finds a number without depending on the layout.
  function cell(tag, value) {
    const spec = value !== null && typeof value === "object" && !(value instanceof Node) ? value : { text: value };
    return el(tag, {
      className: spec.className, title: spec.title, colspan: spec.colspan, rowspan: spec.rowspan, scope: spec.scope,
      dataset: spec.figure ? { figure: spec.figure } : null,
    }, spec.node || String(spec.text ?? DASH));
  }

  // rows: each { cells, dataset } or a plain array of cells (the first a row header).
  function table(caption, headers, rows, className = "figures") {
    const headRows = Array.isArray(headers[0]) ? headers : [headers];
    return el("table", { className },
      caption ? el("caption", { text: caption }) : null,
      el("thead", {}, ...headRows.map((row) => el("tr", {}, ...row.map(headerCell)))),
      el("tbody", {}, ...rows.map(tableRow)));
  }

  function headerCell(value) {
    return cell("th", typeof value === "object" ? { scope: "col", ...value } : { text: value, scope: "col" });
  }

  function tableRow(row) {
    const { cells, dataset } = Array.isArray(row) ? { cells: row, dataset: null } : row;
    return el("tr", { dataset },
      cell("th", { scope: "row", ...(typeof cells[0] === "object" ? cells[0] : { text: cells[0] }) }),
      ...cells.slice(1).map((value) => cell("td", value)));
  }

  function nothingHere() {
    return el("p", { className: "hint", text: t("nothing") });
  }

  // --- the headline cards ----------------------------------------------------------------

  function renderCards(report) {
    const answer = report.first_answer_seconds || {};
    const promises = report.promises || {};
    const outreach = report.outreach || {};
    const reached = t("of_reached", count(report.borrowers_reached));
    fill($("cards"),
      ...recoveryCards(report.currencies || {}),
      card(t("containment_rate"), figures([percent(report.containment_rate), "containment_rate"]),
        t("contained_of", count(report.contained), count(report.conversations))),
      card(t("promises_kept"),
        figures([count(promises.made), "promises.made"], [percent(promises.kept_rate), "promises.kept_rate"]),
        t("promises_detail", count(promises.kept), count(promises.broken), count(promises.active))),
      card(t("complaint_rate"), figures([percent(report.complaint_rate), "complaint_rate"]), reached),
      card(t("opt_out_rate"), figures([percent(report.opt_out_rate), "opt_out_rate"]), reached),
      card(t("handoffs"), figures([count(report.handoffs_total), "handoffs_total"]),
        t("handoffs_detail", count(report.conversations))),
      card(t("first_answer"),
        figures([minutes(answer.median), "first_answer.median"], [minutes(answer.p90), "first_answer.p90"]),
        t("first_answer_detail", count(answer.answered), count(answer.unanswered))),
      card(t("outreach"),
        figures([count(outreach.sent), "outreach.sent"], [count(outreach.suppressed_total), "outreach.suppressed_total"]),
        t("outreach_detail", count(outreach.suppressed_total))),
    );
  }

  // A card's value: one figure, or two side by side ("2 / 50.0%"), each with its data-figure.
  function figures(...pairs) {
    return pairs.flatMap(([text, name], i) => (i ? [" / ", figure(text, name)] : [figure(text, name)]));
  }

  // One card per currency: amounts in different currencies are never added together.
  function recoveryCards(currencies) {
    const codes = Object.keys(currencies);
    if (!codes.length) return [card(t("recovery_rate"), figures([DASH, "recovery_rate"]), t("nothing_overdue"))];
    return codes.map((code) => card(`${t("recovery_rate")} · ${code}`,
      figures([percent(currencies[code].recovery_rate), `recovery_rate.${code}`]),
      withFigures("recovered_of", figure(money(currencies[code].recovered, code), `recovered.${code}`),
        figure(money(currencies[code].overdue_at_start, code), `overdue_at_start.${code}`)),
      "recovery"));
  }

  // A template whose figures are nodes (each keeps its data-figure), in the order the
  // language puts them: the Chinese sentence names the overdue amount first.
  function withFigures(key, ...nodes) {
    const marks = nodes.map((_, i) => `\u0001${i}\u0002`);
    return t(key, ...marks).split(/(\u0001\d+\u0002)/).filter((part) => part !== "").map((part) => {
      const found = /^\u0001(\d+)\u0002$/.exec(part);
      return found ? nodes[Number(found[1])] : part;
    });
  }

  function figure(text, name) {
    return el("span", { className: "figure", dataset: { figure: name }, text });
  }

  function card(title, value, detail, className) {
    return el("article", { className: `card ${className || ""}`.trim() },
      el("h3", { className: "card-title", text: title }),
      el("p", { className: "card-value" }, ...value),
      el("p", { className: "card-detail" }, ...(Array.isArray(detail) ? detail : [detail])));
  }

  // --- charts ----------------------------------------------------------------------------

  // The chart's colours are the style sheet's (--chart-1 …), so the page has one palette.
  function colour(n) {
    return getComputedStyle(document.documentElement).getPropertyValue(`--chart-${n}`).trim() || "#1f5fbf";
  }

  function chartsAvailable() {
    if (typeof window.Chart === "function") return true;
    if (!state.warnedNoCharts) showError(t("no_charts"));
    state.warnedNoCharts = true;
    return false;
  }

  // A new chart on the canvas, replacing the one drawn there before; its table says the same
  // in words, so the canvas is an image with a name for assistive technology.
  function draw(id, config, name) {
    undraw(id);
    const canvas = $(id);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", name);
    if (!chartsAvailable()) return;
    state.charts.set(id, new window.Chart(canvas, config));
  }

  function undraw(id) {
    const old = state.charts.get(id);
    if (old) old.destroy();
    state.charts.delete(id);
  }

  function baseOptions(extra) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false, // figures, not a show; and a test reads the page at once
      plugins: { legend: { display: false } },
      ...extra,
    };
  }

  function percentAxis() {
    return { beginAtZero: true, suggestedMax: 100, ticks: { callback: (value) => `${value}%` } };
  }

  // Chart.js draws rates as 0..100; a missing rate stays a gap, never a 0.
  function asPoints(rate) {
    return isRate(rate) ? Math.round(rate * 1000) / 10 : null;
  }

  function percentTooltip() {
    return { callbacks: { label: (item) => `${item.dataset.label}: ${item.raw === null ? DASH : `${item.raw.toFixed(1)}%`}` } };
  }

  // Chart.js has no error bars: this draws each bar's interval (dataset.intervals) as a whisker.
  const intervalWhiskers = {
    id: "intervalWhiskers",
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const scale = chart.scales.y;
      chart.data.datasets.forEach((dataset, index) => {
        const meta = chart.getDatasetMeta(index);
        if (!dataset.intervals || meta.hidden) return;
        meta.data.forEach((bar, i) => {
          const range = dataset.intervals[i];
          if (!range) return;
          const [low, high] = range.map((share) => scale.getPixelForValue(share * 100));
          whisker(ctx, bar.x, low, high, bar.width / 4);
        });
      });
    },
  };

  function whisker(ctx, x, low, high, half) {
    ctx.save();
    ctx.strokeStyle = colour("ink");
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x, low);
    ctx.lineTo(x, high);
    ctx.moveTo(x - half, low);
    ctx.lineTo(x + half, low);
    ctx.moveTo(x - half, high);
    ctx.lineTo(x + half, high);
    ctx.stroke();
    ctx.restore();
  }

  // --- the funnel, handoffs, held back, buckets ------------------------------------------

  // [name, count] by count, the largest first (then by name, so the order is stable).
  function mostFirst(counts) {
    return Object.entries(counts || {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  function funnelSteps(report) {
    return [
      ["contacted", (report.outreach || {}).sent],
      ["replied", report.conversations],
      ["arrangement", total(report.arrangements)],
      ["kept", (report.promises || {}).kept],
    ];
  }

  function renderFunnel(report) {
    const steps = funnelSteps(report);
    draw("funnel-chart", {
      type: "bar",
      data: {
        labels: steps.map(([key]) => t(key)),
        datasets: [{ label: t("count"), data: steps.map(([, value]) => value ?? 0), backgroundColor: [1, 2, 3, 4].map(colour) }],
      },
      options: baseOptions({ indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }),
    }, t("funnel"));
    fill($("funnel-table"), table(null, [t("step"), t("count")],
      steps.map(([key, value]) => [t(key), { text: count(value), figure: `funnel.${key}` }])));
  }

  function renderHandoffs(report) {
    const reasons = mostFirst(report.handoffs);
    const all = report.handoffs_total || 0;
    draw("handoffs-chart", {
      type: "doughnut",
      data: {
        labels: reasons.map(([reason]) => reasonLabel(reason)),
        datasets: [{
          label: t("handoffs"), data: reasons.map(([, n]) => n),
          backgroundColor: reasons.map((_, i) => colour((i % 8) + 1)),
        }],
      },
      options: baseOptions({ plugins: { legend: { display: true, position: "right" } } }),
    }, t("handoff_reasons"));
    fill($("handoffs-table"), reasons.length
      ? table(null, [t("reason"), t("count"), t("share")], reasons.map(([reason, n]) => ({
        dataset: { reason },
        cells: [reasonLabel(reason), { text: count(n), figure: `handoffs.${reason}` }, percent(all ? n / all : null)],
      })))
      : nothingHere());
  }

  function renderHeldBack(report) {
    const rules = mostFirst((report.outreach || {}).suppressed);
    fill($("held-back-table"), rules.length
      ? table(null, [t("rule"), t("count")], rules.map(([rule, n]) => ({
        dataset: { rule },
        cells: [ruleLabel(rule), { text: count(n), figure: `suppressed.${rule}` }],
      })))
      : nothingHere());
  }

  function renderBuckets(report) {
    const buckets = report.buckets || {};
    const rows = BUCKETS.map((name) => [name, buckets[name] || {}]);
    draw("buckets-chart", {
      type: "bar",
      data: {
        labels: BUCKETS,
        datasets: [
          { label: t("cure_rate"), data: rows.map(([, b]) => asPoints(b.cure_rate)), backgroundColor: colour("good") },
          { label: t("roll_rate"), data: rows.map(([, b]) => asPoints(b.roll_rate)), backgroundColor: colour("bad") },
        ],
      },
      options: baseOptions({ plugins: { legend: { display: true }, tooltip: percentTooltip() }, scales: { y: percentAxis() } }),
    }, t("buckets"));
    fill($("buckets-table"), table(null, [t("bucket"), t("loans"), t("cured"), t("cure_rate"), t("rolled"), t("roll_rate")],
      rows.map(([name, b]) => ({ dataset: { bucket: name }, cells: bucketCells(name, b) }))));
  }

  function bucketCells(name, b) {
    const f = (key) => `buckets.${name}.${key}`;
    return [name, { text: count(b.loans), figure: f("loans") }, { text: count(b.cured), figure: f("cured") },
      { text: percent(b.cure_rate), figure: f("cure_rate") }, { text: count(b.rolled), figure: f("rolled") },
      { text: percent(b.roll_rate), figure: f("roll_rate") }];
  }

  // --- the groups ------------------------------------------------------------------------

  function renderGroups(report) {
    $("groups-section").hidden = !report.group_by;
    if (!report.group_by) {
      $("groups-table").replaceChildren();
      return;
    }
    const groups = report.groups || [];
    const codes = [...new Set(groups.flatMap((group) => Object.keys(group.currencies || {})))].sort();
    const headers = [t("group"), ...codes.map((code) => t("recovery_rate_in", code)), t("conversations"), t("containment_rate"),
      t("handoffs"), t("promises_made"), t("kept_rate"), t("complaint_rate"), t("opt_out_rate"), t("outreach_sent")];
    fill($("groups-table"), table(`${t("by_group")}: ${t(`group_${report.group_by}`)}`, headers,
      groups.map((group) => ({ dataset: { group: group.group }, cells: groupCells(group, codes, report.group_by) }))));
  }

  function groupCells(group, codes, groupBy) {
    const promises = group.promises || {};
    return [
      groupLabel(group.group, groupBy),
      ...codes.map((code) => ({ text: percent((group.currencies[code] || {}).recovery_rate), figure: `recovery_rate.${code}` })),
      { text: count(group.conversations), figure: "conversations" },
      { text: percent(group.containment_rate), figure: "containment_rate" },
      { text: count(group.handoffs_total), figure: "handoffs_total" },
      { text: count(promises.made), figure: "promises.made" },
      { text: percent(promises.kept_rate), figure: "promises.kept_rate" },
      { text: percent(group.complaint_rate), figure: "complaint_rate" },
      { text: percent(group.opt_out_rate), figure: "opt_out_rate" },
      { text: count((group.outreach || {}).sent), figure: "outreach.sent" },
    ];
  }

  // --- the variants ----------------------------------------------------------------------

  function byStage(variants) {
    const stages = new Map();
    for (const one of variants) {
      if (!stages.has(one.stage)) stages.set(one.stage, []);
      stages.get(one.stage).push(one);
    }
    return stages;
  }

  function renderVariants(body) {
    const list = body && Array.isArray(body.variants) ? body.variants : [];
    $("variants-note").textContent = t("variants_note", body ? body.window_days : 7);
    drawVariants(list);
    fill($("variants-tables"), list.length
      ? [...byStage(list)].map(([stage, rows]) => variantTable(stage, rows))
      : el("p", { className: "hint", text: body ? t("no_variants") : t("nothing") }));
  }

  function drawVariants(list) {
    const outcome = (key, n) => ({
      label: t(key), backgroundColor: colour(n),
      data: list.map((one) => asPoints(one[key].rate)),
      intervals: list.map((one) => one[key].interval),
    });
    draw("variants-chart", {
      type: "bar",
      data: {
        labels: list.map((one) => `${one.stage} · ${one.variant}`),
        datasets: [outcome("recovered", 1), outcome("promised", 3)],
      },
      options: baseOptions({
        plugins: { legend: { display: true }, tooltip: percentTooltip() },
        scales: { y: { ...percentAxis(), max: 100 } },
      }),
      plugins: [intervalWhiskers],
    }, t("variants"));
  }

  function variantTable(stage, rows) {
    const outcomes = ["recovered", "promised"];
    const top = [{ text: t("variant"), rowspan: 2 }, { text: t("contacts"), rowspan: 2 },
      ...outcomes.map((key) => ({ text: t(key), colspan: 5, scope: "colgroup" }))];
    const sub = outcomes.flatMap(() => [t("rate_interval"), t("difference"), t("p_value"), t("significant"), t("sample")]);
    return el("div", { className: "table-wrap", dataset: { stage } },
      table(t("stage", stage), [top, sub], rows.map((one) => ({
        dataset: { stage: one.stage, variant: one.variant },
        cells: [one.variant, { text: count(one.contacts), figure: "contacts" },
          ...outcomes.flatMap((key) => outcomeCells(key, one[key]))],
      })), "figures variants"));
  }

  function outcomeCells(key, outcome) {
    const versus = outcome.versus_champion;
    const f = (name) => `${key}.${name}`;
    const rate = `${percent(outcome.rate)} (${interval(outcome.interval)})`;
    if (!versus) {
      return [{ text: rate, figure: f("rate") }, { text: t("champion"), figure: f("difference") },
        { text: DASH, figure: f("p_value") }, { text: DASH, figure: f("significant") }, { text: DASH, figure: f("more_needed") }];
    }
    return [
      { text: rate, figure: f("rate") },
      { text: points(versus.difference), figure: f("difference") },
      { text: isRate(versus.p_value) ? versus.p_value.toFixed(4) : DASH, figure: f("p_value") },
      { text: versus.significant ? t("yes") : t("no"), figure: f("significant"),
        className: versus.significant ? "significant" : null },
      { text: sampleText(versus), figure: f("more_needed"), className: "sample",
        title: Number.isInteger(versus.needed_per_variant) ? t("needed_each", versus.needed_per_variant) : null },
    ];
  }

  function sampleText(versus) {
    if (!Number.isInteger(versus.needed_per_variant)) return t("no_difference");
    return versus.more_needed > 0 ? t("needs_more", versus.more_needed) : t("enough");
  }

  // --- the trend -------------------------------------------------------------------------

  function renderCurrencyChoice(report) {
    const select = $("trend-currency");
    const codes = Object.keys(report.currencies || {});
    if (!codes.includes(state.currency)) state.currency = codes[0] || null;
    select.replaceChildren(...codes.map((code) => el("option", { value: code, text: code })));
    select.disabled = codes.length < 2;
    if (state.currency) select.value = state.currency;
  }

  // The three lines: [element id, name, the rate in one slice's report, colour, data-figure].
  function trendSeries() {
    const code = state.currency;
    return [
      ["trend-recovery", code ? t("recovery_rate_in", code) : t("recovery_rate"),
        (r) => ((r.currencies || {})[code] || {}).recovery_rate, 1, "recovery_rate"],
      ["trend-containment", t("containment_rate"), (r) => r.containment_rate, 2, "containment_rate"],
      ["trend-kept", t("kept_rate"), (r) => (r.promises || {}).kept_rate, 3, "kept_rate"],
    ];
  }

  function renderTrend() {
    const trend = state.trend;
    const series = trendSeries();
    $("trend-recovery-title").textContent = series[0][1];
    if (!trend) return clearTrend(series);
    $("trend-note").textContent = t("trend_by", t(`unit_${trend.unit}`), trend.slices.length);
    const labels = trend.slices.map(sliceLabel);
    for (const [id, name, value, n, key] of series) {
      const rates = trend.slices.map((slice) => (slice.report ? value(slice.report) : null));
      drawTrend(`${id}-chart`, name, labels, rates, colour(n));
      fill($(`${id}-table`), trendTable(trend.slices, rates, name, key));
    }
  }

  // While a new period's slices are on their way, the old period's lines are not shown.
  function clearTrend(series) {
    $("trend-note").textContent = state.query ? t("loading") : "";
    for (const [id] of series) {
      undraw(`${id}-chart`);
      $(`${id}-table`).replaceChildren();
    }
  }

  function sliceLabel(slice) {
    const short = (iso) => iso.slice(5);
    return slice.from === slice.to ? short(slice.from) : `${short(slice.from)}–${short(slice.to)}`;
  }

  // Straight lines between the slices: a curve would show rates no slice had (below 0%, say).
  function drawTrend(id, name, labels, rates, color) {
    draw(id, {
      type: "line",
      data: {
        labels,
        datasets: [{ label: name, data: rates.map(asPoints), borderColor: color, backgroundColor: color, tension: 0 }],
      },
      options: baseOptions({ plugins: { legend: { display: false }, tooltip: percentTooltip() }, scales: { y: percentAxis() } }),
    }, name);
  }

  function trendTable(slices, rates, name, key) {
    return table(null, [t("period"), name], slices.map((slice, i) => ({
      dataset: { slice: slice.from },
      cells: [`${slice.from} – ${slice.to}`, { text: slice.report ? percent(rates[i]) : DASH, figure: key }],
    })), "figures compact");
  }

  // --- the language ----------------------------------------------------------------------

  function setLanguage(lang) {
    state.lang = lang;
    renderAll();
  }

  // --- start -----------------------------------------------------------------------------

  function init() {
    const period = defaultPeriod();
    $("from").value = period.from;
    $("to").value = period.to;
    $("controls").addEventListener("submit", refresh);
    $("csv-report").addEventListener("click", () => downloadCsv("report"));
    $("csv-variants").addEventListener("click", () => downloadCsv("variants"));
    $("trend-currency").addEventListener("change", (event) => { state.currency = event.target.value; renderTrend(); });
    Session.onLanguageSwitch(LANG_KEY, setLanguage);
    if (typeof window.Chart === "function") {
      window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      window.Chart.defaults.color = colour("muted");
    }
    state.lang = Session.storedLanguage(LANG_KEY);
    renderStaticLabels();
    session.begin();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
