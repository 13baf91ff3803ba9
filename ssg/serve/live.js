// Live reload for `ssg serve`. The preview server adds this script to the HTML it sends; `ssg build`
// never writes it. It listens to the server's event stream: after a rebuild it reloads the page (or
// swaps the stylesheets when only CSS changed); when a rebuild failed it shows the error on top of
// the last good page, and the next good build reloads the page without it.
"use strict";
(() => {
  const script = document.currentScript;
  const run = script.dataset.run;
  let version = Number(script.dataset.version);
  let source = null;

  function connect() {
    if (source && source.readyState !== EventSource.CLOSED) return;
    source = new EventSource(`${script.dataset.events}?since=${version}&run=${run}`);
    source.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.action === "reload") {
        source.close();
        location.reload();
        return;
      }
      if (message.action === "error") showError(message.error);
      if (message.action === "css") swapStylesheets(message.version);
      version = message.version;
    };
  }

  // A hidden tab lets go of its connection (browsers allow six per server); it catches up when shown.
  document.addEventListener("visibilitychange", () => (document.hidden ? source?.close() : connect()));
  if (!document.hidden) connect();

  function swapStylesheets(stamp) {
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("ssg-live", stamp);
      const fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", () => link.remove(), { once: true });  // no flash of unstyled page
      link.after(fresh);
    }
  }

  function showError(error) {
    document.getElementById("ssg-build-error")?.remove();
    const box = element("section", {
      position: "fixed", top: "0", left: "0", right: "0", zIndex: "2147483647", maxHeight: "70vh",
      overflow: "auto", margin: "0", padding: "1rem 1.5rem", background: "#fff4f2", color: "#3a0b05",
      borderBottom: "4px solid #b3261e", font: "16px/1.5 system-ui, sans-serif", textAlign: "left",
      boxShadow: "0 4px 24px rgb(0 0 0 / 30%)",
    });
    box.id = "ssg-build-error";
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "ssg-build-error-title");
    const title = element("h2", { margin: "0 0 .5rem", font: "bold 1.25rem/1.3 system-ui, sans-serif" },
                          "The last change did not build");
    title.id = "ssg-build-error-title";
    const where = error.file ? (error.line ? `${error.file}, line ${error.line}` : error.file) : "";
    const place = element("p", { margin: "0 0 .5rem", fontFamily: "ui-monospace, monospace" }, where);
    place.className = "ssg-build-error-file";
    const message = element("pre", {
      margin: "0 0 .75rem", whiteSpace: "pre-wrap", font: "15px/1.5 ui-monospace, monospace",
    }, error.message);
    message.className = "ssg-build-error-message";
    const note = element("p", { margin: "0", fontSize: ".9rem" },
                         "You are seeing the last good build. Save a fix and this page reloads by itself.");
    const hide = element("button", { float: "right", font: "inherit", cursor: "pointer" }, "Hide");
    hide.type = "button";
    hide.addEventListener("click", () => box.remove());
    box.append(hide, title, place, message, note);
    document.body.prepend(box);
  }

  // Styles go through the DOM, not a <style> element or a style="" attribute, so a theme's
  // Content-Security-Policy does not block the overlay; text goes in as text, never as HTML.
  function element(name, style, text = "") {
    const node = document.createElement(name);
    Object.assign(node.style, style);
    node.textContent = text;
    return node;
  }
})();
