/* The reporter's offline queue (on the report form and the reporter's home).

   A report sent from the form is first put in this device's IndexedDB with the form's idempotency key and the
   moment it was written, then posted; it leaves the store only when the server has it (201; a resend of the same
   key answers with the same report, so a lost answer never makes two). Without a connection, or when the post
   fails, it waits, shown as waiting, and is sent when the connection is back ("online") or on the next page load.
   A report the server refuses (422) stays, with the server's messages, until the reporter opens it in the form or
   removes it. A post after the session expired is answered with the login page: the reports stay and the reporter
   is asked to log in again. Texts come translated from the page (#offline-queue's data-config). Without JavaScript the form
   posts as ever. */
(function () {
  "use strict";

  const section = document.getElementById("offline-queue");
  if (!section || !("indexedDB" in window) || !window.fetch) return;
  const config = JSON.parse(section.dataset.config);
  const texts = config.texts;
  const title = document.getElementById("offline-queue-title");
  const status = document.getElementById("offline-queue-status");
  const list = document.getElementById("offline-queue-list");
  const form = document.querySelector("form.report");
  const loginPath = new URL(config.login, location.href).pathname;

  // --- the device's store ------------------------------------------------------------------------------------
  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  let database = null;
  function store(mode) {
    if (!database) {
      const opening = indexedDB.open("est-offline", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("queue", { keyPath: "key" });
      database = done(opening);
    }
    return database.then((db) => db.transaction("queue", mode).objectStore("queue"));
  }
  async function waiting() {
    const items = await done((await store("readonly")).getAll());
    return items
      .filter((item) => item.user === config.user && item.tenant === config.tenant)
      .sort((a, b) => (a.written_at < b.written_at ? -1 : 1));
  }
  async function put(item) { await done((await store("readwrite")).put(item)); }
  async function remove(key) { await done((await store("readwrite")).delete(key)); }

  function newKey() {
    const bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- sending -----------------------------------------------------------------------------------------------
  function pageToken() {
    const field = document.querySelector("input[name=csrf]");
    return field ? field.value : "";
  }
  async function freshToken() {
    const response = await fetch(config.token, { credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json" } });
    if (!response.ok || response.redirected) return null;
    const answer = await response.json();
    if (answer.user !== config.user) return null;
    document.querySelectorAll("input[name=csrf]").forEach((field) => { field.value = answer.csrf; });
    return answer.csrf;
  }
  async function post(item, token) {
    const body = new URLSearchParams(item.fields);
    body.set("csrf", token);
    body.set("idempotency_key", item.key);
    body.set("written_at", item.written_at);
    const response = await fetch(config.form, { method: "POST", body, credentials: "same-origin",
      headers: { Accept: "application/json" } });
    if (response.redirected && new URL(response.url).pathname === loginPath) return { kind: "logged_out" };
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    if (response.status === 201 && json) return { kind: "sent", location: (await response.json()).location };
    if (response.status === 422 && json) return { kind: "refused", errors: (await response.json()).errors };
    if (response.status === 400) return { kind: "token" };
    return { kind: "failed" };
  }
  /* One item's outcome: sent, refused, logged_out, token (the session changed), offline or failed. */
  async function send(item) {
    try {
      let outcome = await post(item, pageToken());
      if (outcome.kind === "token") {  // a page kept from an earlier session: ask for this session's token
        const token = await freshToken();
        outcome = token ? await post(item, token) : { kind: "logged_out" };
      }
      return outcome;
    } catch (error) {
      return { kind: navigator.onLine ? "failed" : "offline" };
    }
  }

  let retry = null;
  function retryLater() {  // a post that failed while the device is online: try again in a minute
    clearTimeout(retry);
    retry = setTimeout(flush, 60000);
  }

  let flushing = false;
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      let sent = 0;
      let stopped = null;
      for (const item of await waiting()) {
        if (item.errors) continue;
        const outcome = await send(item);
        if (outcome.kind === "sent") {
          await remove(item.key);
          sent += 1;
        } else if (outcome.kind === "refused") {
          await put({ ...item, errors: outcome.errors });
        } else {
          stopped = outcome.kind;
          break;
        }
      }
      if (stopped && stopped !== "logged_out") retryLater();
      await show(stopped === "logged_out" ? "logged_out" : stopped ? "offline" : sent ? "sent" : null);
    } finally {
      flushing = false;
    }
  }

  // --- showing -----------------------------------------------------------------------------------------------
  function say(message) {
    status.replaceChildren();
    if (!message) return;
    const text = document.createElement("p");
    text.className = message === "sent" ? "notice" : "offline-note";
    text.textContent = texts[message];
    if (message === "logged_out") {
      const link = document.createElement("a");
      link.href = config.login;
      link.textContent = texts.log_in;
      text.append(" ", link);
    }
    status.append(text);
  }
  function row(item) {
    const li = document.createElement("li");
    const what = document.createElement("p");
    const when = new Date(item.written_at).toLocaleString(document.documentElement.lang, {
      dateStyle: "short", timeStyle: "short" });
    what.textContent = [item.summary, item.place, when].filter(Boolean).join(" – ");
    li.append(what);
    if (item.errors) {
      const problem = document.createElement("p");
      problem.className = "field-error";
      problem.textContent = texts.refused + " " + Object.values(item.errors).flat().join(" ");
      const open = document.createElement(form ? "button" : "a");
      open.textContent = texts.open;
      if (form) {
        open.type = "button";
        open.addEventListener("click", () => reopen(item));
      } else {
        open.href = config.form + "#queued-" + item.key;
      }
      const drop = document.createElement("button");
      drop.type = "button";
      drop.className = "link";
      drop.textContent = texts.remove;
      drop.addEventListener("click", async () => { await remove(item.key); await show(null); });
      li.append(problem, open, " ", drop);
    }
    return li;
  }
  async function show(message) {
    const items = await waiting();
    title.textContent = texts.title.replace("{count}", String(items.length));
    list.replaceChildren(...items.map(row));
    section.hidden = items.length === 0 && !message;
    say(message);
  }

  // --- the form ----------------------------------------------------------------------------------------------
  function labelOf(name) {
    const chosen = form.querySelector("input[name=" + name + "]:checked");
    const label = chosen && form.querySelector("label[for='" + chosen.id + "']");
    return label ? label.textContent.trim() : "";
  }
  async function reopen(item) {
    for (const [name, value] of item.fields) {
      const fields = form.querySelectorAll("[name='" + name + "']");
      fields.forEach((field) => {
        if (field.type === "radio") field.checked = field.value === value;
        else field.value = value;
      });
    }
    await remove(item.key);
    await show(null);
    form.querySelector("select, input:not([type=hidden])").focus();
  }
  if (form) {
    const keyField = form.querySelector("input[name=idempotency_key]");
    keyField.value = newKey();  // a page kept on the device carries a key that may have been used already
    let busy = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (busy) return;  // a double click: one report
      busy = true;
      const fields = Array.from(new FormData(form)).filter(([name]) => name !== "csrf" && name !== "idempotency_key");
      const item = { key: keyField.value, user: config.user, tenant: config.tenant, fields: fields.map(([n, v]) => [n, String(v)]),
        written_at: new Date().toISOString(), summary: labelOf("item"), place: form.elements.namedItem("place").value };
      await put(item);
      const outcome = await send(item);
      if (outcome.kind === "sent") {
        await remove(item.key);
        location.assign(outcome.location);
        return;
      }
      if (outcome.kind === "refused") {  // the server's own page shows what is wrong; nothing was stored
        await remove(item.key);
        form.submit();
        return;
      }
      form.reset();
      keyField.value = newKey();
      busy = false;
      if (outcome.kind !== "logged_out") retryLater();
      await show(outcome.kind === "logged_out" ? "logged_out" : "queued");
      status.scrollIntoView({ block: "center" });
    });
    if (location.hash.startsWith("#queued-")) {
      waiting().then((items) => {
        const item = items.find((candidate) => "#queued-" + candidate.key === location.hash);
        if (item) reopen(item);
      });
    }
  }

  // --- logging out: nothing of this reporter's pages stays in the browser's store -------------------------------
  document.querySelectorAll("form[action$='/logout']").forEach((logout) => {
    logout.addEventListener("submit", (event) => {
      if (!window.caches) return;
      event.preventDefault();
      caches.keys()
        .then((names) => Promise.all(names.filter((n) => n.startsWith("est-offline-")).map((n) => caches.delete(n))))
        .finally(() => logout.submit());
    }, { once: true });
  });

  // --- the service worker: keep the pages and what they load ---------------------------------------------------
  function assets() {
    const urls = new Set();
    document.querySelectorAll("link[rel~=stylesheet][href], link[rel~=icon][href], script[src], img[src]")
      .forEach((element) => urls.add(element.href || element.src));
    performance.getEntriesByType("resource")
      .filter((entry) => !["fetch", "xmlhttprequest", "beacon"].includes(entry.initiatorType))
      .forEach((entry) => urls.add(entry.name));
    return Array.from(urls).filter((url) => new URL(url, location.href).origin === location.origin);
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.worker, { scope: config.scope })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => registration.active.postMessage({ type: "keep", pages: config.pages, assets: assets() }))
      .catch(() => {});  // no worker (private mode, an old browser): the queue still keeps reports while the page is open
  }

  window.addEventListener("online", flush);
  show(navigator.onLine ? null : "offline").then(flush);
})();
