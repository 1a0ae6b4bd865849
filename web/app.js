// Flow: the search page's behaviour (README.md, "The web page"; the API it
// asks is docs/HTTP.md's). On load it fills the language menu from
// /api/languages, picks the language (the URL's lang, else the first of
// the browser's languages the server has, a regional tag falling back to
// its language, else en) and searches the URL's q. Each
// keystroke restarts a short timer; when it fires, /api/search is asked (the
// request before it aborted, its answer dropped by sequence number) and the
// URL follows: the first change after a settled query pushes a history entry,
// later keystrokes replace it, and it settles once typing pauses (or on Enter,
// a hint, a language, a copy), so the back button steps through queries.
// Answers are rendered with createElement and textContent only: nothing the
// server or the URL says is ever parsed as HTML. A click (or Enter) on a
// result copies its character and says so in a live region.
"use strict";

(() => {
  // Asking only once typing pauses this long: "cat face" typed a key every
  // 40 ms is one request, not eight (the browser test moves the page's clock:
  // none at 149 ms after the last key, one at 150), and the answer still
  // comes as one types (the issue's ~150 ms).
  const typing_pause_ms = 150;
  // A query left alone this long counts as read: the next change gets a new
  // history entry (the back button returns here). Several typing pauses
  // long, so that a word typed slowly is still one entry.
  const settle_ms = 1000;
  // Results asked for at once, and by each "Show more": the API's default.
  const page_size = 100;

  const byId = (id) => document.getElementById(id);
  const form = byId("search");
  const input = byId("q");
  const languageMenu = byId("lang");
  const countText = byId("count");
  const forText = byId("for");
  const queryText = byId("query");
  const errorText = byId("error");
  const hints = byId("hints");
  const hintList = byId("hint-list");
  const nothing = byId("nothing");
  const resultList = byId("results");
  const moreButton = byId("more");
  const status = byId("status");
  const apiLink = byId("api-link");

  let defaultLanguage = "en";  // from the browser's languages, once known
  let languageTags = ["en"];   // the server's, as it writes them
  let typingTimer = 0;
  let settleTimer = 0;
  let entrySettled = true;     // the current history entry is a read query
  let inFlight = null;         // the AbortController of the request out
  let sequence = 0;            // numbers requests; an older answer is dropped
  // What the page shows: the query and language it answers, and how many.
  const shown = { q: null, lang: null, found: 0, count: 0 };

  // --- Languages -------------------------------------------------------------
  // "pt_BR", "pt-br" and "PT-BR" are the same tag.
  const sameTag = (tag) => tag.toLowerCase().replace(/_/g, "-");

  // The server's tag for `wanted` (BCP 47 or CLDR), dropping subtags from
  // the end until the server has it (zh-Hant-TW, zh-Hant, zh; pt-BR, pt);
  // null when it has none of them.
  function serverTag(wanted) {
    const subtags = wanted ? sameTag(wanted).split("-") : [];
    for (let n = subtags.length; n > 0; --n) {
      const want = subtags.slice(0, n).join("-");
      const found = languageTags.find((t) => sameTag(t) === want);
      if (found) return found;
    }
    return null;
  }

  function browserLanguage() {
    const wanted = navigator.languages?.length ? navigator.languages : [navigator.language];
    for (const tag of wanted) {
      const found = serverTag(tag);
      if (found) return found;
    }
    return serverTag("en") ?? languageTags[0] ?? "en";
  }

  async function loadLanguages() {
    try {
      const response = await fetch("/api/languages", { headers: { Accept: "application/json" } });
      const list = response.ok ? await response.json() : [];
      if (!Array.isArray(list) || list.length === 0) return;
      languageMenu.replaceChildren(...list.map(({ tag, name }) => {
        const option = document.createElement("option");
        option.value = tag;
        option.textContent = `${name} (${tag})`;
        option.lang = sameTag(tag);
        return option;
      }));
      languageTags = list.map(({ tag }) => tag);
    } catch {
      // No menu but English: the search still works.
    }
  }

  // --- The URL ---------------------------------------------------------------
  function fromUrl() {
    const params = new URLSearchParams(location.search);
    return { q: params.get("q") ?? "", lang: serverTag(params.get("lang")) ?? defaultLanguage };
  }

  // "/?q=cat+face&lang=de": lang only when it is not the browser's own.
  function pageUrl(q, lang) {
    const params = new URLSearchParams();
    if (q.trim() !== "") params.set("q", q);
    if (lang !== defaultLanguage) params.set("lang", lang);
    const query = params.toString();
    return query ? `/?${query}` : "/";
  }

  function followUrl(q, lang) {
    const url = pageUrl(q, lang);
    if (url !== location.pathname + location.search) {
      if (entrySettled) history.pushState(null, "", url);
      else history.replaceState(null, "", url);
      entrySettled = false;
    }
    clearTimeout(settleTimer);
    settleTimer = setTimeout(settle, settle_ms);
  }

  function settle() {
    clearTimeout(settleTimer);
    entrySettled = true;
  }

  // --- Searching -------------------------------------------------------------
  function apiUrl(q, lang, offset) {
    // Relevance order: the best matches on the first page (docs/PROTOCOL.md, "Relevance").
    const params = new URLSearchParams({ q, lang, limit: String(page_size), sort: "relevance" });
    if (offset > 0) params.set("offset", String(offset));
    return `/api/search?${params}`;
  }

  // Asks the server; resolves to its answer, or to null when a newer request
  // replaced this one. A 400 resolves to {error}.
  async function ask(url) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const mine = ++sequence;
    resultList.setAttribute("aria-busy", "true");
    let answer;
    try {
      const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      answer = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
      if (!response.ok && typeof answer?.error !== "string") answer = { error: `the server answered ${response.status}` };
    } catch (failure) {
      if (controller.signal.aborted) return null;
      answer = { error: `the server could not be reached (${failure.message})` };
    }
    if (mine !== sequence) return null;
    inFlight = null;
    resultList.setAttribute("aria-busy", "false");
    return answer;
  }

  async function search(q, lang) {
    clearTimeout(typingTimer);
    document.title = q.trim() ? `${q} – mojifinder` : "mojifinder";
    const api = apiUrl(q, lang, 0);
    apiLink.href = api;
    apiLink.textContent = api;
    if (q.trim() === "") {
      inFlight?.abort();
      ++sequence;
      resultList.setAttribute("aria-busy", "false");
      show(q, lang, null);
      return;
    }
    const answer = await ask(api);
    if (answer) show(q, lang, answer);
  }

  async function showMore() {
    const { q, lang } = shown;
    const answer = await ask(apiUrl(q, lang, shown.count));
    if (!answer || answer.error) {
      if (answer) showError(answer.error);
      return;
    }
    const first = resultList.children.length;
    appendResults(answer.results, lang);
    shown.count += answer.results.length;
    showCount();
    // The button goes away with the last page: focus the first new result.
    if (moreButton.hidden) resultList.children[first]?.querySelector("button")?.focus();
  }

  // --- Rendering -------------------------------------------------------------
  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // What stands for the character: a combining mark on a dotted circle
  // (alone it would sit on nothing), spaces and controls in a dashed box
  // (the "blank" class), the rest as it is. The copy is always result.char.
  function shownGlyph(result) {
    return /^M/.test(result.gc ?? "") && !result.cp.includes(" ") ? `\u25CC${result.char}` : result.char;
  }

  function resultItem(result, lang) {
    const button = element("button", "result");
    button.type = "button";
    button.dataset.char = result.char;
    const glyph = element("span", "glyph", shownGlyph(result));
    if (/^[ZC]/.test(result.gc ?? "")) glyph.classList.add("blank");
    glyph.setAttribute("aria-hidden", "true");  // the name says it
    const about = element("span", "about");
    about.append(element("span", "name", result.name));
    const facts = [result.cp, result.block, result.age && `Unicode ${result.age}`].filter(Boolean);
    about.append(element("span", "facts", facts.join(" · ")));
    if (result.short && result.short.toUpperCase() !== result.name) {
      const short = element("span", "short", result.short);
      short.lang = sameTag(lang);
      about.append(short);
    }
    const words = [...(result.aliases ?? []), ...(result.keywords ?? [])];
    if (words.length) {
      const keywords = element("span", "keywords", words.join(", "));
      keywords.lang = sameTag(lang);
      about.append(keywords);
    }
    button.append(glyph, about);
    const item = element("li");
    item.append(button);
    return item;
  }

  function appendResults(results, lang) {
    resultList.append(...results.map((result) => resultItem(result, lang)));
  }

  function showCount() {
    const found = shown.found.toLocaleString("en-US");
    countText.textContent = shown.count < shown.found
      ? `${found} found, ${shown.count.toLocaleString("en-US")} shown` : `${found} found`;
    const left = shown.found - shown.count;
    moreButton.hidden = left <= 0;
    moreButton.textContent = `Show ${Math.min(left, page_size)} more`;
  }

  function showError(message) {
    errorText.textContent = message;
    errorText.hidden = false;
  }

  // answer: the API's object, {error}, or null for no query at all.
  function show(q, lang, answer) {
    Object.assign(shown, { q, lang, found: 0, count: 0 });
    resultList.replaceChildren();
    errorText.hidden = true;
    hints.hidden = true;
    nothing.hidden = true;
    hintList.replaceChildren();
    queryText.textContent = q;
    forText.hidden = !answer;
    countText.textContent = "";
    moreButton.hidden = true;
    if (!answer) return;
    if (answer.error) {
      showError(answer.error);
      return;
    }
    shown.found = answer.found;
    shown.count = answer.results.length;
    appendResults(answer.results, lang);
    showCount();
    const suggestions = Array.isArray(answer.hint) ? answer.hint : [];
    nothing.hidden = answer.found !== 0;
    if (answer.found === 0 && suggestions.length) {
      hintList.append(...suggestions.map((word, i) => {
        const button = element("button", "hint", word);
        button.type = "button";
        button.dataset.query = withHint(q, word);
        const item = document.createDocumentFragment();
        if (i > 0) item.append(", ");
        item.append(button);
        return item;
      }));
      hints.hidden = false;
    }
  }

  // The query with the word the hint is closest to replaced by the hint.
  function withHint(q, hint) {
    const words = q.trim().split(/\s+/);
    let closest = 0;
    let best = Infinity;
    words.forEach((word, i) => {
      const cost = word.startsWith("-") ? Infinity : distance(word.toLowerCase(), hint);
      if (cost < best) [closest, best] = [i, cost];
    });
    words[closest] = hint;
    return words.join(" ");
  }

  // Levenshtein distance: the edits from one word to the other.
  function distance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; ++i) {
      const row = [i];
      for (let j = 1; j <= b.length; ++j) {
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      previous = row;
    }
    return previous[b.length];
  }

  // --- Copying ---------------------------------------------------------------
  // The Clipboard API needs a secure context (https or localhost); elsewhere
  // a selected textarea and the copy command do it.
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        // Denied: try the old way.
      }
    }
    const scratch = element("textarea", "offscreen");
    scratch.value = text;
    scratch.setAttribute("readonly", "");
    const focused = document.activeElement;
    document.body.append(scratch);
    scratch.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
    scratch.remove();
    focused?.focus();
    return copied;
  }

  function say(message) {
    status.textContent = "";
    // A new text node so that the same words ("Copied 🐱" twice) are read again.
    requestAnimationFrame(() => { status.textContent = message; });
  }

  async function copyResult(button) {
    const character = button.dataset.char;
    settle();
    if (await copyText(character)) {
      say(`Copied ${character}`);
      for (const old of resultList.querySelectorAll(".copied")) old.classList.remove("copied");
      button.classList.add("copied");
    } else {
      say(`Could not copy ${character}: select it and copy it yourself`);
    }
  }

  // --- Events ----------------------------------------------------------------
  function onTyping() {
    clearTimeout(typingTimer);
    const q = input.value;
    const lang = languageMenu.value;
    if (q.trim() === "") {
      followUrl(q, lang);
      search(q, lang);
      return;
    }
    typingTimer = setTimeout(() => {
      if (q === shown.q && lang === shown.lang) return;
      followUrl(q, lang);
      search(q, lang);
    }, typing_pause_ms);
  }

  function searchNow() {
    const q = input.value;
    const lang = languageMenu.value;
    followUrl(q, lang);
    settle();
    if (q !== shown.q || lang !== shown.lang) search(q, lang);
  }

  input.addEventListener("input", onTyping);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow();
  });
  languageMenu.addEventListener("change", searchNow);
  moreButton.addEventListener("click", showMore);

  hintList.addEventListener("click", (event) => {
    const button = event.target.closest("button.hint");
    if (!button) return;
    input.value = button.dataset.query;
    searchNow();
    input.focus();
  });

  resultList.addEventListener("click", (event) => {
    const button = event.target.closest("button.result");
    if (button) copyResult(button);
  });

  // Arrow keys: from the box into the results, between them, Escape back.
  const resultButtons = () => [...resultList.querySelectorAll("button.result")];
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && resultList.firstElementChild) {
      event.preventDefault();
      resultButtons()[0]?.focus();
    }
  });
  resultList.addEventListener("keydown", (event) => {
    const buttons = resultButtons();
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const to = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1,
                 Home: 0, End: buttons.length - 1 }[event.key];
    if (event.key === "Escape" || to === -1) {
      event.preventDefault();
      input.focus();
    } else if (to !== undefined && buttons[to]) {
      event.preventDefault();
      buttons[to].focus();
    }
  });

  window.addEventListener("popstate", () => {
    const { q, lang } = fromUrl();
    input.value = q;
    languageMenu.value = lang;
    settle();
    search(q, lang);
  });

  // --- Start -----------------------------------------------------------------
  (async () => {
    await loadLanguages();
    defaultLanguage = browserLanguage();
    const { q, lang } = fromUrl();
    // Typed before the languages came: that text wins over the URL's.
    const typed = input.value !== "" && input.value !== q;
    languageMenu.value = lang;
    if (typed) onTyping();
    else {
      input.value = q;
      search(q, lang);
    }
  })();
})();
