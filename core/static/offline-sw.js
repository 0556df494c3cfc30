/* est's service worker for a tenant's reporter pages (served at /t/<slug>/sw.js, scope /t/<slug>/).

   Pages (navigations) come from the network first, so a page online is always fresh; a page the reporter's pages
   asked to keep (core/static/offline.js: the home and the report form) is stored on every visit and answered from
   the store when the network fails. Everything else the pages load from this origin — discovered from the page,
   not listed here — is kept and answered from the store first: the store's name carries the digest of est's static
   files (?v=), so a deployment that changes them installs a new worker and a new store. Only GET is intercepted:
   reports are posted by the page (offline.js), never replayed from here. */
"use strict";

const PREFIX = "est-offline-";
const STORE = PREFIX + (new URL(self.location.href).searchParams.get("v") || "0");

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== STORE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function sameOrigin(url) {
  return new URL(url, self.location.href).origin === self.location.origin;
}

async function keep(pages, assets) {
  const store = await caches.open(STORE);
  const wanted = [];  // what is kept already stays: pages are refreshed whenever they are visited (page below)
  for (const url of pages.concat(assets).filter(sameOrigin)) {
    if (!wanted.includes(url) && !(await store.match(url))) wanted.push(url);
  }
  await Promise.all(wanted.map(async (url) => {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await store.put(url, response);
    } catch (error) {
      // offline again: kept on the next visit
    }
  }));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep") event.waitUntil(keep(data.pages || [], data.assets || []));
});

async function page(request) {
  const store = await caches.open(STORE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && (await store.match(request.url))) {
      await store.put(request.url, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await store.match(request.url);
    if (kept) return kept;
    throw error;
  }
}

async function asset(request) {
  const kept = await caches.match(request, { cacheName: STORE });
  return kept || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !sameOrigin(request.url)) return;
  event.respondWith(request.mode === "navigate" ? page(request) : asset(request));
});
