/* Service worker of the observers' site: pages network-first with a kept copy, static files cache-first.
   Submissions (POST) are never intercepted: the page keeps unsent forms in IndexedDB itself.

   What the device keeps is limited to the pages a team needs without a network (its plan, blank forms, its own
   forms): never planning, report runs or results, other teams' pages, the admin or the API, which hold personal data
   or embargoed figures (KEEP_PATTERNS is the whole list, built from the URL configuration by the server). Every
   page of a signed-in user comes with Cache-Control: no-store, so the browser's own HTTP cache keeps none of them;
   this worker's store is separate, holds only the listed pages, and is bound to the session (below).

   Kept pages belong to one session. Every page the server sends names its session with an opaque tag (EOM-Session,
   see config/middleware.py); when the tag changes (someone else signed in, or the same person again), when a page
   comes back as the login page (the session ended or expired on the server), or when the login page is opened, the
   kept pages are dropped before anything else is kept. The logout button drops them too. Only a page the user opens
   may start a new session's store: a page fetched in the background for the forms of a plan (precache) is kept only
   while its session is the one kept, so a fetch still running for the previous user never brings their pages back.
   Every change of the store runs after the one before it, so a session's check and the write it allows are never
   split by another response's change. */
"use strict";
const VERSION = "{{ version }}";
const STATIC_CACHE = "eom-static-" + VERSION;
const PAGE_CACHE = "eom-pages";
const SESSION_CACHE = "eom-session";
const SESSION_KEY = "/__eom_session__";
const SESSION_HEADER = "EOM-Session";
const STATIC_URLS = {{ static_urls|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const STATIC_PREFIX = {{ static_prefix|safe }};
const LOGIN_PATH = {{ login_path|safe }};
const KEEP_PATTERNS = {{ keep_patterns|safe }}.map((source) => new RegExp(source));
const NEVER_PREFIXES = ["/admin/", "/api/", "/accounts/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // The offline page holds nothing personal: it lives with the static files and survives a logout.
      const cache = await caches.open(STATIC_CACHE);
      await cache.addAll(STATIC_URLS.concat([OFFLINE_URL]));
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("eom-static-") && name !== STATIC_CACHE) await caches.delete(name);
      }
      // Pages an earlier version kept outside today's list go now.
      const pages = await caches.open(PAGE_CACHE);
      for (const request of await pages.keys()) {
        if (!mayKeep(new URL(request.url))) await pages.delete(request);
      }
      await self.clients.claim();
    })()
  );
});

function mayKeep(url) {
  return url.origin === self.location.origin && KEEP_PATTERNS.some((pattern) => pattern.test(url.pathname));
}

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("accept") || "").includes("text/html");
}

function endedSession(response) {
  // Signed-in pages redirect to the login page once the session is gone.
  return response.redirected && new URL(response.url).pathname === LOGIN_PATH;
}

// The changes of the kept pages, one after another.
let changes = Promise.resolve();
function serially(work) {
  const run = changes.then(work);
  changes = run.catch(() => undefined);
  return run;
}

async function dropPages() {
  await caches.delete(PAGE_CACHE);
  await caches.delete(SESSION_CACHE);
}

function forgetPages() {
  return serially(dropPages);
}

async function keptSession() {
  const kept = await (await caches.open(SESSION_CACHE)).match(SESSION_KEY);
  return kept ? await kept.text() : null;
}

// The session the kept pages belong to; a page the user opened of another (or no) session drops them first, a page
// fetched in the background of another session is not kept. Runs inside serially().
async function sameSession(response, opened) {
  const tag = response.headers.get(SESSION_HEADER);
  const keptTag = await keptSession();
  if (!tag) {
    if (keptTag !== null) await dropPages();
    return false;
  }
  if (keptTag !== tag) {
    if (keptTag !== null && !opened) return false;
    await dropPages();
    await (await caches.open(SESSION_CACHE)).put(SESSION_KEY, new Response(tag));
  }
  return true;
}

async function keep(request, response, opened) {
  // Keep only real pages of the signed-in user on the list: no redirects or errors.
  if (!response.ok || response.redirected || response.type !== "basic") return;
  if (!mayKeep(new URL(response.url || request.url))) return;
  const copy = response.clone();
  await serially(async () => {
    if (!(await sameSession(response, opened))) return;
    const cache = await caches.open(PAGE_CACHE);
    await cache.put(request, copy);
  });
}

async function fromNetworkKeepingCopy(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const kept = mayKeep(new URL(request.url))
      ? await caches.match(request, { cacheName: PAGE_CACHE, ignoreVary: true })
      : undefined;
    return kept || (await caches.match(OFFLINE_URL, { cacheName: STATIC_CACHE, ignoreVary: true })) || Response.error();
  }
  if (endedSession(response)) {
    await forgetPages();
  } else {
    await keep(request, response, true);
  }
  return response;
}

// Data the pages fetch (the incidents feed...): kept nowhere, but a redirect to the login page ends the session.
async function fromNetworkWatchingSession(request) {
  const response = await fetch(request);
  if (endedSession(response)) await forgetPages();
  return response;
}

async function staticFirst(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === LOGIN_PATH) {
    // The login page is where sessions end and the next user starts: nothing kept from before survives it.
    event.waitUntil(forgetPages());
    return;
  }
  if (NEVER_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFirst(request));
  } else if (isPage(request)) {
    event.respondWith(fromNetworkKeepingCopy(request));
  } else {
    event.respondWith(fromNetworkWatchingSession(request));
  }
});

// The home page asks to keep the forms of the team's plan, so they open without a network.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "precache" && Array.isArray(data.urls)) {
    event.waitUntil(
      (async () => {
        // The plan is that of the session kept when its page asked; once a response names another session (someone
        // else signed in meanwhile), the rest of this plan is not theirs and is not fetched.
        let asked = await keptSession();
        for (const path of data.urls) {
          const url = new URL(path, self.location.origin);
          if (!mayKeep(url)) continue;
          try {
            const response = await fetch(url, { credentials: "same-origin", headers: { accept: "text/html" } });
            if (endedSession(response)) return forgetPages();
            const tag = response.headers.get(SESSION_HEADER);
            if (asked === null) asked = tag;
            if (tag !== asked) return;
            await keep(new Request(url), response, false);
          } catch (error) {
            return;
          }
        }
      })()
    );
  } else if (data.type === "forget-pages") {
    event.waitUntil(forgetPages());
  }
});
