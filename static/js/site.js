/* Observers' site, every page: service worker, the outbox of forms waiting to send, the queue banner. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");
  var messagesNode = document.getElementById("eom-messages");
  var MESSAGES = messagesNode ? JSON.parse(messagesNode.textContent) : {};
  var RETRY_MS = 15000;
  var DB_NAME = "eom";
  var STORE = "outbox";

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (match, key) {
      return values && key in values ? values[key] : match;
    });
  }

  function plural(forms, count) {
    var category = "other";
    try {
      category = new Intl.PluralRules(MESSAGES.language || "en").select(count);
    } catch (error) {
      category = count === 1 ? "one" : "other";
    }
    return format((forms && (forms[category] || forms.other)) || "", { n: count });
  }

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var index = parts[i].indexOf("=");
      if (parts[i].slice(0, index) === name) return decodeURIComponent(parts[i].slice(index + 1));
    }
    return "";
  }

  // "2019-06-09 10:32 +06": ISO date, 24-hour time and the zone, as the pages write times (mission_time_zone). The
  // zone is written as its offset, which is the zone's name in the time-zone database for most zones of the region;
  // where that name is letters (CEST) the server writes the letters and this the offset.
  function clock(date, zone) {
    var iso = date.toISOString();
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone || "UTC",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZoneName: "longOffset",
      })
        .formatToParts(date)
        .forEach(function (part) {
          parts[part.type] = part.value;
        });
      var match = /([+-])(\d{2}):(\d{2})/.exec(parts.timeZoneName || "");
      var offset = match ? match[1] + match[2] + (match[3] === "00" ? "" : match[3]) : "UTC";
      return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + " " + offset;
    } catch (error) {
      return iso.slice(0, 10) + " " + iso.slice(11, 16) + " UTC";
    }
  }

  function receivedText(title, receivedAt, zone) {
    var when = receivedAt ? new Date(receivedAt) : new Date();
    return format(MESSAGES.received_by_server, { form: title || "", time: clock(when, zone) });
  }

  // ------------------------------------------------------------------------------------------ confirmation

  var CONFIRMATION_KEY = "eom-confirmation";

  function keptConfirmations() {
    try {
      return JSON.parse(sessionStorage.getItem(CONFIRMATION_KEY) || "[]");
    } catch (error) {
      return [];
    }
  }

  // Show a confirmation at the top of this page; with `nextPage`, at the top of the next page this tab opens (also
  // when it is this one: the observer may be leaving it as the confirmation arrives).
  function announce(text, kind, nextPage) {
    if (nextPage) {
      try {
        var kept = keptConfirmations();
        kept.push({ text: text, kind: kind || "ok" });
        sessionStorage.setItem(CONFIRMATION_KEY, JSON.stringify(kept));
        if (nextPage === "only") return;
      } catch (error) {
        // no session storage: show it here at least
      }
    }
    var box = document.getElementById("confirmation");
    if (!box) return;
    var line = document.createElement("p");
    line.textContent = text;
    box.appendChild(line);
    box.className = "confirmation " + (kind || "ok");
    box.hidden = false;
  }

  function showKeptConfirmation() {
    var kept = keptConfirmations();
    try {
      sessionStorage.removeItem(CONFIRMATION_KEY);
    } catch (error) {
      kept = [];
    }
    kept.forEach(function (entry) {
      if (entry && entry.text) announce(entry.text, entry.kind);
    });
  }

  // Links that open a form already waiting on this device say so, and so does that form's page, so nobody fills
  // it in again under a new identifier.
  function markWaitingLinks(waiting) {
    var here = window.location.pathname + window.location.search;
    var note = document.getElementById("form-waiting-here");
    var form = document.getElementById("observation-form");
    if (note && form) {
      var editing = form.getAttribute("data-mode") !== "new";
      note.hidden = !waiting.some(function (item) {
        return item.page === here && (editing || item.uuid !== form.getAttribute("data-uuid"));
      });
    }
    Array.prototype.forEach.call(document.querySelectorAll(".badge.waiting-here"), function (node) {
      node.parentNode.removeChild(node);
    });
    waiting.forEach(function (item) {
      if (!item.page) return;
      Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (link) {
        if (link.getAttribute("href") !== item.page || link.closest("#queue-banner")) return;
        var badge = document.createElement("span");
        badge.className = "badge warn waiting-here";
        badge.textContent = MESSAGES.waiting_here;
        link.parentNode.insertBefore(badge, link);
      });
    });
  }

  // ------------------------------------------------------------------------------------------ IndexedDB

  function openDb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) {
        reject(new Error("IndexedDB unavailable"));
        return;
      }
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "uuid" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () {
          db.close();
          resolve(result && "result" in result ? result.result : result);
        };
        transaction.onerror = function () {
          db.close();
          reject(transaction.error);
        };
      });
    });
  }

  var outbox = {
    put: function (item) {
      return withStore("readwrite", function (store) {
        store.put(item);
      });
    },
    all: function () {
      return withStore("readonly", function (store) {
        return store.getAll();
      }).then(function (items) {
        return (items || []).sort(function (a, b) {
          return (a.savedAt || "").localeCompare(b.savedAt || "");
        });
      });
    },
    remove: function (uuid) {
      return withStore("readwrite", function (store) {
        store.delete(uuid);
      });
    },
  };

  // ------------------------------------------------------------------------------------------ sending

  // Post one form. Resolves with {status, body}; rejects only when the network failed.
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": cookie("csrftoken"),
        "X-Requested-With": "XMLHttpRequest",
      },
      body: body,
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      var parse = type.indexOf("application/json") === 0 ? response.json() : Promise.resolve(null);
      return parse.then(
        function (data) {
          return { status: response.status, body: data };
        },
        function () {
          return { status: response.status, body: null };
        }
      );
    });
  }

  // The server has the form only when it answered 200/201 with the form's own identifier.
  function confirmed(result, uuid) {
    return (result.status === 200 || result.status === 201) && result.body && result.body.uuid === uuid;
  }

  var flushing = null;

  function flush() {
    if (flushing) return flushing;
    // Offline: nothing can be sent, but the banner must still say what waits on this device.
    if (navigator.onLine === false) return render();
    var received = [];
    flushing = outbox
      .all()
      .then(function (items) {
        var waiting = items.filter(function (item) {
          return item.state !== "attention";
        });
        var chain = Promise.resolve(true);
        waiting.forEach(function (item) {
          chain = chain.then(function (keepGoing) {
            if (!keepGoing) return false;
            return post(item.url, item.body).then(
              function (result) {
                if (confirmed(result, item.uuid)) {
                  received.push({ item: item, body: result.body });
                  return outbox.remove(item.uuid).then(function () {
                    return true;
                  });
                }
                if (result.status === 400 || result.status === 409 || result.status === 403 || result.status === 404) {
                  item.state = "attention";
                  item.status = result.status;
                  item.error = (result.body && result.body.detail) || MESSAGES.forbidden;
                  item.errors = (result.body && result.body.errors) || null;
                  return outbox.put(item).then(function () {
                    return true;
                  });
                }
                // 401 (log in again), 5xx: keep it waiting and try later.
                item.error = result.status === 401 ? MESSAGES.login_again : MESSAGES.server_error;
                return outbox.put(item).then(function () {
                  return false;
                });
              },
              function () {
                return false;
              }
            );
          });
        });
        return chain;
      })
      .catch(function () {
        return null;
      })
      .then(function () {
        flushing = null;
        received.forEach(function (entry) {
          announce(receivedText(entry.item.title, entry.body && entry.body.received_at, entry.item.zone), "ok", true);
        });
        return render();
      });
    return flushing;
  }

  // ------------------------------------------------------------------------------------------ banner

  function render() {
    var banner = document.getElementById("queue-banner");
    if (!banner) return Promise.resolve();
    return outbox
      .all()
      .then(function (items) {
        var waiting = items.filter(function (item) {
          return item.state !== "attention";
        });
        var attention = items.filter(function (item) {
          return item.state === "attention";
        });
        var text = [];
        if (waiting.length) text.push(plural(MESSAGES.waiting, waiting.length));
        if (attention.length) text.push(plural(MESSAGES.attention, attention.length));
        if (waiting.length && navigator.onLine === false) text.push(MESSAGES.offline_waiting);
        var lastError = waiting.length && navigator.onLine !== false && waiting[waiting.length - 1].error;
        if (lastError) text.push(lastError);
        document.getElementById("queue-text").textContent = text.join(" · ");
        document.getElementById("queue-send").hidden = waiting.length === 0 || navigator.onLine === false;
        var waitingList = document.getElementById("queue-waiting");
        var details = document.getElementById("queue-details");
        if (details) details.hidden = waiting.length === 0;
        if (waitingList) {
          waitingList.textContent = "";
          waiting.forEach(function (item) {
            var li = document.createElement("li");
            li.textContent = format(MESSAGES.kept_since, {
              form: item.title || item.uuid,
              time: item.savedAt ? clock(new Date(item.savedAt), item.zone) : "",
            });
            waitingList.appendChild(li);
          });
        }
        markWaitingLinks(waiting);
        var list = document.getElementById("queue-attention");
        list.textContent = "";
        attention.forEach(function (item) {
          var li = document.createElement("li");
          var label = document.createElement("span");
          label.textContent = (item.title || item.uuid) + ": " + (item.error || "");
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "button small secondary";
          discard.textContent = MESSAGES.discard;
          discard.addEventListener("click", function () {
            if (window.confirm(MESSAGES.discard_confirm)) outbox.remove(item.uuid).then(render);
          });
          li.appendChild(label);
          li.appendChild(discard);
          list.appendChild(li);
        });
        banner.hidden = items.length === 0;
        banner.classList.toggle("attention", attention.length > 0);
        banner.setAttribute("data-waiting", String(waiting.length));
      })
      .catch(function () {
        banner.hidden = true;
      });
  }

  // Keep a form on this device; it is removed only once the server confirms it.
  function enqueue(item) {
    item.savedAt = new Date().toISOString();
    item.state = "waiting";
    return outbox.put(item).then(render);
  }

  // ------------------------------------------------------------------------------------------ wiring

  window.EOM = {
    messages: MESSAGES,
    format: format,
    cookie: cookie,
    post: post,
    confirmed: confirmed,
    enqueue: enqueue,
    flush: flush,
    clock: clock,
    announce: announce,
    receivedText: receivedText,
    render: render,
    outbox: outbox,
  };

  var sendButton = document.getElementById("queue-send");
  if (sendButton) sendButton.addEventListener("click", flush);
  window.addEventListener("online", flush);
  window.addEventListener("offline", render);
  window.setInterval(flush, RETRY_MS);

  var languageSelect = document.querySelector("select[data-autosubmit]");
  if (languageSelect) {
    languageSelect.addEventListener("change", function () {
      languageSelect.form.submit();
    });
  }

  // Pages of one user must not be shown to the next: forget the kept pages on logout.
  var logout = document.querySelector("form[data-logout]");
  if (logout && window.caches) {
    logout.addEventListener("submit", function (event) {
      event.preventDefault();
      caches.delete("eom-pages").then(
        function () {
          logout.submit();
        },
        function () {
          logout.submit();
        }
      );
    });
  }

  var script = document.currentScript;
  if ("serviceWorker" in navigator && script && script.getAttribute("data-sw")) {
    navigator.serviceWorker
      .register(script.getAttribute("data-sw"), { scope: "/" })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        var precacheNode = document.getElementById("eom-precache");
        if (!precacheNode || !registration.active) return;
        var urls = JSON.parse(precacheNode.textContent);
        urls.push(window.location.pathname);
        registration.active.postMessage({ type: "precache", urls: urls });
      })
      .catch(function () {
        return null;
      });
  }

  // Drafts nobody came back to for a month are dropped: the device does not keep observations forever.
  var DRAFT_DAYS = 30;
  try {
    Object.keys(window.localStorage).forEach(function (key) {
      if (key.indexOf("eom-draft:") !== 0) return;
      var draft = null;
      try {
        draft = JSON.parse(window.localStorage.getItem(key));
      } catch (error) {
        draft = null;
      }
      var age = draft && draft.savedAt ? Date.now() - Date.parse(draft.savedAt) : Infinity;
      if (!(age < DRAFT_DAYS * 86400000)) window.localStorage.removeItem(key);
    });
  } catch (error) {
    // no local storage: there are no drafts either
  }

  showKeptConfirmation();
  render().then(flush);
})();
