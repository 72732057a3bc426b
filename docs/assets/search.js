/* Search box of the casebook: Material's search dialog, answered by Pagefind.
 *
 * Nothing is fetched until the reader opens the search box; then Pagefind downloads its small entry file
 * and, per query, only the index chunks and result fragments that query needs. The page's <html lang>
 * picks the language's index, so Chinese pages find Chinese pages and English pages English ones.
 */
(function () {
  "use strict";
  var dialog = document.querySelector(".fz-search");
  var toggle = document.getElementById("__search");
  if (!dialog || !toggle) return;
  var input = dialog.querySelector(".md-search__input");
  var meta = dialog.querySelector(".md-search-result__meta");
  var list = dialog.querySelector(".md-search-result__list");
  var form = dialog.querySelector("form");
  document.documentElement.classList.add("fz-has-search");
  var bundle = new URL(dialog.getAttribute("data-fz-pagefind"), document.baseURI);
  var button = document.querySelector(".fz-search-button");
  var loading = null;
  var latest = 0;

  function pagefind() {
    if (!loading) {
      // Results link under the site's own path (e.g. /casebook/), wherever it is served from.
      var options = { baseUrl: new URL("../", bundle).pathname };
      loading = import(bundle.href).then(function (pf) {
        return pf.options(options).then(function () {
          // A large casebook's case pages are indexed in shards (fanzha/search.py): search them all at once.
          return fetch(new URL("shards.json", bundle)).then(function (r) { return r.ok ? r.json() : []; });
        }).then(function (shards) {
          return Promise.all(shards.map(function (shard) {
            return pf.mergeIndex(new URL(shard, bundle).pathname, options);
          }));
        }).then(function () { return pf; });
      });
    }
    return loading;
  }

  // Chinese is indexed with a space between characters (fanzha/search.py): search a Chinese word as the
  // exact phrase of its characters, so 白条 finds every page containing 白条; several words each must appear.
  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
  function pagefindQuery(query) {
    var words = query.split(/\s+/).map(function (w) {
      return w.replace(/([\u3400-\u9fff\uf900-\ufaff])(?=.)/g, "$1 ").replace(/([^\u3400-\u9fff\uf900-\ufaff ])(?=[\u3400-\u9fff\uf900-\ufaff])/g, "$1 ");
    });
    if (words.length === 1 && CJK.test(query) && !/"/.test(query)) return '"' + words[0] + '"';
    return words.join(" ");
  }
  // ... and the excerpts and titles come back with a space on each side of every Chinese character: take
  // those spaces out again (marks kept).
  function unspace(text) {
    return (text || "")
      .replace(/([\u3400-\u9fff\uf900-\ufaff](?:<\/?mark>)*) (?=\S)/g, "$1")
      .replace(/(\S) ((?:<\/?mark>)*[\u3400-\u9fff\uf900-\ufaff])/g, "$1$2");
  }

  function count(n) {
    if (n === 0) return dialog.getAttribute("data-fz-none");
    if (n === 1) return dialog.getAttribute("data-fz-one");
    return dialog.getAttribute("data-fz-other").replace("#", n);
  }

  // Pagefind's excerpts are text with <mark> around the matched words: keep only those marks.
  function excerpt(html) {
    var text = document.createElement("span");
    html.split(/(<mark>|<\/mark>)/).reduce(function (mark, part) {
      if (part === "<mark>") return document.createElement("mark");
      if (part === "</mark>") { text.appendChild(mark); return null; }
      var holder = document.createElement("span");
      holder.innerHTML = part;  // decode entities only: the text has no tags left
      (mark || text).appendChild(document.createTextNode(holder.textContent));
      return mark;
    }, null);
    return text;
  }

  function item(data) {
    // The passage that matched: the best section of the page (its anchor), else the page itself.
    var best = (data.sub_results || []).slice().sort(function (a, b) {
      return (b.locations || []).length - (a.locations || []).length;
    })[0];
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = best && best.url ? best.url : data.url;
    var article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    var h = document.createElement("h1");
    h.textContent = unspace((data.meta && data.meta.title) || data.url);
    var p = document.createElement("p");
    p.appendChild(excerpt(unspace(best && best.excerpt ? best.excerpt : data.excerpt)));
    article.appendChild(h);
    article.appendChild(p);
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  function run() {
    var query = input.value.trim();
    var mine = ++latest;
    if (!query) { list.textContent = ""; meta.textContent = ""; return; }
    pagefind().then(function (pf) {
      return pf.search(pagefindQuery(query)).then(function (search) {
        return Promise.all(search.results.slice(0, 10).map(function (r) { return r.data(); })).then(function (pages) {
          if (mine !== latest) return;  // a newer query is on its way
          list.textContent = "";
          pages.forEach(function (data) { list.appendChild(item(data)); });
          meta.textContent = count(search.results.length);
        });
      });
    }).catch(function () {
      meta.textContent = dialog.getAttribute("data-fz-offline");
    });
  }

  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  // CJK input methods and some test drivers change the value without an input event: catch up on keyup.
  input.addEventListener("keyup", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  form.addEventListener("reset", function () { list.textContent = ""; meta.textContent = ""; input.focus(); });
  input.addEventListener("focus", function () { toggle.checked = true; pagefind().catch(function () {}); });
  toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });

  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
    if (toggle.checked && e.key === "Escape") {
      toggle.checked = false;
      input.blur();
      if (button) button.focus();
    } else if (!typing && (e.key === "/" || e.key === "s" || e.key === "f") && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      toggle.checked = true;
      input.focus();
    } else if (toggle.checked && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      if (!links.length) return;
      var at = links.indexOf(document.activeElement);
      var next = e.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
      e.preventDefault();
      (next < 0 ? input : links[next]).focus();
    }
  });
  // The header's search button opens the dialog (the theme's #__search toggle shows it).
  if (button) button.addEventListener("click", function () { toggle.checked = true; input.focus(); });
})();
