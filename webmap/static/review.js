/* Shanxi Zone Atlas review pages: forms sent with fetch, uploads with progress, the
 * highlighted article, records and keyboard shortcuts.
 *
 * Safety rule (as atlas.js): text from articles and from the server goes on the page with
 * textContent, never as HTML. Every write carries the CSRF token in the X-CSRF-Token
 * header. Without this script every page still works: forms post and redirect back.
 */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function config() {
    var node = document.getElementById("rv-config");
    return node ? JSON.parse(node.textContent) : {};
  }
  var CFG = config();

  function csrfOf(form) {
    var field = form && form.querySelector("input[name=csrf_token]");
    return (field && field.value) || CFG.csrf || "";
  }

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }

  /* ------------------------------------------------------------------ forms */

  function showError(form, message) {
    var box = form.nextElementSibling;
    if (!box || !box.classList.contains("rv-form-error")) {
      box = el("p", "rv-error rv-form-error");
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form.nextSibling);
    }
    box.textContent = message;
  }

  function go(target) {
    var here = location.pathname + location.search;
    var url = new URL(target, location.href);
    if (url.pathname + url.search === here) {
      history.replaceState(null, "", url.pathname + url.search + url.hash);
      location.reload();
    } else {
      location.assign(url.href);
    }
  }

  function ajaxSubmit(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    var buttons = $all("button", form);
    buttons.forEach(function (b) { b.disabled = true; });
    return fetch(form.getAttribute("action"), {  // not form.action: a field may be named "action"
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfOf(form), "Accept": "application/json" },
    }).then(function (r) {
      return r.json().catch(function () { return { message: "HTTP " + r.status }; })
        .then(function (j) { return [r, j]; });
    }).then(function (pair) {
      var r = pair[0], j = pair[1];
      if (r.ok) {
        if (j.token) { showError(form, j.token); return; }
        go(j.redirect || location.href);
        return;
      }
      buttons.forEach(function (b) { b.disabled = false; });
      if (r.status === 401) { go("/login?next=" + encodeURIComponent(location.pathname)); return; }
      showError(form, (j.message || j.error || ("HTTP " + r.status)));
    }).catch(function (e) {
      buttons.forEach(function (b) { b.disabled = false; });
      showError(form, String(e));
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-rv-ajax")) return;
    e.preventDefault();
    ajaxSubmit(form, e.submitter);
  });

  /* ------------------------------------------------------------------ upload */

  function uploads() {
    var form = $("#rv-upload");
    if (!form) return;
    var input = $("#rv-files"), drop = $("#rv-drop"), results = $("#rv-upload-results");
    var dropped = [];
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.add("rv-dragging"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function () { drop.classList.remove("rv-dragging"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      dropped = Array.prototype.slice.call(e.dataTransfer.files || []);
      el("li", "rv-muted", dropped.length + " 个文件待上传 files ready: " +
        dropped.map(function (f) { return f.name; }).join(", "), results);
    });

    function send(fields, label) {
      var li = el("li", null, null, results);
      el("span", "rv-file", label + " ", li);
      var bar = el("progress", null, null, li);
      bar.max = 100; bar.value = 0;
      bar.setAttribute("aria-label", label);
      var status = el("span", "rv-status", " 上传中 uploading…", li);
      return new Promise(function (resolve) {
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.getAttribute("action"));
        xhr.setRequestHeader("X-CSRF-Token", csrfOf(form));
        xhr.setRequestHeader("Accept", "application/json");
        xhr.upload.onprogress = function (e) {
          if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
        };
        xhr.onload = function () {
          bar.value = 100;
          var j = {};
          try { j = JSON.parse(xhr.responseText); } catch (err) { j = { message: "HTTP " + xhr.status }; }
          li.className = "rv-outcome-" + (j.outcome || "failed");
          li.setAttribute("data-outcome", j.outcome || "failed");
          if (xhr.status >= 200 && xhr.status < 300) {
            status.textContent = (j.outcome === "duplicate" ? " 重复，已存在 duplicate: " :
              " 已上传 added: ") + (j.records || 0) + " 条记录 records ";
            var a = el("a", null, j.doc_id, li);
            a.href = j.links.review;
            if (j.outcome === "duplicate") el("span", "rv-muted", " " + j.message, li);
          } else {
            status.textContent = " 失败 failed: " + (j.message || ("HTTP " + xhr.status));
          }
          resolve();
        };
        xhr.onerror = function () { status.textContent = " 失败 failed: network"; resolve(); };
        xhr.send(fields);
      });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var files = dropped.length ? dropped : Array.prototype.slice.call(input.files || []);
      var text = $("#rv-text").value;
      var meta = $all(".rv-meta input", form);
      var jobs = [];
      files.forEach(function (file) {
        var fields = new FormData();
        fields.append("file", file, file.name);
        meta.forEach(function (m) { if (m.value) fields.append(m.name, m.value); });
        jobs.push([fields, file.name]);
      });
      if (text.trim()) {
        var fields = new FormData();
        fields.append("text", text);
        meta.forEach(function (m) { if (m.value) fields.append(m.name, m.value); });
        jobs.push([fields, "粘贴的正文 pasted text"]);
      }
      if (!jobs.length) {
        el("li", "rv-error", "请选择文件或粘贴正文 Choose a file or paste the text", results);
        return;
      }
      var chain = Promise.resolve();
      jobs.forEach(function (job) { chain = chain.then(function () { return send(job[0], job[1]); }); });
      chain.then(function () {
        dropped = []; input.value = ""; $("#rv-text").value = "";
        results.setAttribute("data-done", String(jobs.length));
      });
    });
  }

  /* ------------------------------------------------------------------ the article */

  function codePoints(s) { return Array.from(s).length; }

  /* A DOM boundary (node, offset) as a character offset into the document's text. */
  function textOffset(root, node, offset) {
    if (node.nodeType === 3) {
      var seg = node.parentNode.closest("[data-s]");
      if (!seg || !root.contains(seg)) return null;
      return Number(seg.getAttribute("data-s")) + codePoints(node.data.slice(0, offset));
    }
    var elNode = node.nodeType === 1 ? node : null;
    if (!elNode) return null;
    if (elNode.hasAttribute && elNode.hasAttribute("data-s")) {
      return Number(elNode.getAttribute("data-s")) + (offset > 0 ? codePoints(elNode.textContent) : 0);
    }
    var kids = $all("[data-s]", elNode);
    if (!kids.length) return null;
    if (offset < elNode.childNodes.length) {
      var child = elNode.childNodes[offset];
      var s = child.nodeType === 1 && child.closest ? (child.hasAttribute("data-s") ? child : child.querySelector("[data-s]")) : null;
      if (s) return Number(s.getAttribute("data-s"));
    }
    var last = kids[kids.length - 1];
    return Number(last.getAttribute("data-s")) + codePoints(last.textContent);
  }

  function article() {
    var text = $("#rv-text");
    if (!text) return;
    var inspect = $("#rv-inspect");
    var records = (CFG.records || []).map(function (r) { return r.key; });
    var current = -1;

    function rowOf(key) { return document.getElementById("rec-" + key); }
    function spanOf(key) { return document.getElementById("span-" + key); }

    function flash(node) {
      if (!node) return;
      node.classList.add("rv-flash");
      setTimeout(function () { node.classList.remove("rv-flash"); }, 1200);
    }

    function select(index, focusRow) {
      if (!records.length) return;
      current = (index + records.length) % records.length;
      var key = records[current];
      $all(".rv-current").forEach(function (n) { n.classList.remove("rv-current"); });
      var row = rowOf(key), span = spanOf(key);
      if (row) row.classList.add("rv-current");
      $all('mark[data-rec="' + key + '"]').forEach(function (m) { m.classList.add("rv-current"); });
      if (span) { span.scrollIntoView({ block: "center" }); flash(span); describe(span); }
      if (row && focusRow) { row.focus({ preventScroll: !!span }); }
    }

    function describe(mark) {
      if (inspect && mark && mark.title) inspect.textContent = mark.title;
    }

    text.addEventListener("mouseover", function (e) {
      var m = e.target.closest("mark"); if (m) describe(m);
    });
    text.addEventListener("focusin", function (e) {
      var m = e.target.closest("mark"); if (m) describe(m);
    });
    /* A highlight leads to its record, a record to its highlight. */
    text.addEventListener("click", function (e) {
      var m = e.target.closest("mark[data-rec]");
      if (!m || !window.getSelection().isCollapsed) return;
      var i = records.indexOf(m.getAttribute("data-rec"));
      if (i >= 0) { select(i, true); var row = rowOf(records[i]); if (row) row.scrollIntoView({ block: "center" }); flash(row); }
    });
    text.addEventListener("keydown", function (e) {
      var m = e.target.closest && e.target.closest("mark[data-rec]");
      if (m && e.key === "Enter") {
        var i = records.indexOf(m.getAttribute("data-rec"));
        if (i >= 0) { select(i, true); flash(rowOf(records[i])); }
      }
    });
    $all(".rv-goto").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var i = records.indexOf(a.getAttribute("data-rec"));
        if (i >= 0) select(i, false);
        var span = spanOf(a.getAttribute("data-rec"));
        if (span) span.focus();
      });
    });

    /* Selecting words fills the add form with their span. */
    var quote = $("#rv-add-quote"), start = $("#rv-add-start"), end = $("#rv-add-end");
    function takeSelection() {
      var sel = window.getSelection();
      if (!sel || sel.isCollapsed || !sel.rangeCount) return;
      var range = sel.getRangeAt(0);
      if (!text.contains(range.commonAncestorContainer)) return;
      var s = textOffset(text, range.startContainer, range.startOffset);
      var t = textOffset(text, range.endContainer, range.endOffset);
      if (s === null || t === null || t <= s) return;
      quote.value = sel.toString();
      start.value = String(s);
      end.value = String(t);
      var nameField = $("#a-p-name");
      if (nameField && !nameField.value) nameField.value = sel.toString().trim();
      if (inspect) inspect.textContent = "已选中 selected «" + sel.toString() + "» [" + s + ", " + t +
        "]：按 n 或到“新增记录”表单 press n or use the Add form";
      $("#rv-add").classList.add("rv-flash");
    }
    text.addEventListener("mouseup", takeSelection);
    text.addEventListener("keyup", takeSelection);
    document.addEventListener("selectionchange", function () {
      var sel = window.getSelection();
      if (sel && !sel.isCollapsed && text.contains(sel.anchorNode)) takeSelection();
    });
    if (quote) quote.addEventListener("input", function () { start.value = ""; end.value = ""; });

    /* The add form shows the fields of the kind chosen. */
    function kindShown() {
      var chosen = $('#rv-add-form input[name=kind]:checked');
      var kind = chosen ? chosen.value : "project";
      $all(".rv-for-project").forEach(function (n) { n.hidden = kind !== "project"; });
      $all(".rv-for-batch").forEach(function (n) { n.hidden = kind !== "batch"; });
    }
    $all('#rv-add-form input[name=kind]').forEach(function (r) { r.addEventListener("change", kindShown); });
    kindShown();

    /* Keyboard shortcuts, outside form fields. */
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))) {
        if (!(t.tagName === "BUTTON" && /^[jkaren?p]$/.test(e.key))) return;
      }
      var key = records[current];
      var row = key ? rowOf(key) : null;
      switch (e.key) {
        case "j": select(current + 1, true); break;
        case "k": select(current < 0 ? records.length - 1 : current - 1, true); break;
        case "a": if (row) { e.preventDefault(); $(".rv-accept", row).click(); } break;
        case "r": if (row) { e.preventDefault(); $(".rv-reject", row).click(); } break;
        case "e":
          if (row) {
            e.preventDefault();
            var d = $("details.rv-edit", row);
            d.open = true;
            var first = $("input:not([type=hidden]), select", d);
            if (first) first.focus();
          }
          break;
        case "n":
          e.preventDefault();
          var field = start.value ? ($('#rv-add-form input[name=kind]:checked') || quote) : quote;
          $("#rv-add").scrollIntoView({ block: "center" });
          field.focus();
          break;
        case "p":
          var pub = $("#rv-publish");
          if (pub) { e.preventDefault(); pub.scrollIntoView({ block: "center" }); pub.focus(); }
          break;
        case "?":
          var help = $("#rv-keys"); help.open = true; help.querySelector("summary").focus();
          break;
        default: return;
      }
    });

    /* Back from a write: focus the record it was about. */
    if (location.hash.indexOf("#rec-") === 0) {
      var i = records.indexOf(location.hash.slice(5));
      if (i >= 0) select(i, true);
    }
  }

  /* A place field says which unit it resolves to (the server decides; this is a hint). */
  function placeHints() {
    var list = document.getElementById("rv-units");
    if (!list) return;
    var options = $all("option", list).map(function (o) {
      return { value: o.value, label: o.getAttribute("label") || "" };
    });
    $all("input.rv-place").forEach(function (input) {
      var out = document.getElementById(input.getAttribute("aria-describedby"));
      if (!out) return;
      function update() {
        var q = input.value.trim().toLowerCase();
        if (!q) { out.textContent = ""; return; }
        var hits = options.filter(function (o) {
          return o.value.toLowerCase().indexOf(q) >= 0 || o.label.toLowerCase().indexOf(q) >= 0;
        });
        out.textContent = hits.length === 1 ? "→ " + hits[0].value + " · " + hits[0].label
          : hits.length ? hits.length + " 个匹配 matches" : "无匹配 no match";
      }
      input.addEventListener("input", update);
    });
  }

  uploads();
  article();
  placeHints();
  document.documentElement.setAttribute("data-atlas-ready", "1");
})();
