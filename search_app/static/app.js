// Progressive enhancement only: the pages work the same without this file.
(function () {
  // On a phone the filters start folded, so the hits are the first thing seen;
  // on a wide screen, where the fold has no handle, they are always open.
  var filters = document.querySelector("details.filters");
  if (filters && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 52rem)");
    var fit = function () { filters.open = !narrow.matches; };
    fit();
    narrow.addEventListener("change", fit);
  }
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
