/* "Is this a scam?" checker (check.md). Everything happens here, in the reader's browser: the patterns, texts
   and links come from the page itself (<script id="fz-checker-data">, made by fanzha/views.py checker_view), so
   it works offline and nothing typed is sent anywhere. The text is normalised as fanzha/checker.py does
   (NFKC, lower case, traditional → simplified by the page's table, letters and digits only), so the validator
   and this page find the same phrases. User text is only ever put into the page as text nodes. */
(function () {
  "use strict";
  var form = document.getElementById("fz-checker");
  var source = document.getElementById("fz-checker-data");
  var out = document.getElementById("fz-checker-result");
  if (!form || !source || !out) return;
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var KEPT = /[\p{L}\p{N}]/u;
  var flags = data.flags.map(function (f) {
    return Object.assign({}, f, { res: f.patterns.map(function (p) { return new RegExp(p, "gu"); }) });
  });

  /* the normalised text, and for each of its code units the [start, end) of the character it came from */
  function normalised(text) {
    var chars = [], where = [];
    for (var i = 0; i < text.length; ) {
      var ch = String.fromCodePoint(text.codePointAt(i));
      Array.from(ch.normalize("NFKC").toLowerCase()).forEach(function (c) {
        c = data.variants[c] || c;
        if (!KEPT.test(c)) return;
        chars.push(c);
        for (var k = 0; k < c.length; k++) where.push([i, i + ch.length]);
      });
      i += ch.length;
    }
    return { text: chars.join(""), where: where };
  }

  function findings(text) {
    var norm = normalised(text), found = [], spans = [];
    flags.forEach(function (flag) {
      var hit = false;
      flag.res.forEach(function (re) {
        re.lastIndex = 0;
        var m;
        while ((m = re.exec(norm.text)) !== null) {
          if (!m[0].length) { re.lastIndex++; continue; }
          spans.push([norm.where[m.index][0], norm.where[m.index + m[0].length - 1][1], found.length]);
          hit = true;
        }
      });
      if (hit) found.push(flag);
    });
    return { flags: found, spans: spans };
  }

  function numbersIn(text) {
    var seen = {}, list = [];
    (text.match(/\+?\d[\d\s\-–()（）]*\d/g) || []).forEach(function (run) {
      var digits = run.replace(/\D/g, "");
      var candidates = [digits, digits.replace(/^0086/, ""), digits.replace(/^86(?=\d{5,})/, "")];
      candidates.some(function (d) {
        var known = data.numbers[d];
        if (known && !seen[d]) { seen[d] = true; list.push(known); return true; }
        return false;
      });
    });
    return list;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }

  function link(item) { return el("a", { href: item.href }, [item.text]); }

  /* the pasted text with each matched passage in <mark>, followed by the number of its warning sign */
  function marked(text, spans) {
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] < last[1]) { last[1] = Math.max(last[1], s[1]); if (last[2].indexOf(s[2]) < 0) last[2].push(s[2]); }
      else merged.push([s[0], s[1], [s[2]]]);
    });
    var box = el("p", { class: "fz-marked" }), at = 0;
    merged.forEach(function (m) {
      box.append(text.slice(at, m[0]));
      box.append(el("mark", {}, [text.slice(m[0], m[1])]));
      box.append(el("sup", { class: "fz-mark-label" }, ["⚑" + m[2].map(function (n) { return n + 1; }).join(",")]));
      at = m[1];
    });
    box.append(text.slice(at));
    return box;
  }

  function show(text) {
    out.replaceChildren();
    if (!text.trim()) {
      out.append(el("p", { class: "fz-verdict", tabindex: "-1" }, [L.empty]));
      out.firstChild.focus();
      return;
    }
    var found = findings(text), numbers = numbersIn(text);
    var verdict;
    if (found.flags.length) {
      var message = found.flags.length === 1 ? L.found_one : L.found.replace("{n}", found.flags.length);
      verdict = el("div", { class: "admonition danger fz-verdict", tabindex: "-1" }, [el("p", { class: "admonition-title" }, [message])]);
    } else {
      verdict = el("div", { class: "admonition note fz-verdict", tabindex: "-1" }, [el("p", { class: "admonition-title" }, [L.none])]);
    }
    out.append(verdict);
    if (found.flags.length) {
      out.append(el("h2", {}, [L.marked]), marked(text, found.spans));
      var list = el("ol", { class: "fz-findings" });
      found.flags.forEach(function (f) {
        var item = el("li", {}, [el("h3", {}, [el("a", { href: f.href }, ["⚑ " + f.name])])]);
        item.append(el("p", {}, [el("strong", {}, [L.why + L.colon]), f.why]));
        item.append(el("p", {}, [el("strong", {}, [L.todo + L.colon]), f.todo]));
        if (f.never_say.length) {
          item.append(el("p", {}, [el("strong", {}, [L.never_say + L.colon])]));
          item.append(el("ul", {}, f.never_say.map(function (n) { return el("li", {}, [link(n)]); })));
        }
        if (f.cases.length) {
          item.append(el("p", {}, [el("strong", {}, [L.cases + L.colon])]));
          var cases = el("ul", {}, f.cases.map(function (c) { return el("li", {}, [link(c)]); }));
          if (f.more) cases.append(el("li", {}, [el("a", { href: f.href }, [f.more])]));
          item.append(cases);
        }
        list.append(item);
      });
      out.append(list);
    }
    if (numbers.length) {
      out.append(el("h2", {}, [L.numbers]));
      out.append(el("ul", { class: "fz-numbers" }, numbers.map(function (n) {
        var item = el("li", {}, [el("strong", {}, [n.number]), " — " + n.text]);
        if (n.href) item.append(" ", el("a", { href: n.href }, [n.case]));
        return item;
      })));
    }
    verdict.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(form.elements.text.value);
  });
  form.addEventListener("reset", function () { out.replaceChildren(); });
  form.elements.text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); show(form.elements.text.value); }
  });
})();
