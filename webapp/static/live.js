// Live results as one types, on forms marked data-live-search="<id of the region to refresh>".
// Progressive enhancement: without this script the form submits as a plain GET. With it, a
// pause in typing fetches the same URL the form would submit to and swaps in the server's own
// rendering of the results region (results, facets, export links), so every link stays
// consistent with the search. Nothing here builds markup from strings.
(function () {
  "use strict";

  var DELAY = 250; // ms of quiet before searching

  function searchUrl(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim()) params.append(name, value.trim());
    });
    var query = params.toString();
    return form.action + (query ? "?" + query : "");
  }

  function enhance(form) {
    var region = document.getElementById(form.getAttribute("data-live-search"));
    var input = form.querySelector('input[name="q"]');
    var status = document.getElementById("live-status");
    var hint = document.getElementById("q-hint");
    if (!region || !input || !window.fetch || !window.DOMParser) return;
    if (hint) {
      hint.hidden = false;
      input.setAttribute("aria-describedby", hint.id);
    }
    var timer = null;
    var pending = null;
    var shown = searchUrl(form);

    function refresh() {
      var url = searchUrl(form);
      if (url === shown) return;
      if (pending) pending.abort();
      pending = new AbortController();
      region.setAttribute("aria-busy", "true");
      fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal })
        .then(function (response) {
          // A refused search (too long, unknown filter) stays for the form to submit.
          if (!response.ok) throw new Error("status " + response.status);
          return response.text();
        })
        .then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById(region.id);
          if (!fresh) return;
          // the filters stay folded or unfolded as the reader left them
          var fold = region.querySelector("details.facets-fold");
          var freshFold = fresh.querySelector("details.facets-fold");
          if (fold && freshFold) freshFold.open = fold.open;
          region.replaceChildren.apply(region, Array.prototype.slice.call(fresh.childNodes)
            .map(function (node) { return document.importNode(node, true); }));
          // The heading says what is shown ("Search results", not "All measures" over a
          // search's results, found or not), and the language switch keeps the new query.
          var heading = document.getElementById(form.getAttribute("data-live-heading"));
          var freshHeading = page.getElementById(form.getAttribute("data-live-heading"));
          if (heading && freshHeading) heading.textContent = freshHeading.textContent;
          ["#lang-switch", 'link[rel="alternate"][hreflang]'].forEach(function (selector) {
            var mine = document.querySelector(selector), theirs = page.querySelector(selector);
            if (mine && theirs) mine.setAttribute("href", theirs.getAttribute("href"));
          });
          var feed = page.querySelector('link[rel="alternate"][type="application/atom+xml"]');
          var ours = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');
          if (feed && ours) ours.href = feed.getAttribute("href");
          document.title = page.title;
          history.replaceState(null, "", url);
          shown = url;
          var summary = region.querySelector("#results-summary");
          if (status && summary) status.textContent = summary.textContent.trim();
        })
        .catch(function () { /* aborted or refused: the last results stay */ })
        .finally(function () { region.removeAttribute("aria-busy"); });
    }

    // An input method (pinyin, zhuyin, kana) composes a word through several input events
    // before the reader picks it; nothing is searched until the composition ends, or the
    // half-typed pinyin would be searched.
    var composing = false;
    function later() {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    }
    input.addEventListener("compositionstart", function () {
      composing = true;
      clearTimeout(timer);
    });
    input.addEventListener("compositionend", function () {
      composing = false;
      later();
    });
    input.addEventListener("input", function (event) {
      if (composing || event.isComposing) return;
      later();
    });
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      if (pending) pending.abort();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form[data-live-search]");
    for (var i = 0; i < forms.length; i++) enhance(forms[i]);
  });
})();
