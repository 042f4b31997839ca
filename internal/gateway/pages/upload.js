// The upload page. Files wait in a queue and go two at a time. For each,
// the page asks the gateway for a ticket (it applies the link's rules),
// sends the file's parts where the gateway says — four at a time, each
// tried again when it fails or stalls — and tells the gateway they were
// sent (it puts the file together and checks the store). A file can be
// cancelled while it goes: the gateway aborts its upload, and every URL of
// its parts stops working.
(function () {
  "use strict";
  var root = document.getElementById("upload");
  var id = root.getAttribute("data-id");
  var input = document.getElementById("files");
  var drop = document.getElementById("drop");
  var list = document.getElementById("list");
  var password = document.getElementById("password");
  var FILES = 2, PARTS = 4, TRIES = 4;
  var CALL_TIMEOUT = 60000, DONE_TIMEOUT = 300000, STALL = 60000;
  var queue = [], running = 0;

  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("div");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    var status = document.createElement("div");
    status.className = "status";
    status.textContent = "waiting";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "cancel";
    cancel.textContent = "Cancel";
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(status);
    li.appendChild(cancel);
    list.appendChild(li);
    return { li: li, bar: bar, status: status, cancel: cancel };
  }

  function show(r, state, msg) {
    r.li.className = state;
    r.bar.hidden = state === "refused";
    r.cancel.hidden = true;
    r.status.textContent = msg;
  }

  // call POSTs body as JSON; done(status, answer). Status 0: no answer.
  function call(url, body, timeout, done) {
    var x = new XMLHttpRequest();
    x.open("POST", url);
    x.timeout = timeout;
    x.setRequestHeader("Content-Type", "application/json");
    x.onload = function () {
      var out = {};
      try { out = JSON.parse(x.responseText); } catch (e) {}
      done(x.status, out);
    };
    x.onerror = x.ontimeout = function () { done(0, { error: "the gateway could not be reached" }); };
    x.send(JSON.stringify(body));
    return x;
  }

  // put sends blob; progress(loaded) as it goes; done(error, status) with
  // error "" on success. A send that moves no byte for a minute is
  // stopped, as a failure with status 0.
  function put(method, url, headers, blob, progress, done) {
    var x = new XMLHttpRequest();
    var watch;
    function stalled() { x.abort(); done("the upload stalled", 0); }
    x.open(method, url);
    for (var h in headers) {
      if (h.toLowerCase() !== "content-length") {
        x.setRequestHeader(h, headers[h]);
      }
    }
    watch = setTimeout(stalled, STALL);
    x.upload.onprogress = function (e) {
      clearTimeout(watch);
      watch = setTimeout(stalled, STALL);
      progress(e.loaded);
    };
    x.onload = function () {
      clearTimeout(watch);
      if (x.status >= 200 && x.status < 300) {
        done("", x.status);
        return;
      }
      var msg = "";
      try { msg = JSON.parse(x.responseText).error; } catch (e) {}
      done(msg || "the upload failed (HTTP " + x.status + ")", x.status);
    };
    x.onerror = function () {
      clearTimeout(watch);
      done("the upload failed: the connection broke, or the store does not let this page send to it (its CORS rules)", 0);
    };
    x.onabort = function () { clearTimeout(watch); };
    x.send(blob);
    return x;
  }

  function later(tries, fn) { setTimeout(fn, 1000 * Math.pow(2, tries - 1)); }

  function send(file, r, finished) {
    var live = [];     // requests under way
    var over = false;  // received, refused or given up
    var t = null;

    function track(x) {
      live.push(x);
      return x;
    }
    function untrack(x) {
      var i = live.indexOf(x);
      if (i >= 0) {
        live.splice(i, 1);
      }
    }
    // The gateway's own calls go to this page's origin, whatever address
    // the gateway believes it has.
    function fileURL(rest) { return id + "/files/" + t.id + rest; }
    function end(state, msg) {
      if (over) {
        return false;
      }
      over = true;
      for (var i = 0; i < live.length; i++) {
        live[i].abort();
      }
      live = [];
      show(r, state, msg);
      finished();
      return true;
    }
    // fail gives the file up: the gateway aborts its upload and gives its
    // place back — unless it was received meanwhile, which then shows.
    function fail(msg) {
      if (!end("refused", msg) || !t) {
        return;
      }
      call(fileURL("/cancel"), {}, CALL_TIMEOUT, function (status) {
        if (status === 409) {
          show(r, "done", "received");
        }
      });
    }
    r.cancel.onclick = function () { fail("cancelled"); };

    function confirm(tries) {
      r.bar.value = 1;
      r.status.textContent = "checking";
      track(call(fileURL("/done"), {}, DONE_TIMEOUT, function (status, d) {
        if (over) {
          return;
        }
        if (status === 200) {
          end("done", "received");
          return;
        }
        if ((status === 0 || status >= 500) && tries < TRIES) {
          later(tries, function () { if (!over) { confirm(tries + 1); } });
          return;
        }
        fail(d.error || "not confirmed (HTTP " + status + ")");
      }));
    }

    function parts() {
      var next = 1, sent = 0, loaded = [], total = 0;
      function progress(n, b) {
        total += b - (loaded[n] || 0);
        loaded[n] = b;
        r.bar.value = file.size ? total / file.size : 0;
      }
      function part(n, tries) {
        if (over) {
          return;
        }
        var x = track(call(fileURL("/parts/" + n), {}, CALL_TIMEOUT, function (status, pt) {
          untrack(x);
          if (over) {
            return;
          }
          if (status !== 200) {
            if ((status === 0 || status >= 500) && tries < TRIES) {
              later(tries, function () { part(n, tries + 1); });
              return;
            }
            fail(pt.error || "part " + n + " was refused (HTTP " + status + ")");
            return;
          }
          var from = (n - 1) * t.part_size;
          var y = track(put(pt.method, pt.url, pt.headers, file.slice(from, from + pt.size), function (b) { progress(n, b); }, function (err, code) {
            untrack(y);
            if (over) {
              return;
            }
            if (err) {
              progress(n, 0);
              if ((code === 0 || code >= 500) && tries < TRIES) {
                later(tries, function () { part(n, tries + 1); });
                return;
              }
              fail(err);
              return;
            }
            progress(n, pt.size);
            sent++;
            if (sent === t.parts) {
              confirm(1);
            } else if (next <= t.parts) {
              part(next++, 1);
            }
          }));
        }));
      }
      for (var i = 0; i < PARTS && next <= t.parts; i++) {
        part(next++, 1);
      }
    }

    r.status.textContent = "asking";
    var ask = { name: file.name, size: file.size, type: file.type, password: password ? password.value : "" };
    track(call(id + "/files", ask, CALL_TIMEOUT, function (status, ticket) {
      if (over) {
        return;
      }
      if (status !== 201) {
        end("refused", ticket.error || "refused (HTTP " + status + ")");
        return;
      }
      t = ticket;
      r.status.textContent = "sending";
      parts();
    }));
  }

  // pump starts the files waiting, FILES at a time.
  function pump() {
    while (running < FILES && queue.length) {
      var job = queue.shift();
      if (job.r.li.className) {
        continue; // cancelled while it waited
      }
      running++;
      send(job.file, job.r, function () {
        running--;
        pump();
      });
    }
  }

  function sendAll(files) {
    for (var i = 0; i < files.length; i++) {
      var job = { file: files[i], r: row(files[i]) };
      job.r.cancel.onclick = (function (r) {
        return function () { show(r, "refused", "cancelled"); };
      })(job.r);
      queue.push(job);
    }
    pump();
  }

  input.addEventListener("change", function () {
    sendAll(input.files);
    input.value = "";
  });
  drop.addEventListener("dragover", function (e) {
    e.preventDefault();
    drop.className = "drop over";
  });
  drop.addEventListener("dragleave", function () { drop.className = "drop"; });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    drop.className = "drop";
    sendAll(e.dataTransfer.files);
  });
})();
