/* The observation form: "shown only if" without reload, validation in the browser, live protocol arithmetic,
   a UUID made when the form opens, and sending that never loses a form (kept on the device when offline). */
(function () {
  "use strict";

  var form = document.getElementById("observation-form");
  if (!form || !window.EOM) return;
  var EOM = window.EOM;
  var M = EOM.messages;
  var mode = form.getAttribute("data-mode");
  var statusBox = document.getElementById("form-status");
  var summary = document.getElementById("form-errors");
  var submitButton = form.querySelector("button[type=submit]");
  var existingNode = document.getElementById("eom-existing");
  var existing = existingNode ? JSON.parse(existingNode.textContent) : null;

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b + 0x100).toString(16).slice(1);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // The identifier is made once, when the form opens: resending the same form can never make a second record.
  var formUuid = form.getAttribute("data-uuid") || newUuid();
  form.setAttribute("data-uuid", formUuid);

  var questions = Array.prototype.slice.call(form.querySelectorAll(".question[data-question]"));
  var byCode = {};
  questions.forEach(function (node) {
    byCode[node.getAttribute("data-question")] = node;
  });

  function inputsOf(node) {
    return Array.prototype.slice.call(node.querySelectorAll("input, textarea, select"));
  }

  // The current answer of a question: null when blank or hidden, a list for multiple choice.
  function valueOf(code) {
    var node = byCode[code];
    if (!node || node.hidden) return null;
    var type = node.getAttribute("data-type");
    var inputs = inputsOf(node);
    if (type === "multiple") {
      return inputs
        .filter(function (input) {
          return input.checked;
        })
        .map(function (input) {
          return input.value;
        });
    }
    if (type === "yes_no" || type === "yes_no_na" || type === "single") {
      var checked = inputs.filter(function (input) {
        return input.checked;
      })[0];
      return checked ? checked.value : null;
    }
    var raw = inputs[0] ? inputs[0].value.trim() : "";
    if (raw === "") return null;
    if (type === "integer") return /^-?\d+$/.test(raw) ? parseInt(raw, 10) : raw;
    if (type === "time") return time24(raw);
    if (type === "week") return weekMonday(raw);
    return raw;
  }

  // A time is typed as 24-hour HH:MM into a text field (Chromium's time picker shows AM/PM in English):
  // "1405", "14.05", "9:05" and "14:05:00" all read as HH:MM; anything else is left for the check to refuse.
  function time24(raw) {
    var match = /^(\d{1,2})[:.h ]?(\d{2})(?::\d{2})?$/.exec(raw);
    if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return raw;
    return (match[1].length === 1 ? "0" : "") + match[1] + ":" + match[2];
  }

  // ------------------------------------------------------------------------------------------ dates and weeks

  var DAY_MS = 86400000;
  var DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

  function isoDay(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  // A week is sent as the date of its Monday: "2019-W21" (a week picker) or any day of it (where the browser has
  // no week picker and shows a text field) both become "2019-05-20".
  function weekMonday(raw) {
    var match = /^(\d{4})-W(\d{2})$/.exec(raw);
    if (match) {
      var jan4 = Date.UTC(Number(match[1]), 0, 4);
      var jan4Day = new Date(jan4).getUTCDay() || 7;
      return isoDay(jan4 - (jan4Day - 1) * DAY_MS + (Number(match[2]) - 1) * 7 * DAY_MS);
    }
    if (DATE_RE.test(raw) && !isNaN(Date.parse(raw + "T00:00:00Z"))) {
      var day = Date.parse(raw + "T00:00:00Z");
      return isoDay(day - ((new Date(day).getUTCDay() || 7) - 1) * DAY_MS);
    }
    return raw;
  }

  // "2019-05-20" -> "2019-W21", the value a week picker shows.
  function isoWeek(monday) {
    var day = Date.parse(monday + "T00:00:00Z");
    var thursday = new Date(day + (4 - (new Date(day).getUTCDay() || 7)) * DAY_MS);
    var year = thursday.getUTCFullYear();
    var week = Math.ceil(((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
    return year + "-W" + (week < 10 ? "0" : "") + week;
  }

  // A condition tree (checklists.expressions): true, false or null (unknown, e.g. a blank answer), as the server
  // evaluates it. Blank or hidden answers are unknown; a condition that is not true hides its question.
  function blankValue(value) {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  }

  function numberOrText(code) {
    var value = valueOf(code);
    if (blankValue(value)) return null;
    var type = byCode[code] ? byCode[code].getAttribute("data-type") : "";
    if ((type === "integer" || type === "decimal") && !isNaN(Number(value))) return Number(value);
    return value;
  }

  function evaluate(node) {
    var tag = node[0];
    var i, result, unknown;
    if (tag === "num") return Number(node[1]);
    if (tag === "str") return node[1];
    if (tag === "var") return numberOrText(node[1]);
    if (tag === "and" || tag === "or") {
      unknown = false;
      for (i = 1; i < node.length; i++) {
        result = evaluate(node[i]);
        if (result === (tag === "or")) return tag === "or";
        if (result === null) unknown = true;
      }
      return unknown ? null : tag === "and";
    }
    if (tag === "not") {
      result = evaluate(node[1]);
      return result === null ? null : !result;
    }
    if (tag === "answered") return !blankValue(valueOf(node[1][1]));
    if (tag === "in") {
      var value = evaluate(node[1]);
      if (value === null) return null;
      var wanted = node[2][1].map(String);
      return (Array.isArray(value) ? value : [value]).some(function (item) {
        return wanted.indexOf(String(item)) !== -1;
      });
    }
    if (tag === "cmp") {
      var a = evaluate(node[2]);
      var b = evaluate(node[3]);
      if (a === null || b === null) return null;
      if (typeof a !== typeof b) {
        a = String(a);
        b = String(b);
      }
      switch (node[1]) {
        case "=": return a === b;
        case "!=": return a !== b;
        case "<": return a < b;
        case "<=": return a <= b;
        case ">": return a > b;
        default: return a >= b;
      }
    }
    if (tag === "arith" || tag === "neg") {
      var x = evaluate(node[tag === "neg" ? 1 : 2]);
      if (typeof x !== "number") return null;
      if (tag === "neg") return -x;
      var y = evaluate(node[3]);
      if (typeof y !== "number") return null;
      if (node[1] === "+") return x + y;
      if (node[1] === "-") return x - y;
      if (node[1] === "*") return x * y;
      return y === 0 ? null : x / y;
    }
    if (tag === "call") {
      var args = node.slice(2).map(evaluate);
      if (node[1] === "coalesce") {
        for (i = 0; i < args.length; i++) if (args[i] !== null) return args[i];
        return null;
      }
      if (args.some(function (arg) { return typeof arg !== "number"; })) return null;
      if (node[1] === "sum") return args.reduce(function (p, q) { return p + q; }, 0);
      if (node[1] === "min") return Math.min.apply(null, args);
      if (node[1] === "max") return Math.max.apply(null, args);
      return Math.abs(args[0]);
    }
    return null;
  }

  function applyConditions() {
    questions.forEach(function (node) {
      var tree = node.getAttribute("data-condition");
      var parent = node.getAttribute("data-shown-if-code");
      if (!tree && !parent) return;
      var visible;
      if (tree) {
        visible = evaluate(JSON.parse(tree)) === true;
      } else {
        var wanted = JSON.parse(node.getAttribute("data-shown-if-values") || "[]").map(String);
        var value = valueOf(parent);
        var values = Array.isArray(value) ? value : value === null ? [] : [value];
        visible = values.some(function (item) {
          return wanted.indexOf(String(item)) !== -1;
        });
      }
      node.hidden = !visible;
      inputsOf(node).forEach(function (input) {
        input.disabled = !visible;
      });
    });
  }

  // ------------------------------------------------------------------------------------------ validation

  function headerInput(name) {
    return form.querySelector("[name=" + name + "]");
  }

  function validate() {
    var errors = {};
    questions.forEach(function (node) {
      if (node.hidden) return;
      var code = node.getAttribute("data-question");
      var type = node.getAttribute("data-type");
      var value = valueOf(code);
      var blank = value === null || (Array.isArray(value) && value.length === 0);
      if (blank) {
        if (node.getAttribute("data-required") === "1") errors[code] = M.required;
        return;
      }
      if (type === "integer") {
        if (typeof value !== "number") {
          errors[code] = M.integer;
          return;
        }
        var min = node.getAttribute("data-min");
        var max = node.getAttribute("data-max");
        if (min !== null && value < Number(min)) errors[code] = EOM.format(M.min, { n: min });
        if (max !== null && value > Number(max)) errors[code] = EOM.format(M.max, { n: max });
      }
      if (type === "time" && !/^\d{2}:\d{2}$/.test(value)) errors[code] = M.time;
      if (type === "date" && (!DATE_RE.test(value) || isNaN(Date.parse(value + "T00:00:00Z")))) errors[code] = M.date;
      if (type === "week" && !DATE_RE.test(value)) errors[code] = M.week;
    });
    var arrival = headerInput("arrival_time");
    var departure = headerInput("departure_time");
    ["arrival_time", "departure_time"].forEach(function (name) {
      var input = headerInput(name);
      if (input && input.value && !/^\d{2}:\d{2}$/.test(time24(input.value.trim()))) errors[name] = M.time;
    });
    return errors;
  }

  function clearErrors() {
    summary.hidden = true;
    summary.textContent = "";
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (node) {
      node.hidden = true;
      node.textContent = "";
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (node) {
      node.removeAttribute("aria-invalid");
    });
  }

  // Messages go next to their field (browser or server checks alike); the rest into the summary at the top.
  function showErrors(errors) {
    clearErrors();
    var general = [];
    var first = null;
    Object.keys(errors).forEach(function (code) {
      var messages = Array.isArray(errors[code]) ? errors[code].join(" ") : String(errors[code]);
      var place = document.getElementById("e-" + code);
      if (place) {
        place.textContent = messages;
        place.hidden = false;
        var container = byCode[code] || form.querySelector("[data-header=" + code + "]");
        if (container) {
          inputsOf(container).forEach(function (input) {
            input.setAttribute("aria-invalid", "true");
          });
          if (!first) first = inputsOf(container)[0];
        }
      } else {
        general.push(messages);
      }
    });
    var heading = document.createElement("p");
    heading.textContent = M.fix_errors;
    summary.appendChild(heading);
    general.forEach(function (message) {
      var line = document.createElement("p");
      line.textContent = message;
      summary.appendChild(line);
    });
    summary.hidden = false;
    if (first) first.focus();
    else summary.focus();
  }

  // ------------------------------------------------------------------------------------------ protocol

  var protocolList = document.getElementById("protocol-issues");

  // Protocol field -> number for the shown protocol questions (null when blank).
  function figures() {
    var result = {};
    questions.forEach(function (node) {
      var field = node.getAttribute("data-protocol");
      if (!field) return;
      var value = valueOf(node.getAttribute("data-question"));
      result[field] = typeof value === "number" ? value : null;
    });
    return result;
  }

  function known() {
    for (var i = 0; i < arguments.length; i++) if (arguments[i] === null || arguments[i] === undefined) return false;
    return true;
  }

  // The same four rules as the server's protocol check (mobile-voting figures left blank count as zero);
  // a mismatch is shown, it never blocks sending.
  function protocolIssues() {
    var f = figures();
    var issues = [];
    var checked = 0;
    var issuedMobile = f.ballots_issued_mobile || 0;
    var foundMobile = f.ballots_found_mobile || 0;
    if (known(f.ballots_received, f.ballots_issued, f.ballots_unused, f.ballots_spoiled)) {
      checked++;
      var accounted = f.ballots_issued + issuedMobile + f.ballots_unused + f.ballots_spoiled;
      if (f.ballots_received !== accounted) {
        issues.push(EOM.format(M.protocol_received, { received: f.ballots_received, sum: accounted }));
      }
    }
    if (known(f.ballots_found_stationary, f.ballots_valid, f.ballots_invalid)) {
      checked++;
      var found = f.ballots_found_stationary + foundMobile;
      if (found !== f.ballots_valid + f.ballots_invalid) {
        issues.push(EOM.format(M.protocol_found, { found: found, sum: f.ballots_valid + f.ballots_invalid }));
      }
    }
    var candidates = Object.keys(f).filter(function (name) {
      return /^candidate_\d+$/.test(name);
    });
    var votes = candidates.map(function (name) {
      return f[name];
    });
    if (known(f.ballots_valid) && candidates.length && votes.indexOf(null) === -1) {
      checked++;
      var total = votes.reduce(function (a, b) {
        return a + b;
      }, 0);
      if (total !== f.ballots_valid) issues.push(EOM.format(M.protocol_valid, { valid: f.ballots_valid, sum: total }));
    }
    if (known(f.ballots_found_stationary, f.ballots_issued)) {
      checked++;
      var inBoxes = f.ballots_found_stationary + foundMobile;
      var issued = f.ballots_issued + issuedMobile;
      if (inBoxes > issued) issues.push(EOM.format(M.protocol_found_issued, { found: inBoxes, issued: issued }));
    }
    return { checked: checked, issues: issues };
  }

  function showProtocol() {
    if (!protocolList) return;
    var result = protocolIssues();
    var issues = result.issues;
    protocolList.textContent = "";
    if (!result.checked) return;
    (issues.length ? issues : [M.protocol_ok]).forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      li.className = issues.length ? "warn" : "ok";
      protocolList.appendChild(li);
    });
  }

  // ------------------------------------------------------------------------------------------ payload

  function numberOrNull(value) {
    return value ? Number(value) : null;
  }

  function payload() {
    var answers = {};
    questions.forEach(function (node) {
      if (node.hidden) return;
      var code = node.getAttribute("data-question");
      var value = valueOf(code);
      answers[code] = Array.isArray(value) && value.length === 0 ? null : value;
    });
    var arrival = headerInput("arrival_time");
    var departure = headerInput("departure_time");
    var confidential = headerInput("confidential");
    return {
      uuid: formUuid,
      template: Number(form.getAttribute("data-template")),
      polling_station: numberOrNull(headerInput("polling_station").value),
      tec: numberOrNull(headerInput("tec").value),
      // Clock times: the server places them on election day in the station's time zone (counts may pass midnight).
      arrival_time: arrival && arrival.value ? time24(arrival.value.trim()) : null,
      departure_time: departure && departure.value ? time24(departure.value.trim()) : null,
      urgent: headerInput("urgent").checked,
      confidential: confidential ? confidential.checked : false,
      notes: headerInput("notes").value,
      answers: answers,
    };
  }

  function prefill(data) {
    var arrival = headerInput("arrival_time");
    var departure = headerInput("departure_time");
    if (arrival) arrival.value = data.arrival_clock || "";
    if (departure) departure.value = data.departure_clock || "";
    headerInput("urgent").checked = !!data.urgent;
    if (headerInput("confidential")) headerInput("confidential").checked = !!data.confidential;
    headerInput("notes").value = data.notes || "";
    var answers = data.answers || {};
    Object.keys(answers).forEach(function (code) {
      var node = byCode[code];
      var value = answers[code];
      if (!node || value === null || value === undefined) return;
      var values = (Array.isArray(value) ? value : [value]).map(String);
      inputsOf(node).forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") input.checked = values.indexOf(input.value) !== -1;
        else if (input.type === "week" && DATE_RE.test(values[0])) input.value = isoWeek(values[0]);
        else input.value = values[0];
      });
    });
  }

  // ------------------------------------------------------------------------------------------ drafts

  // Every field as typed (hidden questions included), so a draft restores exactly what was on the screen.
  function snapshot() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.type === "hidden" || input.type === "submit" || input.type === "button") return;
      if (input.type === "radio" || input.type === "checkbox") {
        if (!(input.name in fields)) fields[input.name] = [];
        if (input.checked) fields[input.name].push(input.value);
      } else {
        fields[input.name] = input.value;
      }
    });
    return fields;
  }

  function restore(fields) {
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || !(input.name in fields) || input.type === "hidden") return;
      var value = fields[input.name];
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = Array.isArray(value) && value.indexOf(input.value) !== -1;
      } else if (typeof value === "string") {
        input.value = value;
      }
    });
  }

  var DRAFT_PREFIX = "eom-draft:";
  var draftKey = DRAFT_PREFIX + (form.getAttribute("data-draft-key") || window.location.pathname + window.location.search);
  var draftNote = document.getElementById("draft-note");
  var pristine = null;
  var finished = false; // sent or kept in the outbox: nothing left to lose
  var leaving = false; // the observer already agreed to leave

  var drafts = {
    read: function () {
      try {
        return JSON.parse(window.localStorage.getItem(draftKey) || "null");
      } catch (error) {
        return null;
      }
    },
    write: function (draft) {
      try {
        window.localStorage.setItem(draftKey, JSON.stringify(draft));
        return true;
      } catch (error) {
        return false;
      }
    },
    clear: function () {
      try {
        window.localStorage.removeItem(draftKey);
      } catch (error) {
        return;
      }
    },
  };

  function changed() {
    return !finished && pristine !== null && JSON.stringify(snapshot()) !== pristine;
  }

  function saveDraft() {
    if (finished || pristine === null) return;
    if (!changed()) {
      drafts.clear();
      return;
    }
    drafts.write({ uuid: formUuid, savedAt: new Date().toISOString(), fields: snapshot() });
  }

  function showDraftNote(draft) {
    if (!draftNote) return;
    document.getElementById("draft-text").textContent = EOM.format(M.draft_restored, {
      time: EOM.clock(new Date(draft.savedAt), form.getAttribute("data-time-zone")),
    });
    draftNote.hidden = false;
  }

  function discardDraft() {
    if (!window.confirm(M.draft_discard_confirm)) return;
    drafts.clear();
    leaving = true;
    window.location.reload();
  }

  // Nothing typed is lost silently: the browser asks before the page goes, and in-site links ask in words.
  window.addEventListener("beforeunload", function (event) {
    if (leaving) return;
    saveDraft();
    if (!changed()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || link.target === "_blank" || !changed()) return;
    if (link.getAttribute("href").charAt(0) === "#") return;
    if (window.confirm(M.leave_confirm)) {
      saveDraft();
      leaving = true;
    } else {
      event.preventDefault();
    }
  });

  // Once sent or kept in the outbox, the draft has done its work.
  function finish() {
    finished = true;
    drafts.clear();
    if (draftNote) draftNote.hidden = true;
  }

  // ------------------------------------------------------------------------------------------ sending

  function say(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "form-status " + (kind || "");
  }

  function lockForm() {
    submitButton.disabled = true;
    var home = document.createElement("a");
    home.href = form.getAttribute("data-home-url");
    home.className = "button";
    home.textContent = document.querySelector(".breadcrumbs a") ? document.querySelector(".breadcrumbs a").textContent : "";
    statusBox.appendChild(document.createTextNode(" "));
    statusBox.appendChild(home);
  }

  // A correction is kept like a new form: the server answers a resend of the same content with no change, and a
  // later correction of the same form replaces the one waiting (the outbox keeps one entry per form).
  function keepOnDevice(body) {
    var zone = form.getAttribute("data-time-zone");
    var title = form.getAttribute("data-title");
    if (mode !== "new") title = EOM.format(M.correction_of, { form: title });
    return EOM.enqueue({
      uuid: formUuid,
      url: form.getAttribute("data-submit-url"),
      body: body,
      title: title,
      zone: zone,
      page: window.location.pathname + window.location.search,
    }).then(
      function () {
        finish();
        say(EOM.format(M.kept_on_device, { form: title, time: EOM.clock(new Date(), zone) }), "queued");
        lockForm();
      },
      function () {
        // The device refused to keep it (storage full or private mode): the draft stays, the form stays open.
        submitButton.disabled = false;
        say(M.not_kept, "error");
      }
    );
  }

  function handle(result, body) {
    if (EOM.confirmed(result, formUuid)) {
      finish();
      var text = EOM.receivedText(form.getAttribute("data-title"), result.body.received_at, form.getAttribute("data-time-zone"));
      if (mode !== "new") text = M.correction_saved + " " + text;
      say(text, "ok");
      EOM.announce(text, "ok", "only");
      window.location.assign(mode === "new" ? form.getAttribute("data-home-url") : result.body.url);
      return;
    }
    submitButton.disabled = false;
    if (result.status === 400) {
      showErrors((result.body && result.body.errors) || { __all__: [M.fix_errors] });
      say("", "");
    } else if (result.status === 409) {
      say(M.conflict, "error");
    } else if (result.status === 403 || result.status === 404) {
      say((result.body && result.body.detail) || M.forbidden, "error");
    } else {
      // Logged out or the server is in trouble: keep the form and send it later.
      return keepOnDevice(body);
    }
  }

  form.addEventListener("input", function () {
    applyConditions();
    showProtocol();
    saveDraft();
  });
  form.addEventListener("change", function () {
    applyConditions();
    showProtocol();
    saveDraft();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    applyConditions();
    var errors = validate();
    if (Object.keys(errors).length) {
      showErrors(errors);
      return;
    }
    clearErrors();
    var body = JSON.stringify(payload());
    submitButton.disabled = true;
    if (navigator.onLine === false) {
      keepOnDevice(body);
      return;
    }
    say(M.sending, "");
    EOM.post(form.getAttribute("data-submit-url"), body).then(
      function (result) {
        return handle(result, body);
      },
      function () {
        return keepOnDevice(body);
      }
    );
  });

  if (existing) prefill(existing);
  applyConditions();
  pristine = JSON.stringify(snapshot());
  var draft = drafts.read();
  if (draft && draft.fields) {
    restore(draft.fields);
    // A new form keeps the identifier it had when the draft was started: it is still the same form.
    if (mode === "new" && draft.uuid) {
      formUuid = draft.uuid;
      form.setAttribute("data-uuid", formUuid);
    }
    applyConditions();
    showDraftNote(draft);
  }
  if (draftNote) document.getElementById("draft-discard").addEventListener("click", discardDraft);
  showProtocol();
  form.setAttribute("data-ready", "1");
})();
