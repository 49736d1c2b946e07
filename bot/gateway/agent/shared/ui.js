// What the agents' pages share (console, dashboard, training): building the DOM without ever
// parsing HTML, and the labels of a bilingual page. Loaded before each page's own script, which
// takes what it needs from window.AgentUi.
"use strict";

window.AgentUi = (() => {
  // createElement with properties; strings among the children become text nodes.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "text") node.textContent = String(value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // replaceChildren without the null / false that conditional children leave behind.
  function fill(node, ...children) {
    node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  }

  // A label of a [English, 中文] pair in `lang` ("en" | "zh"); a template is called with `args`.
  function pick(pair, lang, fallback, args = []) {
    if (!pair) return String(fallback);
    const value = pair[lang === "zh" ? 1 : 0];
    return typeof value === "function" ? value(...args) : value;
  }

  // The labels written in the page itself, in `lang`: data-i18n names a node's text,
  // data-i18n-label its aria-label, data-i18n-title its tooltip; `t` gives a label by name.
  function translatePage(t, lang) {
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
    document.documentElement.dataset.lang = lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", t(node.dataset.i18nLabel));
    for (const node of document.querySelectorAll("[data-i18n-title]")) node.setAttribute("title", t(node.dataset.i18nTitle));
    for (const button of document.querySelectorAll("button[data-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
    }
  }

  return Object.freeze({ el, fill, pick, translatePage });
})();
