// Progressive enhancement only: the pages work the same without this file.
(function () {
  // A filter change reloads the page (so it works without this file); this brings the
  // person back where they were: the same scroll position, the focus on the filter they
  // used, the long lists they had opened still open, and on a phone the panel still open.
  var KEY = "notice-search:place";
  var store = null;
  try { store = window.sessionStorage; } catch (e) { store = null; }
  var filters = document.querySelector("details.filters");
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 52rem)") : null;

  function here(url) {
    var u = new URL(url, window.location.href);
    return u.pathname + u.search;
  }

  function remember(target, url) {
    if (!store) { return; }
    var facet = target.closest("[data-facet]");
    var opened = [];
    document.querySelectorAll("details.facet.folded[open]").forEach(function (d) { opened.push(d.getAttribute("data-facet")); });
    store.setItem(KEY, JSON.stringify({
      url: here(url), y: window.scrollY, facet: facet ? facet.getAttribute("data-facet") : null,
      value: target.getAttribute("data-value"), name: target.getAttribute("name"),
      panel: filters ? filters.open : false, opened: opened
    }));
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.facet-value, .chips a, .date-range a, nav.tools a");
    if (link && event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
      remember(link, link.href);
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!event.defaultPrevented && form.matches(".date-range form, form.find, form.jump")) {
      var params = new URLSearchParams(new FormData(form)).toString();
      var field = form.querySelector("input:not([type=hidden])");
      remember(field || form, (form.getAttribute("action") || window.location.pathname) + "?" + params);
    }
  });

  var place = null;
  if (store) {
    try { place = JSON.parse(store.getItem(KEY) || "null"); } catch (e) { place = null; }
    store.removeItem(KEY);
  }
  if (place && place.url !== here(window.location.href)) { place = null; }

  // On a phone the filters start folded, so the hits are the first thing seen, unless the
  // person was choosing filters; on a wide screen, where the fold has no handle, always open.
  if (filters && narrow) {
    var fit = function () { filters.open = !narrow.matches || Boolean(place && place.panel); };
    fit();
    narrow.addEventListener("change", function () { place = null; fit(); });
  }
  if (!place) { return; }
  (place.opened || []).forEach(function (name) {
    var fold = document.querySelector('details.facet.folded[data-facet="' + name + '"]');
    if (fold) { fold.open = true; }
  });
  window.scrollTo(0, place.y);
  var focus = null;
  if (place.facet) {
    var section = document.querySelector('[data-facet="' + place.facet + '"]');
    if (section && place.value !== null) {
      section.querySelectorAll("a.facet-value").forEach(function (a) {
        if (a.getAttribute("data-value") === place.value) { focus = a; }
      });
    }
    if (section && !focus && place.name) { focus = section.querySelector('[name="' + place.name + '"]'); }
    if (section && !focus) { focus = section.querySelector("h2, summary"); }
  }
  if (!focus && place.name) { focus = document.querySelector('.date-range [name="' + place.name + '"], form.jump [name="' + place.name + '"]'); }
  if (focus) {
    var more = focus.closest("details.more");
    if (more) { more.open = true; }
    if (!focus.hasAttribute("tabindex") && !/^(A|INPUT|BUTTON|SUMMARY)$/.test(focus.tagName)) { focus.setAttribute("tabindex", "-1"); }
    focus.focus({ preventScroll: true });
  }
})();

(function () {
  // A long filter list's find box: the list follows what is typed, from the server (the
  // list holds only the top values), without leaving the page; without this file the box
  // is a form that reloads the page with the list found.
  if (!window.fetch || !window.DOMParser) { return; }
  document.querySelectorAll("details.facet.folded form.find").forEach(function (form) {
    var fold = form.closest("details.facet");
    var input = form.querySelector("input[type=search]");
    var timer = null, asked = input.value;
    function refresh() {
      var typed = input.value.trim();
      if (typed === asked) { return; }
      asked = typed;
      var params = new URLSearchParams(new FormData(form)).toString();
      fetch((form.getAttribute("action") || window.location.pathname) + "?" + params, { headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null || input.value.trim() !== typed) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html")
            .querySelector('details.facet.folded[data-facet="' + fold.getAttribute("data-facet") + '"]');
          if (!fresh) { return; }
          while (form.nextSibling) { fold.removeChild(form.nextSibling); }
          var after = fresh.querySelector("form.find").nextSibling;
          while (after) {
            var next = after.nextSibling;
            fold.appendChild(document.importNode(after, true));
            after = next;
          }
        });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 200);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      refresh();
    });
  });
})();

(function () {
  // The notice page: n and p (or the bar's links) step from one matching paragraph to the next.
  var bar = document.querySelector(".match-bar");
  if (!bar) { return; }
  var matches = Array.prototype.slice.call(document.querySelectorAll(".para.has-match"));
  var status = bar.querySelector(".match-pos");
  var at = -1;
  var hash = window.location.hash.slice(1);
  matches.forEach(function (para, i) { if (para.id === hash) { at = i; } });

  function go(step) {
    if (!matches.length) { return; }
    at = at < 0 ? (step > 0 ? 0 : matches.length - 1) : (at + step + matches.length) % matches.length;
    var para = matches[at];
    matches.forEach(function (p) { p.classList.remove("current-match"); });
    para.classList.add("current-match");
    if (!para.hasAttribute("tabindex")) { para.setAttribute("tabindex", "-1"); }
    para.scrollIntoView({ block: "center" });
    para.focus({ preventScroll: true });
    if (window.history.replaceState) { window.history.replaceState(null, "", "#" + para.id); }
    status.textContent = "，第 " + (at + 1) + " / " + matches.length + " 处";
  }

  bar.querySelectorAll("a[data-step]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      go(parseInt(link.getAttribute("data-step"), 10));
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    if (event.key === "n" || event.key === "p") {
      event.preventDefault();
      go(event.key === "n" ? 1 : -1);
    }
  });
})();

(function () {
  // Completions for the search box, from /api/suggest: arrow keys move, Enter opens, Esc closes.
  var input = document.querySelector("input[data-suggest]");
  if (!input || !window.fetch) {
    return;
  }
  var KINDS = { word: "词", problem_type: "问题类型", issuer: "单位", title: "通报" };
  var list = document.createElement("ul");
  list.id = "q-completions";
  list.className = "completions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "检索建议");
  list.hidden = true;
  input.parentNode.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var items = [], active = -1, timer = null, asked = "";

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(index) {
    if (items[index]) {
      window.location.href = items[index].url;
    }
  }

  function mark(index) {
    var options = list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(found) {
    items = found;
    list.textContent = "";
    found.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = "q-completion-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = item.text;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = KINDS[item.kind] || "";
      var count = document.createElement("span");
      count.className = "count";
      count.textContent = item.count + (item.kind === "issuer" || item.kind === "title" ? " 份" : " 段");
      option.appendChild(text);
      option.appendChild(kind);
      option.appendChild(count);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(i);
      });
      list.appendChild(option);
    });
    active = -1;
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
  }

  function ask() {
    var typed = input.value.trim();
    if (!typed || typed === asked) {
      if (!typed) { close(); }
      return;
    }
    asked = typed;
    fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) {
        if (input.value.trim() === typed) {
          show(data.suggestions || []);
        }
      })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown") {
      event.preventDefault();
      mark(Math.min(active + 1, items.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      mark(Math.max(active - 1, -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
