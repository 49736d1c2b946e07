// What the dashboard and the trainers' page share beyond ui.js: signing in and out, the token,
// username and role kept in sessionStorage (the console's keys: one sign-in for every page in
// a tab), the API's request helper with its 401 and 403 handling, the banner, the view of a
// role without access, and the English-Chinese switch. Loaded after ui.js and before the
// page's own script, which calls window.AgentSession.create() with what differs: the view to
// show once signed in, its texts (TEXT below plus its own), and what to do on the way.
//
// Every text reaches the page through textContent, never as HTML, under the pages' strict
// Content-Security-Policy. The server decides who sees what: a 403 naming the missing
// permission shows the page's "needs the … role" view, a 401 signs out.
"use strict";

window.AgentSession = (() => {
  const API = "/api/v1/agent";
  const TOKEN_KEY = "agentConsole.token"; // the console's keys: one sign-in for every page
  const USER_KEY = "agentConsole.username";
  const ROLE_KEY = "agentConsole.role";

  // The labels of signing in, the top bar and the no-access view, the same on every page:
  // [English, 中文]; a function takes the values it names. Each page adds its own.
  const TEXT = Object.freeze({
    labels_language: ["Language of the labels", "界面语言"],
    console: ["Agent console", "坐席工作台"],
    signed_in_as: ["Signed in as", "已登录："],
    sign_out: ["Sign out", "退出登录"],
    signed_out: ["You have signed out.", "您已退出登录。"],
    dismiss: ["Dismiss message", "关闭提示"],
    sign_in: ["Sign in", "登录"],
    username: ["Username", "用户名"],
    password: ["Password", "密码"],
    enter_credentials: ["Enter your username and password.", "请输入用户名和密码。"],
    wrong_credentials: ["The username or password is wrong.", "用户名或密码错误。"],
    could_not_sign_in: ["Could not sign in", "无法登录"],
    session_ended: ["Your session has ended. Please sign in again.", "登录已过期，请重新登录。"],
    your_role: ["your role", "您的角色"],
    the_role: [(name) => `the ${name.toLowerCase()} role`, (name) => `${name}角色`],
    back_to_console: ["Back to the agent console", "返回坐席工作台"],
    role_agent: ["Agent", "坐席"],
    role_trainer: ["Trainer", "训练师"],
    role_supervisor: ["Supervisor", "主管"],
    unreachable: ["The server cannot be reached. Check the network and refresh.",
      "无法连接服务器，请检查网络后刷新。"],
    server_answered: [(status) => `the server answered ${status}`, (status) => `服务器返回 ${status}`],
  });

  const $ = (id) => document.getElementById(id);

  class ApiFailure extends Error {
    // handled: request() has acted on it already (signed out, or said the role has no access).
    constructor(status, message, body = {}, handled = false) {
      super(message);
      this.status = status;
      this.body = body;
      this.handled = handled;
    }
  }

  // --- the banner: one message at a time, dismissed by its button -------------------------

  function showError(message) {
    $("banner-text").textContent = message;
    $("banner").hidden = false;
  }

  function clearError() {
    $("banner").hidden = true;
    $("banner-text").textContent = "";
  }

  // --- the language: "en" | "zh", kept per page under `key` ------------------------------

  function storedLanguage(key) {
    return sessionStorage.getItem(key) === "zh" ? "zh" : "en";
  }

  // The switch's buttons (button[data-lang]) keep the choice and hand it to `apply`.
  function onLanguageSwitch(key, apply) {
    for (const button of document.querySelectorAll("button[data-lang]")) {
      button.addEventListener("click", () => {
        const lang = button.dataset.lang === "zh" ? "zh" : "en";
        sessionStorage.setItem(key, lang);
        apply(lang);
      });
    }
  }

  // A page's session. `options`:
  //   view: the name of the page's main view (its element is #<view>-view);
  //   t(key, ...args): the page's labels, in its language (TEXT above among them);
  //   start(): load the page once signed in (the session shows the view first);
  //   signedOut(): forget what the page showed (before the sign-in form shows again);
  //   refused(): the same when the server refused the role (before the no-access view shows);
  //   renderWho(role): anything more the top bar shows for the role (optional).
  function create(options) {
    const { view, t } = options;
    const state = { token: null, username: null, role: null, noAccess: false, noAccessWhy: "" };

    function describe(error, doing) {
      if (error instanceof ApiFailure && error.status === 0) return t("unreachable");
      return `${doing}: ${error.message}`;
    }

    // An error for the banner, unless request() has acted on it already.
    function failed(error, doing) {
      if (!error.handled) showError(describe(error, doing));
    }

    // The response, once it is a success; a 401 signs out, a 403 naming a permission says so.
    async function request(method, path, body, accept = "application/json") {
      const headers = { Accept: accept };
      if (state.token) headers.Authorization = `Bearer ${state.token}`;
      if (body !== undefined) headers["Content-Type"] = "application/json";
      let response;
      try {
        response = await fetch(API + path, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body),
          cache: "no-store", credentials: "omit",
        });
      } catch (error) {
        throw new ApiFailure(0, t("unreachable"));
      }
      if (response.ok) return response;
      const details = await errorBody(response);
      const message = typeof details.error === "string" ? details.error : t("server_answered", response.status);
      if (response.status === 401 && path !== "/login") {
        signOut(t("session_ended"));
        throw new ApiFailure(401, message, details, true);
      }
      const roleRefused = response.status === 403 && typeof details.missing === "string";
      if (roleRefused) showNoAccess(message);
      throw new ApiFailure(response.status, message, details, roleRefused);
    }

    async function errorBody(response) {
      try {
        const data = await response.json();
        return data && typeof data === "object" ? data : {};
      } catch (error) {
        return {};
      }
    }

    // --- the views ---------------------------------------------------------------------

    function showView(name) {
      $("login-view").hidden = name !== "login";
      $("no-access-view").hidden = name !== "no-access";
      $(`${view}-view`).hidden = name !== view;
      $("session-bar").hidden = name === "login";
    }

    function showLogin(message) {
      showView("login");
      const error = $("login-error");
      error.textContent = message || "";
      error.hidden = !message;
      $("login-password").value = "";
      $("login-username").focus();
    }

    function loginError(message) {
      $("login-error").textContent = message;
      $("login-error").hidden = false;
    }

    // --- signing in and out --------------------------------------------------------------

    async function onLogin(event) {
      event.preventDefault();
      const username = $("login-username").value.trim();
      const password = $("login-password").value;
      if (!username || !password) return loginError(t("enter_credentials"));
      $("login-submit").disabled = true;
      try {
        const data = await (await request("POST", "/login", { username, password })).json();
        remember(data.token, username, typeof data.role === "string" ? data.role : null);
        $("login-password").value = "";
        start();
      } catch (error) {
        loginError(error.status === 401 ? t("wrong_credentials") : describe(error, t("could_not_sign_in")));
      } finally {
        $("login-submit").disabled = false;
      }
    }

    function remember(token, username, role) {
      Object.assign(state, { token, username, role });
      sessionStorage.setItem(TOKEN_KEY, token);
      sessionStorage.setItem(USER_KEY, username);
      sessionStorage.setItem(ROLE_KEY, role || "");
    }

    // Signing out here signs out of the console in this tab too: they share the token.
    function signOut(message) {
      for (const key of [TOKEN_KEY, USER_KEY, ROLE_KEY]) sessionStorage.removeItem(key);
      Object.assign(state, { token: null, username: null, role: null, noAccess: false });
      options.signedOut();
      clearError();
      showLogin(message);
    }

    function roleLabel(role) {
      return TEXT[`role_${role}`] ? t(`role_${role}`) : String(role || "");
    }

    // The server refused this role: say so plainly, once; signing out stays possible.
    function showNoAccess(why) {
      if (state.noAccess) return;
      Object.assign(state, { noAccess: true, noAccessWhy: why });
      options.refused();
      clearError();
      renderNoAccess();
      showView("no-access");
    }

    function renderNoAccess() {
      const role = state.role ? t("the_role", roleLabel(state.role)) : t("your_role");
      $("no-access-text").textContent = t("no_access_text", role, state.noAccessWhy || "");
    }

    function renderWho() {
      $("whoami").textContent = state.username || "";
      $("whorole").textContent = roleLabel(state.role);
      $("whorole").hidden = !state.role;
      if (options.renderWho) options.renderWho(state.role);
    }

    // The top bar and the no-access view again, in the language chosen now.
    function relabel() {
      renderWho();
      if (state.noAccess) renderNoAccess();
    }

    function start() {
      state.noAccess = false;
      renderWho();
      showView(view);
      return options.start();
    }

    // The sign-in form, the sign-out button and the banner's; then the page, if this tab is
    // signed in already (here or in the console), or the sign-in form.
    function begin() {
      $("login-form").addEventListener("submit", onLogin);
      $("logout").addEventListener("click", () => signOut(t("signed_out")));
      $("banner-close").addEventListener("click", clearError);
      state.token = sessionStorage.getItem(TOKEN_KEY);
      state.username = sessionStorage.getItem(USER_KEY);
      state.role = sessionStorage.getItem(ROLE_KEY) || null;
      if (state.token && state.username) start();
      else showLogin();
    }

    return Object.freeze({
      get token() { return state.token; },
      get username() { return state.username; },
      get role() { return state.role; },
      get noAccess() { return state.noAccess; },
      request, failed, describe, relabel, begin,
    });
  }

  return Object.freeze({ TEXT, ApiFailure, create, showError, clearError, storedLanguage, onLanguageSwitch });
})();
